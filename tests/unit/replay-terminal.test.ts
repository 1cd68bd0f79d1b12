import assert from 'node:assert/strict';
import {test} from 'node:test';
import xtermHeadless from '@xterm/headless';
import fc from 'fast-check';
import {ReplayTerminal, unfinishedEscapeStart} from '../../server/sessions/replay-terminal';

/** a fresh xterm, as a reloaded page has, with the replay written into it */
async function redraw(replay: string, cols = 80, rows = 24): Promise<InstanceType<typeof xtermHeadless.Terminal>> {
  const term = new xtermHeadless.Terminal({cols, rows, scrollback: 10_000, allowProposedApi: true});
  await new Promise<void>((resolve) => term.write(replay, resolve));
  return term;
}

function lines(term: InstanceType<typeof xtermHeadless.Terminal>): string[] {
  const buffer = term.buffer.active;
  return Array.from({length: buffer.length}, (_, y) => buffer.getLine(y)!.translateToString(true));
}

/** DECRQM answers (CSI ? mode ; 1|2 $ y) of a redrawn terminal, for state the public API does not show */
async function modeReports(term: InstanceType<typeof xtermHeadless.Terminal>, modes: number[]): Promise<string[]> {
  const answers: string[] = [];
  const sub = term.onData((d) => answers.push(d));
  await new Promise<void>((resolve) => term.write(modes.map((m) => `\x1b[?${m}$p`).join(''), resolve));
  sub.dispose();
  return answers;
}

test('rejects a limit that is not a positive integer, naming the option', () => {
  assert.throws(() => new ReplayTerminal({cols: 80, rows: 24, maxBytes: 0}), /scrollbackBytes/);
  assert.throws(() => new ReplayTerminal({cols: 80, rows: 24, maxBytes: 1.5}), /scrollbackBytes/);
});

test('bounded by maxBytes: the newest rows, starting on a whole line', async () => {
  const replay = new ReplayTerminal({cols: 80, rows: 24, maxBytes: 4096});
  for (let i = 1; i <= 5000; i++) replay.write(`\x1b[3${i % 8}mline ${i}\x1b[0m\r\n`);
  const out = replay.serialize();
  assert.ok(Buffer.byteLength(out) <= 4096, `replay of ${Buffer.byteLength(out)} bytes`);
  assert.ok(Buffer.byteLength(out) > 2048, `replay of only ${Buffer.byteLength(out)} bytes`);
  const shown = lines(await redraw(out)).filter(Boolean);
  assert.equal(shown.at(-1), 'line 5000');
  const first = Number(/^line (\d+)$/.exec(shown[0]!)?.[1]);
  assert.deepEqual(
    shown,
    Array.from({length: 5001 - first}, (_, i) => `line ${first + i}`),
  );
});

test('a long line that wraps is never replayed from its middle', async () => {
  const replay = new ReplayTerminal({cols: 10, rows: 3, maxBytes: 60});
  replay.write('a'.repeat(35) + '\r\n' + 'b'.repeat(35) + '\r\nend');
  const shown = lines(await redraw(replay.serialize(), 10, 3));
  assert.ok(shown[0] === 'a'.repeat(10) || shown[0] === 'b'.repeat(10), `first row ${shown[0]}`);
  assert.equal(shown.at(-1), 'end');
});

test('an escape sequence split across reads is replayed whole and continues the live stream', async () => {
  const replay = new ReplayTerminal({cols: 80, rows: 24, maxBytes: 65536});
  replay.write('before \x1b[3');
  const out = replay.serialize();
  assert.ok(out.endsWith('\x1b[3'), 'the unfinished sequence ends the replay');
  // the page writes the replay, then the live output that follows it
  const term = await redraw(out + '1mred\x1b[0m');
  assert.equal(lines(term)[0], 'before red');
  assert.equal(term.buffer.active.getLine(0)!.getCell(7)!.getFgColor(), 1);
  replay.write('1mred\x1b[0m');
  assert.deepEqual(lines(await redraw(replay.serialize()))[0], 'before red', 'the mirror finished the sequence');
  replay.dispose();
});

test('unfinishedEscapeStart: what programs split across reads', () => {
  const at = (s: string) => unfinishedEscapeStart(s, 0);
  assert.equal(at('plain'), 5);
  assert.equal(at('x\x1b'), 1);
  assert.equal(at('x\x1b['), 1);
  assert.equal(at('x\x1b[?104'), 1);
  assert.equal(at('x\x1b[?1049h'), 9);
  assert.equal(at('x\x1b]0;title'), 1);
  assert.equal(at('x\x1b]0;title\x07y'), 12);
  assert.equal(at('x\x1b]0;title\x1b\\'), 12);
  assert.equal(at('x\x1b('), 1);
  assert.equal(at('x\x1b(B'), 4);
  assert.equal(at('x\x1b7'), 3);
  const title = 'x\x1b]0;a long title';
  assert.equal(unfinishedEscapeStart(title, 2), title.length, 'begun before the limit: parsed anyway');
});

test('restores what the serialize addon leaves out: hidden cursor, SGR mouse, scroll region and the cursor in it', async () => {
  const replay = new ReplayTerminal({cols: 80, rows: 24, maxBytes: 65536});
  // vim-like: alternate screen, a scroll region above a status line, the cursor inside the region
  replay.write('$ vi\r\n\x1b[?1049h\x1b[?25l\x1b[?1002h\x1b[?1006h\x1b[1;23r\x1b[24;1Hstatus\x1b[5;7Htext');
  const term = await redraw(replay.serialize());
  assert.equal(term.buffer.active.type, 'alternate');
  assert.equal(term.modes.mouseTrackingMode, 'drag');
  assert.deepEqual(await modeReports(term, [25, 1006]), ['\x1b[?25;2$y', '\x1b[?1006;1$y']);
  assert.deepEqual([term.buffer.active.cursorY, term.buffer.active.cursorX], [4, 10]);
  // the region is in force: a line feed at its bottom scrolls rows 1-23 and leaves the status line alone
  await new Promise<void>((resolve) => term.write('\x1b[23;1Hbottom\n', resolve));
  const shown = lines(term);
  assert.equal(shown[23], 'status');
  assert.equal(shown[21], 'bottom');
  assert.equal(shown[3], '      text');
});

test('dropping plain text that scrolls out leaves the same terminal as parsing every byte', () => {
  // small terminals, so a few dozen lines scroll out of the scrollback; streams of plain lines (long ones wrap;
  // tabs, backspaces, bare CRs and LFs) mixed with sequences that change what plain text does
  const text = (maxLength: number) => fc.string({unit: fc.constantFrom(...'ab0 \t\b'), maxLength});
  const plainLine = fc.oneof(
    {weight: 6, arbitrary: text(25).map((t) => t + '\r\n')},
    {weight: 1, arbitrary: fc.tuple(text(12), fc.constantFrom('\r', '\n')).map(([t, end]) => t + end)},
  );
  const line = fc.oneof(
    {weight: 3, arbitrary: plainLine},
    // a flood: more lines than the terminal holds
    {weight: 1, arbitrary: fc.array(plainLine, {minLength: 10, maxLength: 80}).map((l) => l.join(''))},
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '\x1b[31m',
        '\x1b[0m',
        '\x1b[2;3r',
        '\x1b[r',
        '\x1b[4h',
        '\x1b[4l',
        '\x1b[?1049h',
        '\x1b[?1049l',
        '\x1b[H',
        '\x1b[3;5H',
        '\x1b[?7l',
        '\x1b[?7h',
        '\x1b]0;title\x07',
        '\x0e',
        '\x0f',
      ),
    },
  );
  const stream = fc.tuple(fc.array(line, {maxLength: 40}), fc.array(fc.integer({min: 1, max: 400}), {maxLength: 30}));
  fc.assert(
    fc.property(stream, ([parts, cuts]) => {
      const data = parts.join('');
      const options = {cols: 10, rows: 4, lines: 5, maxBytes: 1 << 20};
      const dropping = new ReplayTerminal(options);
      const parsing = new ReplayTerminal({...options, dropScrolledOut: false});
      // the same bytes in the same reads, cut anywhere (inside sequences too)
      let at = 0;
      for (const n of [...cuts, data.length]) {
        const chunk = data.slice(at, at + n);
        at += chunk.length;
        dropping.write(chunk);
        parsing.write(chunk);
      }
      // the whole state: both buffers, cursor, modes (addon-serialize's own fidelity is not what this tests)
      assert.equal(dropping.serialize(), parsing.serialize());
    }),
    {numRuns: 300},
  );
});
