import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {after, describe, it} from 'node:test';
import type {CommandFinished} from '../../src/core/shell/events';
import {parseStat, sessionProcesses} from '../../server/sessions/process-tree';
import {PtySession, SESSION_ENV_MARKER, type PtySessionOptions} from '../../server/sessions/pty-session';
import {Scrollback} from '../../server/sessions/scrollback';
import {SessionError, SessionRegistry, type Timers} from '../../server/sessions/session-registry';

const environment = {env: {LAB_PLAIN_RC: '1'}, cwd: tmpdir()};
// Sleep durations unique to this test process, so concurrent test runs on the machine never see each other's sleeps.
const SLEEP_BASE = 100_000 + (process.pid % 100_000) * 10;
const sleepArg = (n: number) => String(SLEEP_BASE + n);
let counter = 0;
const sessions: PtySession[] = [];

function start(options: Partial<PtySessionOptions> = {}): PtySession {
  const session = new PtySession({
    id: `test-session-${process.pid}-${counter++}`,
    learner: 'local',
    environment,
    cols: 80,
    rows: 24,
    killGraceMs: 100,
    ...options,
  });
  sessions.push(session);
  return session;
}

after(async () => {
  await Promise.all(sessions.map((s) => s.close('test over')));
});

function next<T>(subscribe: (listener: (event: T) => void) => {dispose(): void}): Promise<T> {
  return new Promise<T>((resolve) => {
    const sub = subscribe((event) => {
      sub.dispose();
      resolve(event);
    });
  });
}

/**
 * Types a command and resolves with its finish once bash shows the next prompt, so the next command is typed at a
 * prompt. Both listeners are in place before typing: the finish and the prompt may arrive in one chunk.
 */
function run(session: PtySession, command: string): Promise<CommandFinished> {
  return new Promise((resolve) => {
    let finished: CommandFinished | undefined;
    const subscriptions = [
      session.onCommandFinished((event) => (finished = event)),
      session.onPromptReady((event) => {
        if (!finished || event.continuation) return;
        for (const subscription of subscriptions) subscription.dispose();
        resolve(finished);
      }),
    ];
    session.write(`${command}\r`);
  });
}

/**
 * Resolves once `condition` holds, polling (the process table sends no events). The interval only sets how soon a
 * change is seen; there is no deadline of its own, so a slow machine makes the test slower, never failed.
 */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** pids of live processes whose command line is exactly `argv` */
function pidsRunning(...argv: string[]): number[] {
  const wanted = argv.join('\0') + '\0';
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parseStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (stat && stat.state !== 'Z' && readFileSync(`/proc/${name}/cmdline`, 'latin1') === wanted) pids.push(stat.pid);
    } catch {
      // gone
    }
  }
  return pids;
}

describe('PtySession', () => {
  it('becomes ready and reports commands with exit code and output', async () => {
    const s = start();
    await s.ready;
    assert.deepEqual((({command, exitCode, output}) => ({command, exitCode, output}))(await run(s, 'echo hi')), {
      command: 'echo hi',
      exitCode: 0,
      output: 'hi\n',
    });
    const failed = await run(s, 'false');
    assert.equal(failed.exitCode, 1);
    assert.ok(s.scrollback().includes('hi\r\n'));
    await s.close('done');
  });

  it('keeps server secrets and the nonce out of the shell environment', async () => {
    const s = start({baseEnv: {...process.env, LAB_TOKEN: 'server-secret'}});
    await s.ready;
    const r = await run(s, 'printenv LAB_TOKEN LAB_NONCE; echo "[$?] $TERM $COLORTERM"');
    assert.equal(r.output, '[1] xterm-256color truecolor\n');
    await s.close('done');
  });

  it('kills background jobs, setsid escapees and nohup processes on close', async () => {
    const s = start();
    await s.ready;
    await run(
      s,
      `sleep ${sleepArg(1)} & (setsid sleep ${sleepArg(2)} &); nohup sleep ${sleepArg(3)} >/dev/null 2>&1 &`,
    );
    // The prompt can return before each background job has exec'd sleep (its /proc cmdline is still bash's, or
    // setsid's, or nohup's): wait until all three are sleeping, however long a loaded machine takes.
    await until(() => [1, 2, 3].every((n) => pidsRunning('sleep', sleepArg(n)).length === 1));
    const before = sessionProcesses({leader: s.info.pid, envMarker: `${SESSION_ENV_MARKER}=${s.info.id}`});
    const sleeps = [1, 2, 3].map((n) => pidsRunning('sleep', sleepArg(n)));
    for (const pids of sleeps) {
      assert.equal(pids.length, 1);
      assert.ok(before.includes(pids[0]!), 'sleep found as part of the session');
    }
    const exit = next<{exitCode: number; reason: string}>((l) => s.onExit(l));
    await s.close('test close');
    assert.equal((await exit).reason, 'test close');
    for (const pid of sleeps.flat()) {
      const stat = (() => {
        try {
          return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
        } catch {
          return undefined; // gone
        }
      })();
      assert.ok(!stat || stat.state === 'Z', `pid ${pid} survived`);
    }
    assert.deepEqual(
      [1, 2, 3].flatMap((n) => pidsRunning('sleep', sleepArg(n))),
      [],
    );
    assert.deepEqual(sessionProcesses({leader: s.info.pid, envMarker: `${SESSION_ENV_MARKER}=${s.info.id}`}), []);
    // idempotent, and exit is emitted once
    let exits = 0;
    s.onExit(() => exits++);
    await s.close('again');
    assert.equal(exits, 0);
  });

  it('reports the shell exiting by itself and cleans up what it left', async () => {
    const s = start();
    await s.ready;
    await run(s, `nohup sleep ${sleepArg(4)} >/dev/null 2>&1 &`);
    const exit = next<{exitCode: number; reason: string}>((l) => s.onExit(l));
    s.write('exit 7\r');
    assert.deepEqual(await exit, {exitCode: 7, reason: 'shell exited'});
    assert.deepEqual(pidsRunning('sleep', sleepArg(4)), []);
  });

  it('keeps scrollback bounded, cut at a line boundary', async () => {
    const s = start({scrollbackBytes: 4096});
    await s.ready;
    await run(s, 'seq 1 3000');
    const back = s.scrollback();
    assert.ok(back.length <= 4096, `scrollback is ${back.length}`);
    assert.match(back, /^\d+\r\n/);
    assert.ok(back.includes('\r\n3000\r\n'));
    await s.close('done');
  });
});

describe('PtySession output ceiling', () => {
  it('reads a flood no faster than its ceiling: the writer waits, and the learner is told once', async () => {
    // the ceiling's clock and timers are moved by hand: output gets through only as fast as the test lets time pass
    let t = 0;
    let wake: (() => void) | undefined;
    const pending: (() => void)[] = [];
    const limited: number[] = [];
    const s = start({
      now: () => t,
      timers: {
        setTimeout: (fn) => {
          pending.push(fn);
          wake?.();
          return fn;
        },
        clearTimeout: (h) => void pending.splice(pending.indexOf(h as () => void), 1),
      },
      outputLimit: {bytesPerSecond: 100_000, onLimited: () => limited.push(t)},
    });
    await s.ready;
    pending.length = 0; // the shell-start watch's timer (the shell is up)
    let bytes = 0;
    s.onOutput((d) => (bytes += Buffer.byteLength(d)));
    let done = false;
    const finished = run(s, "yes 'a flood of output' | head -c 2000000; echo flood-over").then((r) => {
      done = true;
      wake?.();
      return r;
    });
    let cycles = 0;
    for (;;) {
      if (pending.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve));
      if (done) break;
      // held back: a second passes, the bucket refills by 100 kB, reading goes on
      t += 1000;
      cycles++;
      for (const fn of pending.splice(0)) fn();
    }
    const result = await finished;
    assert.equal(result.exitCode, 0);
    assert.ok(bytes >= 2_000_000);
    // 2 MB through a 400 kB burst and 100 kB a second, each pause letting at most a PTY read's worth more through
    assert.ok(cycles >= 8, `held back ${cycles} times`);
    assert.deepEqual(limited, [0], 'told once, when the ceiling was first reached');
    await s.close('done');
  });
});

describe('Scrollback', () => {
  it('drops the oldest output at a line boundary', () => {
    const sb = new Scrollback(20);
    for (let i = 0; i < 10; i++) sb.append(`line ${i}\n`);
    assert.equal(sb.toString(), 'line 8\nline 9\n');
    assert.throws(() => new Scrollback(0), /scrollbackBytes/);
  });
});

describe('process-tree', () => {
  it('parses /proc/<pid>/stat with odd command names', () => {
    assert.deepEqual(parseStat('42 (a) (b c) S 7 42 40 0 -1 4194560'), {pid: 42, ppid: 7, sid: 40, state: 'S'});
    assert.equal(parseStat('garbage'), undefined);
  });
});

/** Fake timers: the test decides when a timer fires. */
function fakeTimers() {
  let nextId = 0;
  const pending = new Map<number, {fn: () => void; ms: number}>();
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      pending.set(++nextId, {fn, ms});
      return nextId;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  return {timers, pending};
}

describe('SessionRegistry', () => {
  const shellEnvironment = async () => environment;
  const createSession = (o: PtySessionOptions) => {
    const s = new PtySession({...o, killGraceMs: 50});
    sessions.push(s);
    return s;
  };

  it('validates options, naming the bad one', () => {
    assert.throws(() => new SessionRegistry({shellEnvironment, maxSessionsPerLearner: 0}), /maxSessionsPerLearner/);
    assert.throws(() => new SessionRegistry({shellEnvironment, detachGraceMs: -1}), /detachGraceMs/);
    assert.throws(() => new SessionRegistry({shellEnvironment, idleTimeoutMs: 1.5}), /idleTimeoutMs/);
    assert.throws(() => new SessionRegistry({shellEnvironment, scrollbackBytes: Number.NaN}), /scrollbackBytes/);
  });

  it('limits sessions per learner with a session-limit error', async () => {
    const registry = new SessionRegistry({shellEnvironment, createSession, maxSessionsPerLearner: 2});
    const a = await registry.create('alice', {cols: 80, rows: 24});
    await registry.create('alice', {cols: 80, rows: 24});
    await assert.rejects(
      registry.create('alice', {cols: 80, rows: 24}),
      (e: unknown) => e instanceof SessionError && e.code === 'session-limit',
    );
    await registry.create('bob', {cols: 80, rows: 24});
    assert.match(a.info.id, /^[A-Za-z0-9_-]{22,}$/);
    assert.equal(registry.sessionsOf('alice').length, 2);
    await registry.close(a.info.id, 'make room');
    assert.equal(registry.get(a.info.id), undefined);
    await registry.create('alice', {cols: 80, rows: 24});
    await registry.dispose();
    assert.equal(registry.all().length, 0);
  });

  it('closes a session once no client was attached for the grace period', async () => {
    const registry = new SessionRegistry({shellEnvironment, createSession, detachGraceMs: 100});
    const s = await registry.create('local', {cols: 80, rows: 24});
    registry.attach(s.info.id);
    registry.attach(s.info.id);
    const exit = next<{reason: string}>((l) => s.onExit(l));
    registry.detach(s.info.id);
    assert.equal(registry.attachedCount(s.info.id), 1);
    registry.detach(s.info.id);
    assert.equal((await exit).reason, 'no client attached');
    assert.equal(registry.get(s.info.id), undefined);
    assert.throws(
      () => registry.attach(s.info.id),
      (e: unknown) => e instanceof SessionError && e.code === 'unknown-session',
    );
    await registry.dispose();
  });

  it('attach cancels the grace timer; idle timeout closes a session without input', async () => {
    const {timers, pending} = fakeTimers();
    let now = 1_000_000;
    const registry = new SessionRegistry({
      shellEnvironment,
      createSession,
      timers,
      now: () => now,
      detachGraceMs: 1000,
      idleTimeoutMs: 5000,
    });
    const s = await registry.create('local', {cols: 80, rows: 24});
    const graceOf = () => [...pending.values()].filter((t) => t.ms === 1000);
    assert.equal(graceOf().length, 1, 'grace starts at creation');
    registry.attach(s.info.id);
    assert.equal(graceOf().length, 0, 'attach cancelled it');
    // idle: input moves the deadline, the timer re-arms instead of closing
    now += 3000;
    s.write(' ');
    now += 2000;
    const idle = [...pending.entries()].find(([, t]) => t.ms === 5000)!;
    pending.delete(idle[0]);
    idle[1].fn();
    assert.ok(registry.get(s.info.id), 'input 2 s ago: still open');
    const rearmed = [...pending.entries()].find(([, t]) => t.ms === 3000)!;
    pending.delete(rearmed[0]);
    now += 3000;
    const exit = next<{reason: string}>((l) => s.onExit(l));
    rearmed[1].fn();
    assert.equal((await exit).reason, 'idle timeout');
    await registry.dispose();
  });
});
