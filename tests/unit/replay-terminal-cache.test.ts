/**
 * The reattach replay built from kept pieces of serialized scrollback (server/sessions/scrollback-cache.ts) must
 * leave a reloaded page's terminal as the mirror is: same rows, cells, colours, wraps, cursor, screen and modes, and
 * the same terminal for the live output that follows; whenever it was serialized, and whatever happened to the
 * scrollback since (trimmed, cleared, reset, reflowed).
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import xtermHeadless from '@xterm/headless';
import fc from 'fast-check';
import {ReplayTerminal, WARM_AFTER_QUIET_MS, WARM_AT_LEAST_EVERY_MS} from '../../server/sessions/replay-terminal';
import {ReplaySlices} from '../../server/sessions/replay-slices';
import type {Timers} from '../../server/sessions/timers';

type Term = InstanceType<typeof xtermHeadless.Terminal>;

/** timers that fire only when the test says so, on a clock the test moves */
class ManualClock implements Timers {
  now = 0;
  private next = 1;
  private readonly pending = new Map<number, {fn: () => void; at: number}>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, {fn, at: this.now + ms});
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** move the clock by `ms`, running what falls due (and what those schedule) in order */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.pending].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at || a[0] - b[0]);
      if (due.length === 0) break;
      const [id, t] = due[0]!;
      this.pending.delete(id);
      this.now = Math.max(this.now, t.at);
      t.fn();
    }
    this.now = until;
  }
}

async function redraw(replay: string, cols: number, rows: number, scrollback = 10_000): Promise<Term> {
  const term = new xtermHeadless.Terminal({cols, rows, scrollback, allowProposedApi: true});
  await new Promise<void>((resolve) => term.write(replay, resolve));
  return term;
}

/**
 * everything a page shows of a terminal: every row of both buffers, cell by cell, the cursor and the modes (the
 * replay starts on a whole line: rows continuing a line trimmed from the scrollback are left out); `screen`: the
 * screens only
 */
function snapshot(term: Term, screen = false): unknown {
  const buffer = (b: typeof term.buffer.normal, screenOnly = screen) => {
    let top = screenOnly ? Math.max(0, b.length - term.rows) : 0;
    while (top < b.baseY && b.getLine(top)!.isWrapped) top++;
    return {
      cursor: [b.cursorX, b.cursorY],
      lines: Array.from({length: b.length - top}, (_, i) => {
        const y = top + i;
        const line = b.getLine(y)!;
        const cells: unknown[] = [];
        // (a row can be longer than the terminal is wide: the alternate screen's after a resize)
        for (let x = 0; x < Math.min(line.length, term.cols); x++) {
          const c = line.getCell(x)!;
          // an empty cell: its background (the addon erases with ECH, which sets nothing else)
          if (c.getChars() === '') {
            cells.push(['', c.getWidth(), c.getBgColorMode(), c.getBgColor()]);
            continue;
          }
          cells.push([
            c.getChars(),
            c.getWidth(),
            c.getFgColorMode(),
            c.getFgColor(),
            c.getBgColorMode(),
            c.getBgColor(),
            c.isBold(),
            c.isItalic(),
            c.isDim(),
            c.isUnderline(),
            c.isInverse(),
            c.isInvisible(),
            c.isStrikethrough(),
          ]);
        }
        // nothing can draw the first row as the continuation of a line above it
        return {wrapped: i > 0 && line.isWrapped, cells};
      }),
    };
  };
  return {
    active: term.buffer.active.type,
    normal: buffer(term.buffer.normal),
    // the alternate screen: its rows only (xterm.js can keep a row above it after a resize; nothing replays that)
    alternate: term.buffer.active.type === 'alternate' ? buffer(term.buffer.alternate, true) : undefined,
    modes: term.modes,
  };
}

async function write(term: Term, data: string): Promise<void> {
  await new Promise<void>((resolve) => term.write(data, resolve));
}

type Op = {write: string} | {resize: [number, number]} | {serialize: true} | {prepare: true} | {wait: number};

// Wide characters only where they never meet a line's end, no tabs (they leave empty cells, which can end a
// wrapped row), and no inserted, deleted, scrolled or erased lines and no scroll region (they can leave a row
// marked as the continuation of one that does not reach the edge): addon-serialize 0.14 replays such a wrap with a stray '-' (its "force the wrap"
// path, where a \x1b[0C moves one column), the whole buffer at once as much as in pieces.
// No line longer than a screen (the smallest: 6x3), which the addon draws scrolling, with the same slip as above.
const text = fc.string({unit: fc.constantFrom('a', 'b', ' '), maxLength: 8});
const style = fc.constantFrom('\x1b[41m', '\x1b[0m', '\x1b[1;32m', '\x1b[44;33m', '\x1b[7m', '\x1b[38;5;200m', '');
const wide = fc.constantFrom('中a中', '\x1b[42m中\x1b[0m');
const line = fc.oneof(
  {weight: 5, arbitrary: fc.tuple(style, text, style, text).map(([s1, t1, s2, t2]) => `${s1}${t1}${s2}${t2}\r\n`)},
  {weight: 1, arbitrary: fc.tuple(style, wide).map(([s1, w]) => `${s1}${w}\r\n`)},
);
const op: fc.Arbitrary<Op> = fc.oneof(
  {weight: 6, arbitrary: fc.array(line, {minLength: 1, maxLength: 20}).map((l) => ({write: l.join('')}))},
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        '\x1b[3J', // clear scrollback
        '\x1bc', // RIS
        '\x1b[2J',
        '\x1b[?1049h',
        '\x1b[?1049l',
        '\x1b[r',
        '\x1b[H',
        '\x1b[4h',
        '\x1b[4l',
        '\x1b[43m',
      )
      .map((s) => ({write: s})),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({min: 6, max: 14}), fc.integer({min: 3, max: 6})).map((s) => ({resize: s})),
  },
  {weight: 2, arbitrary: fc.constant({serialize: true as const})},
  {weight: 1, arbitrary: fc.constant({prepare: true as const})},
  {weight: 2, arbitrary: fc.integer({min: 0, max: 2 * WARM_AT_LEAST_EVERY_MS}).map((ms) => ({wait: ms}))},
);

test('a replay from kept pieces of scrollback redraws the terminal as it is', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, {maxLength: 20}), fc.integer({min: 1, max: 9}), async (ops, pieceRows) => {
      const clock = new ManualClock();
      const size = {cols: 10, rows: 4};
      const lines = 60;
      const replay = new ReplayTerminal({
        ...size,
        lines,
        maxBytes: 1 << 20,
        dropScrolledOut: false,
        pieceRows,
        timers: clock,
        now: () => clock.now,
      });
      // the terminal itself: a page that saw every byte
      const mirror = new xtermHeadless.Terminal({...size, scrollback: lines, allowProposedApi: true});
      for (const o of ops) {
        if ('write' in o) {
          replay.write(o.write);
          await write(mirror, o.write);
        } else if ('resize' in o) {
          // xterm.js does not reflow the alternate screen: a row wider than the screen cannot be replayed
          if (mirror.buffer.active.type === 'alternate') continue;
          [size.cols, size.rows] = o.resize;
          replay.resize(...o.resize);
          mirror.resize(...o.resize);
        } else if ('wait' in o) clock.advance(o.wait);
        else if ('prepare' in o) await replay.prepare();
        else replay.serialize();
      }
      const page = await redraw(replay.serialize(), size.cols, size.rows, lines);
      assert.deepEqual(snapshot(page), snapshot(mirror), 'the replay');
      // and the live output that follows lands the same on the screen: attributes, cursor, scroll region, insert mode
      const live = 'x\x1b[2;1Hy\r\n\r\n\r\n\r\nz\x1b[m';
      await Promise.all([write(page, live), write(mirror, live)]);
      assert.deepEqual(snapshot(page, true), snapshot(mirror, true), 'the live output after it');
      replay.dispose();
    }),
    {numRuns: 200},
  );
});

/** a 20x5 replay in pieces of 10 rows whose timers and clock are the test's */
const clockedReplay = (clock: ManualClock) =>
  new ReplayTerminal({cols: 20, rows: 5, maxBytes: 1 << 20, pieceRows: 10, timers: clock, now: () => clock.now});

test('scrollback is serialized ahead of a reattach once the output is quiet', async () => {
  const clock = new ManualClock();
  const replay = clockedReplay(clock);
  replay.write(Array.from({length: 100}, (_, i) => `\x1b[3${i % 8}mline ${i}\r\n`).join(''));
  clock.advance(WARM_AFTER_QUIET_MS - 1);
  assert.equal(replay.cachedRows, 0, 'output a moment ago: nothing yet');
  assert.equal(replay.warming, undefined);
  clock.advance(1);
  // then every settled row (the last few stay near the screen), a slice per event-loop turn
  assert.ok(replay.warming, 'warming');
  await replay.warming;
  assert.ok(replay.cachedRows >= 100 - 2 * 5, `${replay.cachedRows} rows`);
  replay.dispose();
});

test('a terminal that is never quiet still gets its scrollback serialized every so often', async () => {
  const clock = new ManualClock();
  const replay = clockedReplay(clock);
  let warmed = 0;
  for (let i = 0; i < 60; i++) {
    replay.write(`\x1b[32mline ${i}\r\nline ${i}\r\n\x1b[0m`);
    clock.advance(WARM_AFTER_QUIET_MS / 2);
    if (replay.warming) {
      warmed++;
      await replay.warming;
    }
  }
  // 3 s of output every 50 ms: never quiet, so a slice once a second (the first time at once)
  assert.equal(warmed, 3);
  assert.ok(replay.cachedRows > 0, 'some rows');
  clock.advance(WARM_AFTER_QUIET_MS);
  await replay.warming;
  assert.ok(replay.cachedRows >= 2 * 60 - 2 * 5, `then quiet: every settled row (${replay.cachedRows})`);
  replay.dispose();
});

test('a replay keeps what it serialized: the next one reuses it', async () => {
  const replay = new ReplayTerminal({cols: 20, rows: 5, maxBytes: 1 << 20, pieceRows: 10});
  replay.write(Array.from({length: 100}, (_, i) => `line ${i}\r\n`).join(''));
  const first = replay.serialize();
  assert.ok(replay.cachedRows >= 100 - 2 * 5, `${replay.cachedRows} rows`);
  assert.equal(replay.serialize(), first);
  const shown = await redraw(first, 20, 5);
  assert.equal(shown.buffer.normal.getLine(0)!.translateToString(true), 'line 0');
  assert.equal(shown.buffer.normal.getLine(99)!.translateToString(true), 'line 99');
  replay.dispose();
});

test('replay work of many sessions: one slice per event-loop turn, round robin', async () => {
  const slices = new ReplaySlices();
  const order: string[] = [];
  let turns = 0;
  const counting = setInterval(() => {}, 1000); // keeps the loop alive; turns are counted below
  const job = (name: string, n: number) => () => {
    order.push(`${name}${turns}`);
    return --n > 0;
  };
  // a turn: every immediate queued before it ran
  const tick = () =>
    setImmediate(() => {
      turns++;
      if (turns < 20) tick();
    });
  tick();
  await Promise.all([slices.run(job('a', 3), 10), slices.run(job('b', 1), 10), slices.run(job('c', 5), 2)]);
  clearInterval(counting);
  // round robin, each slice in a turn of its own; c stops at its 2 slices
  assert.deepEqual(
    order.map((o) => o[0]),
    ['a', 'b', 'c', 'a', 'c', 'a'],
  );
  const turnsOf = order.map((o) => Number(o.slice(1)));
  assert.deepEqual(turnsOf, [...new Set(turnsOf)], `one slice a turn: ${order.join(' ')}`);
});

test('a reattach while a background slice runs still gets everything prepared', async () => {
  const clock = new ManualClock();
  const replay = clockedReplay(clock);
  for (let i = 0; i < 25; i++) {
    replay.write(`\x1b[32mline ${i}\r\n\x1b[0m`);
    clock.advance(WARM_AFTER_QUIET_MS / 2);
  }
  assert.ok(replay.warming, 'a background slice is queued');
  replay.write(Array.from({length: 1000}, (_, i) => `\x1b[33mmore ${i}\r\n`).join(''));
  await replay.prepare();
  assert.ok(replay.cachedRows >= 1025 - 2 * 5, `${replay.cachedRows} rows`);
  replay.dispose();
});

test('output that stops right after a check that found it still printing is prepared once quiet', async () => {
  const clock = new ManualClock();
  const replay = clockedReplay(clock);
  // plain text: held back unparsed, so the background slice (parsed rows only) finds nothing to do
  replay.write(Array.from({length: 100}, (_, i) => `line ${i}\r\n`).join(''));
  clock.advance(WARM_AFTER_QUIET_MS / 2);
  replay.write('one more\r\n');
  clock.advance(WARM_AFTER_QUIET_MS / 2); // the check: printing 50 ms ago
  await replay.warming;
  assert.equal(replay.cachedRows, 0);
  clock.advance(WARM_AFTER_QUIET_MS);
  assert.ok(replay.warming, 'prepared once quiet');
  await replay.warming;
  assert.ok(replay.cachedRows >= 101 - 2 * 5, `${replay.cachedRows} rows`);
  replay.dispose();
});
