/**
 * Before a step is typed into a sealed shell (the sandbox's): would its kubectl, k3d, istioctl and docker still reach
 * the sandbox? The shell reports its watched variables and how each sealed command resolves at every prompt
 * (server/sessions/seal-report.ts); anything that differs from the backend's seal refuses the step. A learner who
 * ran `export KUBECONFIG=~/.kube/config` by hand must not have the Clean up page delete their real namespaces.
 */
import type {StepFailure} from '../../src/core/protocol/messages';
import type {ShellEnvironment} from '../backends/types';
import type {SealReport} from '../sessions/seal-report';

/** the failure's check name; the page shows such a failure as a refusal, with the way back */
export const SEAL_CHECK = 'sandbox';

/**
 * null when the shell is as sealed, else a failure whose `expected` and `actual` are matching lines `NAME=value`
 * (a variable; `NAME` alone: unset) or `cmd:NAME=<path | alias | function | missing>` (a command).
 */
export function sealFailure(shell: ShellEnvironment | undefined, report: SealReport | undefined): StepFailure | null {
  const seal = shell?.seal;
  if (!shell || !seal) return null;
  if (!report) {
    return {
      check: SEAL_CHECK,
      expected: 'the shell reports its environment at every prompt',
      actual: 'no report from the shell (its PROMPT_COMMAND was replaced?)',
    };
  }
  const expected: string[] = [];
  const actual: string[] = [];
  for (const name of seal.watch) {
    const want = shell.env[name];
    const have = report.vars[name];
    if (want === undefined || have === want) continue;
    expected.push(`${name}=${want}`);
    actual.push(have === null || have === undefined ? name : `${name}=${have}`);
  }
  for (const name of seal.commands) {
    const want = `file:${seal.pathFirst}/${name}`;
    const have = report.commands[name] ?? 'missing';
    // the sandbox's own launcher elsewhere on PATH (istio-<v>/bin/istioctl) reaches the sandbox as the shim does
    if (have === want || have.startsWith('launcher:')) continue;
    expected.push(`cmd:${name}=${want.slice('file:'.length)}`);
    actual.push(`cmd:${name}=${have.startsWith('file:') ? have.slice('file:'.length) : have}`);
  }
  if (expected.length === 0) return null;
  return {check: SEAL_CHECK, expected: expected.join('\n'), actual: actual.join('\n')};
}
