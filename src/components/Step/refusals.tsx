/**
 * Steps the lab did not run, and why, in the learner's language: the shell's kubectl would not reach the sandbox
 * (server/engine/seal-check.ts, check `sandbox`), or the shell never showed its prompt (check `shell start`, an rc
 * file that hangs). The engine's failure carries the facts (`expected`/`actual` lines); the words are the page's.
 */
import React, {type ReactNode} from 'react';
import clsx from 'clsx';
import Translate, {translate} from '@docusaurus/Translate';
import type {StepFailure} from '@site/src/core/protocol/messages';
import {SlowShellText} from '@site/src/components/Terminal/slow-shell';
import styles from './styles.module.css';

/** check names of failures that mean "not run" (the engine's words: seal-check.ts, step-engine.ts) */
export const SEAL_CHECK = 'sandbox';
export const SHELL_START_CHECK = 'shell start';

export function isRefusal(failure: StepFailure | undefined): boolean {
  return failure?.check === SEAL_CHECK || failure?.check === SHELL_START_CHECK;
}

interface Difference {
  name: string;
  command: boolean;
  want: string;
  /** null: unset (a variable) */
  have: string | null;
}

/** `NAME=value` / `NAME` / `cmd:NAME=how` lines of a seal failure, paired up */
export function sealDifferences(failure: StepFailure): Difference[] {
  const want = failure.expected.split('\n');
  const have = failure.actual.split('\n');
  const out: Difference[] = [];
  want.forEach((line, i) => {
    const eq = line.indexOf('=');
    if (eq <= 0) return;
    const key = line.slice(0, eq);
    const other = have[i] ?? '';
    const otherEq = other.indexOf('=');
    const command = key.startsWith('cmd:');
    out.push({
      name: command ? key.slice(4) : key,
      command,
      want: line.slice(eq + 1),
      have: otherEq < 0 ? null : other.slice(otherEq + 1),
    });
  });
  return out;
}

function howItRuns(have: string | null): ReactNode {
  switch (have) {
    case 'alias':
      return translate({id: 'lab.step.seal.alias', message: 'an alias'});
    case 'function':
      return translate({id: 'lab.step.seal.function', message: 'a shell function'});
    case 'missing':
    case null:
      return translate({id: 'lab.step.seal.missing', message: 'nothing (not found)'});
    default:
      return <code>{have}</code>;
  }
}

function SealLine({d}: {d: Difference}): ReactNode {
  const name = <code>{d.name}</code>;
  const want = <code>{d.want}</code>;
  if (d.command) {
    return (
      <Translate id="lab.step.seal.command" values={{name, have: howItRuns(d.have), want}}>
        {'{name} runs {have}, not the sandbox’s {want}'}
      </Translate>
    );
  }
  return d.have === null ? (
    <Translate id="lab.step.seal.unset" values={{name, want}}>
      {'{name} is not set; the sandbox’s is {want}'}
    </Translate>
  ) : (
    <Translate id="lab.step.seal.var" values={{name, have: <code>{d.have}</code>, want}}>
      {'{name} is {have}, not the sandbox’s {want}'}
    </Translate>
  );
}

export function RefusalBox({failure}: {failure: StepFailure}): ReactNode {
  const seal = failure.check === SEAL_CHECK;
  const differences = seal ? sealDifferences(failure) : [];
  return (
    <div
      className={clsx(styles.failure, styles.refusal, 'lab-noindex')}
      data-testid="step-refusal"
      data-check={failure.check}
      role="alert"
    >
      <div className={styles.failureTitle}>
        {seal ? (
          <Translate id="lab.step.seal.title">
            Not run: kubectl in this terminal would not reach the lab’s sandbox
          </Translate>
        ) : (
          <Translate id="lab.step.slow.title">Not run: the shell has not shown its prompt</Translate>
        )}
      </div>
      {seal ? (
        <>
          {differences.length > 0 && (
            <ul className={styles.refusalList}>
              {differences.map((d) => (
                <li key={d.name}>
                  <SealLine d={d} />
                </li>
              ))}
            </ul>
          )}
          <p className={styles.refusalWay}>
            {differences.every((d) => d.name === 'current-context') ? (
              <Translate
                id="lab.step.seal.contextWay"
                values={{list: <code>kubectl config get-contexts</code>, use: <code>kubectl config use-context</code>}}
              >
                {
                  'The kubeconfig was edited by hand to reach another cluster. {list} lists the sandbox’s k3d-… context; {use} switches back to it. Then run the step.'
                }
              </Translate>
            ) : (
              <Translate
                id="lab.step.seal.way"
                values={{command: <code>lab_reseal</code>}}
                description="the way back after a seal refusal"
              >
                {
                  'Something changed it after the terminal started (your ~/.bashrc alone cannot: the lab sets its own values back after it). Type {command} in the terminal to point this shell at the sandbox again, then run the step.'
                }
              </Translate>
            )}
          </p>
        </>
      ) : (
        <p className={styles.refusalWay}>
          <SlowShellText shell={{rcFiles: rcFilesIn(failure.actual)}} />
        </p>
      )}
    </div>
  );
}

/** the rc files the engine named in a `shell start` failure ("… still running /a/.bashrc, /b (a command …") */
function rcFilesIn(actual: string): string[] {
  const m = /still running (.+?) \(a command/.exec(actual);
  if (!m || m[1] === 'its start-up files') return [];
  return m[1]!.split(', ').filter((f) => f.startsWith('/'));
}
