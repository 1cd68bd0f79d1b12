/**
 * Evaluates a step's checks against a finished command: the exit code first (a failing command makes output
 * checks meaningless), then each output check in the order the author wrote them. Platform-free.
 */
import type {StepFailure} from '../protocol/messages';
import type {CommandFinished} from '../shell/events';
import {matchOutput, normalizeOutput, type LikeOptions} from './matcher';
import type {OutputCheck, OutputCheckKind} from './types';

export const CHECK_NAMES: Record<OutputCheckKind, string> = {
  contains: 'output contains',
  'not-contains': 'output does not contain',
  regex: 'output matches',
  like: 'output like',
};

/** Bound on output quoted in a failure: the tail is what explains a failure. */
const MAX_ACTUAL_CHARS = 4000;

export interface CheckTarget {
  /** null: any exit code */
  exitCode: number | null;
  expect: OutputCheck[];
}

export function evaluateChecks(
  target: CheckTarget,
  finished: Pick<CommandFinished, 'exitCode' | 'output'>,
  options: LikeOptions = {},
): StepFailure | null {
  const output = normalizeOutput(finished.output);
  if (target.exitCode !== null && finished.exitCode !== target.exitCode) {
    return {
      check: 'exit code',
      expected: String(target.exitCode),
      actual: output === '' ? String(finished.exitCode) : `${finished.exitCode}\n${tail(output)}`,
    };
  }
  for (const check of target.expect) {
    const result = matchOutput(check, output, options);
    if (!result.ok) {
      return {
        check: CHECK_NAMES[check.kind],
        expected: check.pattern,
        // The matcher's explanation (line and token of the first difference) comes last, after the output.
        actual: `${tail(output)}\n\n[first difference] ${result.message}`,
      };
    }
  }
  return null;
}

/** The last MAX_ACTUAL_CHARS of text, cut at a line boundary. */
export function tail(text: string, max = MAX_ACTUAL_CHARS): string {
  if (text.length <= max) return text;
  const cut = text.slice(-max);
  const newline = cut.indexOf('\n');
  return `[…]\n${newline >= 0 ? cut.slice(newline + 1) : cut}`;
}
