import assert from 'node:assert/strict';
import xtermHeadless from '@xterm/headless';
import {readdirSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {after, describe, it} from 'node:test';
import type {CommandFinished} from '../../src/core/shell/events';
import {parseStat, sessionProcesses} from '../../server/sessions/process-tree';
import {PtySession, SESSION_ENV_MARKER, type PtySessionOptions} from '../../server/sessions/pty-session';
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

/** a fresh xterm, as a reloaded page has, with the replay written into it */
async function redraw(replay: string, cols = 80, rows = 24): Promise<InstanceType<typeof xtermHeadless.Terminal>> {
  const term = new xtermHeadless.Terminal({cols, rows, scrollback: 10_000, allowProposedApi: true});
  await new Promise<void>((resolve) => term.write(replay, resolve));
  return term;
}

function lines(buffer: {length: number; getLine(y: number): {translateToString(trim: boolean): string} | undefined}) {
  return Array.from({length: buffer.length}, (_, y) => buffer.getLine(y)!.translateToString(true));
}

/** resolves once the session printed `text` (typed commands spell their markers so that their echo never matches) */
function printed(session: PtySession, text: string): Promise<void> {
  let seen = '';
  return new Promise((resolve) => {
    const sub = session.onOutput((data) => {
      seen = (seen + data).slice(-4096);
      if (seen.includes(text)) {
        sub.dispose();
        resolve();
      }
    });
  });
}

describe('PtySession reattach replay', () => {
  const LIMIT = 8192;
  // A full-screen program: switches to the alternate screen, hides the cursor, asks for bracketed paste, application
  // cursor keys and SGR mouse reports, then draws more than the replay limit before its final screen, so the switch
  // itself is far older than what a byte tail of the output keeps. It leaves everything as it found it on Enter.
  const FULL_SCREEN = [
    "printf '\\e[?1049h\\e[?25l\\e[?2004h\\e[?1h\\e[?1000h\\e[?1006h'",
    'seq 70001 75000',
    "printf '\\e[H\\e[2J%s%s' FULL SCREEN",
    'read -r _',
    "printf '\\e[?1006l\\e[?1000l\\e[?1l\\e[?2004l\\e[?25h\\e[?1049l'",
  ].join('; ');

  it('replays into the alternate screen, with its modes, after the limit was exceeded', async () => {
    const s = start({scrollbackBytes: LIMIT});
    await s.ready;
    let bytes = 0;
    s.onOutput((data) => (bytes += Buffer.byteLength(data)));
    await run(s, 'seq 1 3000');
    const drawn = printed(s, 'FULLSCREEN');
    s.write(`${FULL_SCREEN}\r`);
    await drawn;
    assert.ok(bytes > 3 * LIMIT, `the session printed ${bytes} bytes, past the ${LIMIT}-byte limit`);

    const replay = s.scrollback();
    assert.ok(Buffer.byteLength(replay) <= LIMIT, `replay of ${Buffer.byteLength(replay)} bytes`);
    const term = await redraw(replay);
    assert.equal(term.buffer.active.type, 'alternate');
    assert.equal(lines(term.buffer.active)[0], 'FULLSCREEN');
    assert.ok(!lines(term.buffer.active).some((l) => /^7\d{4}$/.test(l)), 'the screen was cleared before FULLSCREEN');
    assert.equal(term.modes.bracketedPasteMode, true);
    assert.equal(term.modes.applicationCursorKeysMode, true);
    assert.equal(term.modes.mouseTrackingMode, 'vt200');
    // the cursor stays hidden: a DECRQM answer says so (25;2 = reset)
    const answers: string[] = [];
    term.onData((d) => answers.push(d));
    await new Promise<void>((resolve) => term.write('\x1b[?25$p\x1b[?1006$p', resolve));
    assert.deepEqual(answers, ['\x1b[?25;2$y', '\x1b[?1006;1$y']);
    // the normal screen under it still has the shell's scrollback tail
    const normal = lines(term.buffer.normal);
    assert.ok(normal.includes('3000'), 'the last line of seq is in the normal buffer');
    assert.ok(!normal.some((l) => l === '75000'), 'nothing of the alternate screen leaked into the normal one');

    const finished = next<CommandFinished>((l) => s.onCommandFinished(l));
    s.write('\r');
    await finished;
    await s.close('done');
  });

  it('replays the normal screen with its scrollback tail once the program has left the alternate screen', async () => {
    const s = start({scrollbackBytes: LIMIT});
    await s.ready;
    await run(s, 'seq 1 3000');
    const drawn = printed(s, 'FULLSCREEN');
    const finished = new Promise<CommandFinished>((resolve) => {
      let result: CommandFinished | undefined;
      const subs = [
        s.onCommandFinished((e) => (result = e)),
        s.onPromptReady(() => {
          if (!result) return;
          for (const sub of subs) sub.dispose();
          resolve(result);
        }),
      ];
    });
    s.write(`${FULL_SCREEN}\r`);
    await drawn;
    s.write('\r'); // leave the program
    assert.equal((await finished).exitCode, 0);
    await run(s, 'echo after-$((6*7))');

    const replay = s.scrollback();
    assert.ok(Buffer.byteLength(replay) <= LIMIT, `replay of ${Buffer.byteLength(replay)} bytes`);
    const term = await redraw(replay);
    assert.equal(term.buffer.active.type, 'normal');
    assert.equal(term.modes.bracketedPasteMode, true, "bash's own bracketed paste at its prompt");
    assert.equal(term.modes.applicationCursorKeysMode, false);
    assert.equal(term.modes.mouseTrackingMode, 'none');
    const normal = lines(term.buffer.normal);
    const last = normal.lastIndexOf('3000');
    assert.ok(last > 0, 'the tail of seq is in the scrollback');
    assert.deepEqual(normal.slice(last - 3, last + 1), ['2997', '2998', '2999', '3000'], 'in order, lines whole');
    assert.ok(normal.includes('after-42'));
    assert.ok(!normal.some((l) => /^7\d{4}$/.test(l) || l.includes('FULLSCREEN')), 'the alternate screen is gone');
    await s.close('done');
  });

  it('follows a resize: the replay is drawn at the new size', async () => {
    const s = start({scrollbackBytes: LIMIT});
    await s.ready;
    s.resize(40, 10);
    await run(s, 'printf "%050d\\n" 7');
    const term = await redraw(s.scrollback(), 40, 10);
    const normal = lines(term.buffer.normal);
    const at = normal.indexOf('0'.repeat(40));
    assert.ok(at >= 0, 'the 50-character line wraps at 40 columns');
    assert.equal(normal[at + 1], '0000000007');
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
