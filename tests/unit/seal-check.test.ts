/** The seal report's path from the shell's marker to the engine's verdict, without a shell. */
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {CommandDetector, type ShellProperty} from '../../src/core/shell/command-detector';
import type {ShellEnvironment} from '../../server/backends/types';
import {SEAL_CHECK, sealFailure} from '../../server/engine/seal-check';
import {parseSealReport} from '../../server/sessions/seal-report';

const NONCE = 'nonce-for-tests';
const SHIMS = '/lab/server/backends/sandbox/commands/bin';
const SHELL: ShellEnvironment = {
  env: {KUBECONFIG: '/state/sandboxes/s1/kubeconfig.yaml', HOME: '/state/workspaces/local'},
  cwd: '/state/workspaces/local',
  seal: {vars: ['KUBECONFIG', 'HOME'], watch: ['KUBECONFIG'], pathFirst: SHIMS, commands: ['kubectl', 'k3d']},
};
const sealed = `KUBECONFIG=/state/sandboxes/s1/kubeconfig.yaml\ncmd:kubectl=file:${SHIMS}/kubectl\ncmd:k3d=file:${SHIMS}/k3d\n`;

describe('the seal check', () => {
  it('reads 633;P properties only with the nonce, unescaping their value', () => {
    const detector = new CommandDetector({nonce: NONCE});
    const seen: ShellProperty[] = [];
    detector.onProperty((p) => seen.push(p));
    detector.write(`\x1b]633;P;LabSeal=A=1\\x0aB\\x3bc;nonce=${NONCE}\x07`);
    detector.write(`\x1b]633;P;LabSeal=forged;nonce=wrong\x07`);
    detector.write(`\x1b]633;P;LabSeal=x;extra;nonce=${NONCE}\x07`);
    assert.deepEqual(seen, [{name: 'LabSeal', value: 'A=1\nB;c'}]);
  });

  it('passes a shell as sealed, and names what differs otherwise', () => {
    assert.equal(sealFailure(SHELL, parseSealReport(sealed)), null);
    const broken = parseSealReport(
      `KUBECONFIG=/home/me/.kube/config\ncmd:kubectl=alias\ncmd:k3d=file:/usr/local/bin/k3d\n`,
    );
    assert.deepEqual(sealFailure(SHELL, broken), {
      check: SEAL_CHECK,
      expected: `KUBECONFIG=/state/sandboxes/s1/kubeconfig.yaml\ncmd:kubectl=${SHIMS}/kubectl\ncmd:k3d=${SHIMS}/k3d`,
      actual: 'KUBECONFIG=/home/me/.kube/config\ncmd:kubectl=alias\ncmd:k3d=/usr/local/bin/k3d',
    });
    const unset = sealFailure(
      SHELL,
      parseSealReport(`KUBECONFIG\ncmd:kubectl=file:${SHIMS}/kubectl\ncmd:k3d=file:${SHIMS}/k3d`),
    );
    assert.equal(unset?.actual, 'KUBECONFIG');
  });

  it('refuses a sealed shell that never reported, and checks nothing in a shell without a seal', () => {
    assert.equal(sealFailure(SHELL, undefined)?.check, SEAL_CHECK);
    assert.equal(sealFailure({env: {}, cwd: '/'}, undefined), null);
    assert.equal(sealFailure(undefined, undefined), null);
  });
});
