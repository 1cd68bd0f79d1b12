/**
 * One executable step, as the remark plugin emits it:
 *   <Step pageId="before-you-begin" locale="en" spec="{StepSpec JSON}" expected="text of the expect block">
 *     <Hint>…</Hint> <Solution>…</Solution>      (optional: shown once the step has failed)
 *   </Step>
 *
 * Test hooks: root `[data-testid=step][data-step-id][data-status=idle|running|passed|failed][data-needs-rerun]`,
 * `[data-testid=step-run]`, `[data-testid=step-status]`, `[data-testid=step-failure]`, `[data-testid=step-rerun]`,
 * `[data-testid=step-help]`, `[data-testid=step-refusal][data-check=sandbox|shell start]`.
 */
import React, {useEffect, useMemo, useState, type ReactNode} from 'react';
import clsx from 'clsx';
import CodeBlock from '@theme/CodeBlock';
import Translate, {translate} from '@docusaurus/Translate';
import type {StepSpec, OutputCheck} from '@site/src/core/steps/types';
import type {StepResult, StepStatus} from '@site/src/core/protocol/messages';
import {effectsOf, useLab} from '@site/src/components/LabProvider';
import type {ShellEffects} from '@site/src/core/steps/shell-effects';
import {formatDuration, formatElapsed} from './format';
import {checkName, expectedText, splitDifference} from './check-names';
import {isRefusal, RefusalBox} from './refusals';
import styles from './styles.module.css';

export interface StepProps {
  pageId: string;
  locale: string;
  /** the StepSpec as JSON */
  spec: string;
  /** the "what you should see" text, or '' */
  expected?: string;
  /** the step's <Hint> and <Solution>, attached by the remark plugin */
  children?: ReactNode;
}

function parseSpec(json: string): StepSpec | null {
  try {
    const spec = JSON.parse(json) as StepSpec;
    return typeof spec?.id === 'string' && typeof spec.command === 'string' ? spec : null;
  } catch {
    return null;
  }
}

/** Re-renders every `intervalMs` while `enabled`, returning the current time. */
function useNow(enabled: boolean, intervalMs = 100): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [enabled, intervalMs]);
  return now;
}

export default function Step({pageId, locale, spec: specJson, expected = '', children}: StepProps): ReactNode {
  const spec = useMemo(() => parseSpec(specJson), [specJson]);
  if (!spec) {
    return (
      <div className={clsx(styles.step, styles.broken)} role="alert">
        <Translate id="lab.step.broken">This step could not be read (its spec is not valid JSON).</Translate>
      </div>
    );
  }
  return (
    <StepView pageId={pageId} locale={locale} spec={spec} expected={expected}>
      {children}
    </StepView>
  );
}

function StepView({
  pageId,
  locale,
  spec,
  expected,
  children,
}: {
  pageId: string;
  locale: string;
  spec: StepSpec;
  expected: string;
  children?: ReactNode;
}): ReactNode {
  const lab = useLab();
  const {registerStep} = lab;
  useEffect(() => registerStep(pageId, spec), [registerStep, pageId, spec]);

  const result = lab.resultFor(pageId, spec.id);
  const status: StepStatus = result?.status ?? 'idle';
  const index = lab.stepsOf(pageId).indexOf(spec.id);
  const otherRunning = lab.running !== null && !(lab.running.pageId === pageId && lab.running.stepId === spec.id);
  const connected = lab.status === 'open';
  // aria-disabled, not disabled: a disabled button drops the keyboard focus, and a learner who pressed Enter on
  // Run expects to stay there
  const disabled = !connected || status === 'running' || otherRunning;
  const runError = lab.runError?.pageId === pageId && lab.runError.stepId === spec.id ? lab.runError : null;
  const effects = effectsOf(spec.command);
  // the same element on every render: React skips the highlighted block when only the lab's state changed (every
  // step's status, every prompt re-renders each step of the page)
  const code = useMemo(
    () => <CodeBlock language={spec.lang || 'bash'}>{spec.command}</CodeBlock>,
    [spec.lang, spec.command],
  );
  const rerun = lab.needsRerun(pageId, spec);
  // earlier steps of this page that set what this one reads, and need a re-run in this shell
  const staleInputs = useStaleInputs(pageId, spec, effects);

  // a Run pressed now waits for the shell's first prompt
  const shellStarting = connected && lab.shell?.state === 'starting';
  const disabledReason = !connected
    ? translate({id: 'lab.step.disabled.offline', message: 'Waiting for the terminal to connect'})
    : otherRunning
      ? translate({id: 'lab.step.disabled.busy', message: 'Another step is running'})
      : shellStarting
        ? translate({id: 'lab.step.startingShell.title', message: 'Starting shell… the step runs at its first prompt'})
        : undefined;

  return (
    <div
      className={clsx(styles.step, styles[status], rerun && styles.rerun)}
      data-testid="step"
      data-step-id={spec.id}
      data-status={status}
      data-needs-rerun={rerun ? 'true' : undefined}
    >
      <div className={clsx(styles.toolbar, 'lab-noindex')}>
        <span className={styles.stepLabel}>
          {index >= 0 ? (
            <Translate id="lab.step.numbered" values={{n: index + 1}}>
              {'Step {n}'}
            </Translate>
          ) : (
            <Translate id="lab.step.label">Step</Translate>
          )}
        </span>
        <StatusPill status={status} result={result} locale={locale} rerun={rerun} shellStarting={shellStarting} />
        <span className={styles.spacer} />
        <button
          type="button"
          className={clsx(
            'button',
            'button--sm',
            status === 'idle' || rerun ? 'button--primary' : 'button--secondary',
            styles.run,
          )}
          data-testid="step-run"
          aria-disabled={disabled}
          title={disabledReason}
          onClick={() => {
            if (!disabled) lab.run(pageId, spec.id);
          }}
        >
          <svg viewBox="0 0 12 12" width="10" height="10" aria-hidden="true">
            <path d="M2.5 1.5 L10 6 L2.5 10.5 Z" fill="currentColor" />
          </svg>
          {status === 'idle' || status === 'running' ? (
            <Translate id="lab.step.run">Run</Translate>
          ) : (
            <Translate id="lab.step.runAgain">Run again</Translate>
          )}
        </button>
      </div>

      <div className={styles.code}>{code}</div>

      <Checks spec={spec} locale={locale} hasExpected={expected !== ''} />

      {rerun && <RerunNote effects={effects} />}
      {!rerun && staleInputs.length > 0 && status !== 'running' && (
        <InputsNote inputs={staleInputs} onRun={(stepId) => lab.run(pageId, stepId)} disabled={disabled} />
      )}
      {status === 'failed' &&
        (result?.failure && isRefusal(result.failure) ? (
          <RefusalBox failure={result.failure} />
        ) : (
          <FailureBox result={result} />
        ))}
      {status === 'failed' && !isRefusal(result?.failure) && children && (
        <div className={styles.help} data-testid="step-help">
          {children}
        </div>
      )}
      {runError && (
        <div className={styles.runError} role="alert">
          {runError.code === 'busy' ? (
            <Translate id="lab.step.error.busy">Another step is still running; wait for it to finish.</Translate>
          ) : runError.code === 'not-connected' ? (
            <Translate id="lab.step.error.offline">The terminal is not connected yet; try again in a moment.</Translate>
          ) : (
            runError.message
          )}
        </div>
      )}

      {expected !== '' && (
        <details className={styles.expected} open>
          <summary className="lab-noindex">
            <Translate id="lab.step.expected">What you should see</Translate>
          </summary>
          <pre className={styles.expectedText}>{expected}</pre>
        </details>
      )}
    </div>
  );
}

/** Earlier steps on the page that set a variable this step reads and need a re-run in this shell. */
function useStaleInputs(
  pageId: string,
  spec: StepSpec,
  effects: ShellEffects,
): Array<{stepId: string; index: number; names: string[]}> {
  const lab = useLab();
  if (effects.reads.length === 0) return [];
  const specs = lab.specsOf(pageId);
  const own = specs.findIndex((s) => s.id === spec.id);
  const inputs: Array<{stepId: string; index: number; names: string[]}> = [];
  const wanted = new Set(effects.reads);
  // the last earlier step that sets a name is the one this step reads it from
  for (let i = own - 1; i >= 0 && wanted.size > 0; i--) {
    const earlier = specs[i]!;
    const names = effectsOf(earlier.command).sets.filter((name) => wanted.has(name));
    if (names.length === 0) continue;
    for (const name of names) wanted.delete(name);
    if (lab.needsRerun(pageId, earlier)) inputs.unshift({stepId: earlier.id, index: i, names});
  }
  return inputs;
}

function shellChanges(effects: ShellEffects): ReactNode {
  const parts: ReactNode[] = [];
  if (effects.sets.length > 0) {
    parts.push(
      <Translate
        key="sets"
        id="lab.step.rerun.sets"
        values={{names: <code>{effects.sets.join(', ')}</code>}}
        description="what a step left in the shell: the variables it set"
      >
        {'it sets {names}'}
      </Translate>,
    );
  }
  if (effects.cwd) {
    parts.push(
      <Translate key="cwd" id="lab.step.rerun.cwd">
        it changes the working directory
      </Translate>,
    );
  }
  if (effects.other.length > 0) {
    parts.push(
      <Translate key="other" id="lab.step.rerun.other">
        it changes the shell’s settings
      </Translate>,
    );
  }
  return parts.map((part, i) => (
    <React.Fragment key={i}>
      {i > 0 && (
        <Translate id="lab.step.rerun.and" description="joins two shell changes">
          {' and '}
        </Translate>
      )}
      {part}
    </React.Fragment>
  ));
}

function RerunNote({effects}: {effects: ShellEffects}): ReactNode {
  return (
    <div className={styles.rerunNote} data-testid="step-rerun" role="note">
      <Translate id="lab.step.rerun.note" values={{changes: <>{shellChanges(effects)}</>}}>
        {
          'This step leaves something in the shell ({changes}), and your shell is new since it passed: the lab was restarted, or the old shell ended. Run it again.'
        }
      </Translate>
    </div>
  );
}

function InputsNote({
  inputs,
  onRun,
  disabled,
}: {
  inputs: Array<{stepId: string; index: number; names: string[]}>;
  onRun(stepId: string): void;
  disabled: boolean;
}): ReactNode {
  return (
    <div className={styles.rerunNote} data-testid="step-inputs" role="note">
      {inputs.map((input) => (
        <p key={input.stepId} className={styles.inputLine}>
          <Translate
            id="lab.step.inputs.note"
            values={{names: <code>{input.names.join(', ')}</code>, n: input.index + 1}}
          >
            {'This step uses {names}, set by step {n} in an earlier shell. Run step {n} again first.'}
          </Translate>{' '}
          <button
            type="button"
            className={clsx('button', 'button--sm', 'button--outline', 'button--primary', styles.inlineRun)}
            aria-disabled={disabled}
            onClick={() => {
              if (!disabled) onRun(input.stepId);
            }}
          >
            <Translate id="lab.step.inputs.run" values={{n: input.index + 1}}>
              {'Run step {n}'}
            </Translate>
          </button>
        </p>
      ))}
    </div>
  );
}

function StatusPill({
  status,
  result,
  locale,
  rerun,
  shellStarting,
}: {
  status: StepStatus;
  result: StepResult | undefined;
  locale: string;
  rerun: boolean;
  shellStarting: boolean;
}): ReactNode {
  const running = status === 'running';
  // whole seconds, once a second: a tenth-second counter repainted the page ten times a second for every running
  // step, and the spinner already says the step is alive
  const now = useNow(running, 1000);
  // The server's clock and ours may differ a little: never show a negative or future start.
  const startedAt = running ? Math.min(result?.startedAt ?? now, now) : 0;
  const duration = result?.durationMs !== undefined ? formatDuration(result.durationMs, locale, {precise: true}) : null;
  const typed = result?.via === 'typed';

  let text: ReactNode;
  switch (status) {
    case 'idle':
      text = <Translate id="lab.step.status.idle">Not run yet</Translate>;
      break;
    case 'running':
      text = shellStarting ? (
        <Translate id="lab.step.status.startingShell" description="a Run waits for the shell's first prompt">
          Starting shell…
        </Translate>
      ) : (
        <Translate
          id="lab.step.status.running"
          values={{
            // the pill is a live region: a screen reader says "Running…" once, not every second
            elapsed: <span aria-hidden="true">{formatElapsed(now - startedAt, locale)}</span>,
          }}
        >
          {'Running… {elapsed}'}
        </Translate>
      );
      break;
    case 'passed':
      text = rerun ? (
        <Translate id="lab.step.status.rerun" description="a step that passed in an earlier shell">
          Passed in an earlier shell
        </Translate>
      ) : result?.via === 'catch-up' ? (
        <Translate id="lab.step.status.caughtUp" description="a step run by Catch me up, passed">
          Passed · caught up
        </Translate>
      ) : duration ? (
        <Translate id="lab.step.status.passedIn" values={{duration}}>
          {'Passed in {duration}'}
        </Translate>
      ) : (
        <Translate id="lab.step.status.passed">Passed</Translate>
      );
      break;
    case 'failed':
      text = isRefusal(result?.failure) ? (
        <Translate id="lab.step.status.notRun" description="the lab refused to run the step (see the box below)">
          Not run
        </Translate>
      ) : duration ? (
        <Translate id="lab.step.status.failedAfter" values={{duration}}>
          {'Failed after {duration}'}
        </Translate>
      ) : (
        <Translate id="lab.step.status.failed">Failed</Translate>
      );
      break;
  }

  return (
    <span
      className={clsx(styles.pill, styles[`pill-${rerun ? 'rerun' : status}`])}
      data-testid="step-status"
      role="status"
    >
      <StatusIcon status={status} />
      <span className={styles.pillText}>{text}</span>
      {typed && status !== 'idle' && (
        <span className={styles.via}>
          · <Translate id="lab.step.via.typed">typed by hand</Translate>
        </span>
      )}
    </span>
  );
}

function StatusIcon({status}: {status: StepStatus}): ReactNode {
  switch (status) {
    case 'idle':
      return <span className={styles.iconIdle} aria-hidden="true" />;
    case 'running':
      return <span className={styles.spinner} aria-hidden="true" />;
    case 'passed':
      return (
        <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
          <path
            d="M3.5 8.5 L6.5 11.5 L12.5 4.5"
            fill="none"
            stroke="currentColor"
            strokeWidth="2.2"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </svg>
      );
    case 'failed':
      return (
        <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
          <path
            d="M4.5 4.5 L11.5 11.5 M11.5 4.5 L4.5 11.5"
            fill="none"
            stroke="currentColor"
            strokeWidth="2.2"
            strokeLinecap="round"
          />
        </svg>
      );
  }
}

function checkText(check: OutputCheck, hasExpected: boolean): ReactNode {
  const pattern = <code>{check.pattern}</code>;
  switch (check.kind) {
    case 'contains':
      return (
        <Translate id="lab.step.check.contains" values={{pattern}}>
          {'output contains {pattern}'}
        </Translate>
      );
    case 'not-contains':
      return (
        <Translate id="lab.step.check.notContains" values={{pattern}}>
          {'output has no {pattern}'}
        </Translate>
      );
    case 'regex':
      return (
        <Translate id="lab.step.check.regex" values={{pattern}}>
          {'output matches the regular expression {pattern}'}
        </Translate>
      );
    case 'like':
      // the `like` check is the expected-output block shown below the step
      return hasExpected ? (
        <Translate id="lab.step.check.likeBelow">output looks like the block below</Translate>
      ) : (
        <Translate id="lab.step.check.like">output looks like the expected output</Translate>
      );
  }
}

function Checks({spec, locale, hasExpected}: {spec: StepSpec; locale: string; hasExpected: boolean}): ReactNode {
  const items: ReactNode[] = [
    spec.exitCode === null ? (
      <Translate id="lab.step.check.exitAny">any exit code</Translate>
    ) : (
      <Translate id="lab.step.check.exit" values={{code: spec.exitCode}}>
        {'exits with {code}'}
      </Translate>
    ),
    ...spec.expect.map((check) => checkText(check, hasExpected)),
  ];
  if (spec.verify) {
    items.push(
      <Translate
        id="lab.step.check.verify"
        values={{
          command: <code>{spec.verify.command}</code>,
          timeout: formatDuration(spec.verify.timeoutMs, locale).replace(/\.0(?=\s?[s초])/, ''),
        }}
      >
        {'then waits until {command} succeeds (up to {timeout})'}
      </Translate>,
    );
  }
  return (
    <div className={clsx(styles.checks, 'lab-noindex')}>
      <span className={styles.checksLabel}>
        <Translate id="lab.step.checks">Checks</Translate>
      </span>
      <ul className={styles.checkList}>
        {items.map((item, i) => (
          <li key={i}>{item}</li>
        ))}
      </ul>
    </div>
  );
}

function FailureBox({result}: {result: StepResult | undefined}): ReactNode {
  const failure = result?.failure;
  const actual = failure ? splitDifference(failure.actual) : null;
  return (
    <div className={clsx(styles.failure, 'lab-noindex')} data-testid="step-failure" role="alert">
      <div className={styles.failureTitle}>
        {failure ? (
          <Translate id="lab.step.failure.check" values={{check: checkName(failure.check)}}>
            {'Check failed: {check}'}
          </Translate>
        ) : result?.exitCode !== undefined ? (
          <Translate id="lab.step.failure.exit" values={{code: result.exitCode}}>
            {'The command exited with code {code}.'}
          </Translate>
        ) : (
          <Translate id="lab.step.failure.unknown">The step failed.</Translate>
        )}
      </div>
      {failure && (
        <div className={styles.compare}>
          <div className={styles.compareCol}>
            <div className={styles.compareLabel}>
              <Translate id="lab.step.failure.expected">Expected</Translate>
            </div>
            <pre className={styles.compareText} data-testid="step-failure-expected">
              {failure.expected ? expectedText(failure.expected) : '—'}
            </pre>
          </div>
          <div className={styles.compareCol}>
            <div className={styles.compareLabel}>
              <Translate id="lab.step.failure.actual">Actual</Translate>
            </div>
            <pre className={styles.compareText} data-testid="step-failure-actual">
              {actual?.output || '—'}
            </pre>
          </div>
        </div>
      )}
      {actual?.difference && (
        <div className={styles.difference}>
          <div className={styles.compareLabel}>
            <Translate id="lab.step.failure.difference" description="where expected and actual output first differ">
              First difference
            </Translate>
          </div>
          <pre className={styles.compareText}>{actual.difference}</pre>
        </div>
      )}
      {actual?.attempts && (
        <div className={styles.difference}>
          <Translate
            id="lab.step.failure.attempts"
            values={{count: actual.attempts.count, seconds: actual.attempts.seconds}}
            description="how often the check command was tried"
          >
            {'Checked {count} times over {seconds} s.'}
          </Translate>
        </div>
      )}
    </div>
  );
}
