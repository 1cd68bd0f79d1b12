/**
 * The failure box in the learner's language: the engine names checks in English (src/core/steps/checks.ts,
 * server/engine/verify-loop.ts) for logs and `lab run`; the page translates those names and sets apart the parts
 * of a failure the engine appends to the output (the first difference, the number of attempts).
 */
import React, {type ReactNode} from 'react';
import {translate} from '@docusaurus/Translate';

/** The check names the engine writes, as a learner reads them. */
function plainCheckName(check: string): string | null {
  switch (check) {
    case 'exit code':
      return translate({id: 'lab.step.checkName.exit', message: 'exit code'});
    case 'output contains':
      return translate({id: 'lab.step.checkName.contains', message: 'output contains'});
    case 'output does not contain':
      return translate({id: 'lab.step.checkName.notContains', message: 'output does not contain'});
    case 'output matches':
      return translate({id: 'lab.step.checkName.regex', message: 'output matches the regular expression'});
    case 'output like':
      return translate({id: 'lab.step.checkName.like', message: 'output looks like the expected output'});
    case 'timeout':
      return translate({id: 'lab.step.checkName.timeout', message: 'time limit'});
    case 'session':
      return translate({id: 'lab.step.checkName.session', message: 'the shell'});
    default:
      return null;
  }
}

/** A failure's check, translated; `verify: <command>` keeps its command as code. */
export function checkName(check: string): ReactNode {
  const plain = plainCheckName(check);
  if (plain !== null) return <strong>{plain}</strong>;
  if (check.startsWith('verify: ')) {
    return (
      <>
        <strong>{translate({id: 'lab.step.checkName.verify', message: 'the check command'})}</strong>{' '}
        <code>{check.slice('verify: '.length)}</code>
      </>
    );
  }
  return <code>{check}</code>;
}

/** A verify failure's "expected" starts with the inner check's name (`output contains: condition met`). */
export function expectedText(expected: string): ReactNode {
  const colon = expected.indexOf(': ');
  const plain = colon > 0 ? plainCheckName(expected.slice(0, colon)) : null;
  if (plain === null) return expected;
  return (
    <>
      <span className="lab-check-prefix">{plain}:</span>
      {'\n'}
      {expected.slice(colon + 2)}
    </>
  );
}

export interface ActualParts {
  output: string;
  /** the matcher's explanation of the first difference */
  difference?: string;
  /** a verify command's tries */
  attempts?: {count: number; seconds: string};
}

const DIFFERENCE = '\n\n[first difference] ';
const ATTEMPTS = /\n\((\d+) attempts? in ([\d.]+)s\)$/;

export function splitDifference(actual: string): ActualParts {
  let output = actual;
  const parts: ActualParts = {output};
  const tries = ATTEMPTS.exec(output);
  if (tries) {
    parts.attempts = {count: Number(tries[1]), seconds: tries[2]!};
    output = output.slice(0, tries.index);
  }
  const at = output.lastIndexOf(DIFFERENCE);
  if (at >= 0) {
    parts.difference = output.slice(at + DIFFERENCE.length);
    output = output.slice(0, at);
  } else if (output.startsWith('[first difference] ')) {
    parts.difference = output.slice('[first difference] '.length);
    output = '';
  }
  parts.output = output;
  return parts;
}
