import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, realpathSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, describe, it} from 'node:test';
import {createVerifyRunner} from '../../server/engine/verify-runner';

const cwd = realpathSync(mkdtempSync(join(tmpdir(), 'verify-runner-')));
after(() => rmSync(cwd, {recursive: true, force: true}));

/** running (a zombie waiting to be reaped counts as ended) */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('verify runner', () => {
  it('runs bash -c in the session environment and directory, capturing stdout and stderr', async () => {
    const run = createVerifyRunner({env: {KUBECONFIG: '/lab/kubeconfig'}, cwd});
    const outcome = await run('echo "$KUBECONFIG"; pwd; echo oops >&2; exit 3', {timeoutMs: 5000});
    assert.deepEqual(outcome, {exitCode: 3, output: `/lab/kubeconfig\n${cwd}\noops\n`, timedOut: false});
  });

  it('kills an attempt at its timeout, pipeline included', async () => {
    const run = createVerifyRunner({env: {}, cwd});
    // the pipeline's sleep writes its pid, then never ends by itself: only the group kill can end it
    const outcome = await run("sh -c 'echo $$ > sleep.pid; echo started; exec sleep 1000' | cat", {timeoutMs: 200});
    assert.equal(outcome.timedOut, true);
    assert.equal(outcome.output, 'started\n');
    const pid = Number(readFileSync(join(cwd, 'sleep.pid'), 'utf8'));
    assert.ok(!alive(pid), `the pipeline's sleep (pid ${pid}) survived the timeout`);
  });

  it('follows the learner shell into the directory it changed to', async () => {
    const run = createVerifyRunner({env: {}, cwd: '/'}, {followShellPid: process.pid});
    const outcome = await run('pwd', {timeoutMs: 5000});
    assert.equal(outcome.output, `${process.platform === 'linux' ? realpathSync(process.cwd()) : '/'}\n`);
  });

  it('keeps the tail of long output', async () => {
    const run = createVerifyRunner({env: {}, cwd}, {maxOutputBytes: 100});
    const outcome = await run('seq 1 10000', {timeoutMs: 5000});
    assert.equal(outcome.output.length, 100);
    assert.ok(outcome.output.endsWith('9999\n10000\n'));
  });

  it('rejects a bad option at construction', () => {
    assert.throws(
      () => createVerifyRunner({env: {}, cwd}, {maxOutputBytes: 0}),
      /maxOutputBytes must be a positive integer/,
    );
  });
});
