/**
 * One executable step, as the remark plugin emits it:
 *   <Step pageId="before-you-begin" locale="en" spec="{StepSpec JSON}" expected="text of the expect block" />
 *
 * Test hooks: root `[data-testid=step][data-step-id][data-status=idle|running|passed|failed]`,
 * `[data-testid=step-run]`, `[data-testid=step-status]`, `[data-testid=step-failure]`.
 */
import React, {useEffect, useMemo, useState, type ReactNode} from 'react';
import clsx from 'clsx';
import CodeBlock from '@theme/CodeBlock';
import Translate, {translate} from '@docusaurus/Translate';
import type {StepSpec, OutputCheck} from '@site/src/core/steps/types';
import type {StepResult, StepStatus} from '@site/src/core/protocol/messages';
import {useLab} from '@site/src/components/LabProvider';
import {formatDuration} from './format';
import styles from './styles.module.css';

export interface StepProps {
  pageId: string;
  locale: string;
  /** the StepSpec as JSON */
  spec: string;
  /** the "what you should see" text, or '' */
  expected?: string;
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

export default function Step({pageId, locale, spec: specJson, expected = ''}: StepProps): ReactNode {
  const spec = useMemo(() => parseSpec(specJson), [specJson]);
  if (!spec) {
    return (
      <div className={clsx(styles.step, styles.broken)} role="alert">
        <Translate id="lab.step.broken">This step could not be read (its spec is not valid JSON).</Translate>
      </div>
    );
  }
  return <StepView pageId={pageId} locale={locale} spec={spec} expected={expected} />;
}

function StepView({
  pageId,
  locale,
  spec,
  expected,
}: {
  pageId: string;
  locale: string;
  spec: StepSpec;
  expected: string;
}): ReactNode {
  const lab = useLab();
  const {registerStep} = lab;
  useEffect(() => registerStep(pageId, spec.id), [registerStep, pageId, spec.id]);

  const result = lab.resultFor(pageId, spec.id);
  const status: StepStatus = result?.status ?? 'idle';
  const index = lab.stepsOf(pageId).indexOf(spec.id);
  const otherRunning = lab.running !== null && !(lab.running.pageId === pageId && lab.running.stepId === spec.id);
  const connected = lab.status === 'open';
  const disabled = !connected || status === 'running' || otherRunning;
  const runError = lab.runError?.pageId === pageId && lab.runError.stepId === spec.id ? lab.runError : null;

  const disabledReason = !connected
    ? translate({id: 'lab.step.disabled.offline', message: 'Waiting for the terminal to connect'})
    : otherRunning
      ? translate({id: 'lab.step.disabled.busy', message: 'Another step is running'})
      : undefined;

  return (
    <div className={clsx(styles.step, styles[status])} data-testid="step" data-step-id={spec.id} data-status={status}>
      <div className={styles.toolbar}>
        <span className={styles.stepLabel}>
          {index >= 0 ? (
            <Translate id="lab.step.numbered" values={{n: index + 1}}>
              {'Step {n}'}
            </Translate>
          ) : (
            <Translate id="lab.step.label">Step</Translate>
          )}
        </span>
        <StatusPill status={status} result={result} locale={locale} />
        <span className={styles.spacer} />
        <button
          type="button"
          className={clsx(
            'button',
            'button--sm',
            status === 'idle' ? 'button--primary' : 'button--secondary',
            styles.run,
          )}
          data-testid="step-run"
          disabled={disabled}
          title={disabledReason}
          onClick={() => lab.run(pageId, spec.id)}
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

      <div className={styles.code}>
        <CodeBlock language={spec.lang || 'bash'}>{spec.command}</CodeBlock>
      </div>

      <Checks spec={spec} locale={locale} hasExpected={expected !== ''} />

      {status === 'failed' && <FailureBox result={result} />}
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
          <summary>
            <Translate id="lab.step.expected">What you should see</Translate>
          </summary>
          <pre className={styles.expectedText}>{expected}</pre>
        </details>
      )}
    </div>
  );
}

function StatusPill({
  status,
  result,
  locale,
}: {
  status: StepStatus;
  result: StepResult | undefined;
  locale: string;
}): ReactNode {
  const running = status === 'running';
  const now = useNow(running);
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
      text = (
        <Translate id="lab.step.status.running" values={{elapsed: formatDuration(now - startedAt, locale)}}>
          {'Running… {elapsed}'}
        </Translate>
      );
      break;
    case 'passed':
      text = duration ? (
        <Translate id="lab.step.status.passedIn" values={{duration}}>
          {'Passed in {duration}'}
        </Translate>
      ) : (
        <Translate id="lab.step.status.passed">Passed</Translate>
      );
      break;
    case 'failed':
      text = duration ? (
        <Translate id="lab.step.status.failedAfter" values={{duration}}>
          {'Failed after {duration}'}
        </Translate>
      ) : (
        <Translate id="lab.step.status.failed">Failed</Translate>
      );
      break;
  }

  return (
    <span className={clsx(styles.pill, styles[`pill-${status}`])} data-testid="step-status" role="status">
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
    <div className={styles.checks}>
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
  return (
    <div className={styles.failure} data-testid="step-failure" role="alert">
      <div className={styles.failureTitle}>
        {failure ? (
          <Translate id="lab.step.failure.check" values={{check: <code>{failure.check}</code>}}>
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
            <pre className={styles.compareText}>{failure.expected || '—'}</pre>
          </div>
          <div className={styles.compareCol}>
            <div className={styles.compareLabel}>
              <Translate id="lab.step.failure.actual">Actual</Translate>
            </div>
            <pre className={styles.compareText}>{failure.actual || '—'}</pre>
          </div>
        </div>
      )}
    </div>
  );
}
