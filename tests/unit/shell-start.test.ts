/**
 * A shell whose rc file never finishes (seen: `pyenv rehash` waiting on a stale lock) is reported after the start
 * timeout, with the rc file as the likely cause and the way to skip it; a Run waiting for its prompt fails with the
 * same words; LAB_SHELL_RC=none (`lab start --no-rc`) skips the rc files. Time is a fake: no 15 s waits.
 */
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, describe, it} from 'node:test';
import type {PageManifest} from '../../src/core/steps/types';
import {SessionStepEngine, SHELL_START_CHECK} from '../../server/engine/step-engine';
import {manifestIndex} from '../../server/manifests/load';
import {PtySession} from '../../server/sessions/pty-session';
import {resolveOptions} from '../../server/config/options';
import type {ShellStart} from '../../server/sessions/shell-start';
import type {Timers} from '../../server/sessions/timers';

/** timers that fire only when the test says so */
class FakeTimers implements Timers {
  private next = 1;
  readonly pending = new Map<number, {fn: () => void; ms: number}>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, {fn, ms});
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** run every timer due within `ms` */
  advance(ms: number): void {
    for (const [id, t] of [...this.pending]) {
      if (t.ms > ms) continue;
      this.pending.delete(id);
      t.fn();
    }
  }
}

const PAGE: PageManifest = {
  pageId: 'start',
  locale: 'en',
  title: 'start',
  source: 'docs/start.mdx',
  steps: [{id: 'hello', lang: 'bash', command: 'echo hello', timeoutMs: 5_000, exitCode: 0, expect: []}],
};

describe('a shell that does not show its prompt', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'shell-start-'));
  const home = path.join(root, 'home');
  mkdirSync(home);
  writeFileSync(path.join(home, '.bashrc'), 'sleep 1000000\n');
  const sessions: PtySession[] = [];
  const start = (timers: Timers, extra: Partial<ConstructorParameters<typeof PtySession>[0]> = {}) => {
    const session = new PtySession({
      id: `shell-start-test-${sessions.length}000`,
      learner: 'local',
      environment: {env: {}, cwd: root},
      cols: 80,
      rows: 24,
      baseEnv: {...process.env, HOME: home},
      timers,
      ...extra,
    });
    sessions.push(session);
    return session;
  };

  after(async () => {
    await Promise.all(sessions.map((s) => s.close('test over')));
    rmSync(root, {recursive: true, force: true});
  });

  it('is reported slow after 15 s with the rc file as the likely cause, and a waiting Run fails with the way out', async () => {
    const timers = new FakeTimers();
    const session = start(timers);
    assert.equal(session.shellStart.state, 'starting');
    assert.equal(session.shellStart.timeoutMs, 15_000);
    const engine = new SessionStepEngine({
      session,
      manifests: manifestIndex(new Map([['en', [PAGE]]])),
      runVerify: async () => ({exitCode: 0, output: '', timedOut: false}),
    });
    const changes: ShellStart[] = [];
    session.onShellStart((s) => changes.push(s));
    const run = engine.run('en', 'start', 'hello');

    timers.advance(14_999);
    assert.equal(session.shellStart.state, 'starting');
    timers.advance(15_000);
    assert.equal(session.shellStart.state, 'slow');
    assert.deepEqual(
      changes.map((c) => c.state),
      ['slow'],
    );
    assert.ok(session.shellStart.rcFiles.includes(path.join(home, '.bashrc')), session.shellStart.rcFiles.join());

    const result = await run;
    assert.equal(result.status, 'failed');
    assert.equal(result.failure?.check, SHELL_START_CHECK);
    assert.match(result.failure!.actual, new RegExp(`no.*prompt after 15 s.*${home}/\\.bashrc`));
    assert.match(result.failure!.actual, /lab start --no-rc/);
    assert.match(result.failure!.actual, /LAB_SHELL_RC=none/);
    // a Run pressed later fails at once, with the same report
    assert.equal((await engine.run('en', 'start', 'hello')).failure?.check, SHELL_START_CHECK);
    engine.dispose();
  });

  it('LAB_SHELL_RC=none (lab start --no-rc) skips the rc files: the prompt comes, nothing is reported', async () => {
    const options = resolveOptions({}, {LAB_SHELL_RC: 'none'});
    assert.equal(options.shellRc, 'none');
    const timers = new FakeTimers();
    const session = start(timers, {shellRc: options.shellRc});
    assert.deepEqual(session.shellStart.rcFiles, []);
    const engine = new SessionStepEngine({
      session,
      manifests: manifestIndex(new Map([['en', [PAGE]]])),
      runVerify: async () => ({exitCode: 0, output: '', timedOut: false}),
    });
    // pressed while the shell starts: waits for the prompt, then runs
    const result = await engine.run('en', 'start', 'hello');
    assert.equal(result.status, 'passed');
    assert.equal(session.shellStart.state, 'ready');
    assert.equal(timers.pending.size, 0, 'the start timer is gone once the prompt came');
    engine.dispose();
  });
});
