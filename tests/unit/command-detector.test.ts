import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {describe, it} from 'node:test';
import {
  CommandDetector,
  normaliseOutput,
  UNKNOWN_EXIT_CODE,
  unescapeValue,
} from '../../src/core/shell/command-detector';
import type {CommandFinished, CommandStarted} from '../../src/core/shell/events';

interface Transcript {
  name: string;
  nonce: string;
  chunks: string[];
}

function load(name: string): Transcript {
  return JSON.parse(
    readFileSync(new URL(`../fixtures/transcripts/${name}.json`, import.meta.url), 'utf8'),
  ) as Transcript;
}

interface Replay {
  started: CommandStarted[];
  finished: CommandFinished[];
  prompts: number;
}

function replay(chunks: string[], nonce: string, maxOutputBytes?: number): Replay {
  let tick = 1000;
  const detector = new CommandDetector({nonce, maxOutputBytes, now: () => tick++});
  const result: Replay = {started: [], finished: [], prompts: 0};
  detector.onCommandStarted((e) => result.started.push(e));
  detector.onCommandFinished((e) => result.finished.push(e));
  detector.onPromptReady(() => result.prompts++);
  for (const chunk of chunks) detector.write(chunk);
  return result;
}

const strip = (events: CommandFinished[]) => events.map(({command, exitCode, output}) => ({command, exitCode, output}));

const BASIC_EXPECTED = [
  {command: 'echo hello', exitCode: 0, output: 'hello\n'},
  {command: 'false', exitCode: 1, output: ''},
  {command: '(exit 3)', exitCode: 3, output: ''},
  {
    command: "cat <<'EOF'\nfirst line\nsecond; line \\ with backslash\nEOF",
    exitCode: 0,
    output: 'first line\nsecond; line \\ with backslash\n',
  },
  {command: "printf 'b\\na\\nc\\n' | sort | head -n 2", exitCode: 0, output: 'a\nb\n'},
  {command: 'sleep 30', exitCode: 130, output: '^C\n'},
  {
    command: "printf '\\033]133;D;0\\007\\033]133;D;0;nonce=forged\\007after fake\\n'; echo still running",
    exitCode: 0,
    output: 'after fake\nstill running\n',
  },
  {command: "echo '안녕하세요, 이스티오 앰비언트'", exitCode: 0, output: '안녕하세요, 이스티오 앰비언트\n'},
  {command: "printf '\\033[31mred\\033[0m plain\\n'", exitCode: 0, output: 'red plain\n'},
  {command: "printf '10%%\\r50%%\\r100%%\\n'", exitCode: 0, output: '100%\n'},
];

describe('CommandDetector on recorded sessions', () => {
  it('basic-session: commands, exit codes and output', () => {
    const t = load('basic-session');
    const r = replay(t.chunks, t.nonce);
    assert.deepEqual(strip(r.finished), BASIC_EXPECTED);
    // `exit` starts but never finishes; the empty line produces nothing
    assert.deepEqual(
      r.started.map((e) => e.command),
      [...BASIC_EXPECTED.map((e) => e.command), 'exit'],
    );
    assert.equal(r.prompts, 12);
    for (const f of r.finished) assert.ok(f.finishedAt > f.startedAt);
  });

  it('basic-session: the same events whatever the chunk boundaries', () => {
    const t = load('basic-session');
    const all = t.chunks.join('');
    const expected = strip(replay([all], t.nonce).finished);
    assert.deepEqual(expected, BASIC_EXPECTED);
    for (let i = 1; i < all.length; i++) {
      const r = replay([all.slice(0, i), all.slice(i)], t.nonce);
      assert.deepEqual(strip(r.finished), expected, `split at ${i}`);
    }
    // and one character at a time
    assert.deepEqual(strip(replay([...all], t.nonce).finished), expected);
  });

  it("user-rc: the learner's HISTCONTROL, HISTIGNORE, PROMPT_COMMAND and set -u do not disturb detection", () => {
    const t = load('user-rc');
    const r = replay(t.chunks, t.nonce);
    const got = strip(r.finished);
    assert.deepEqual(got.slice(0, 3), [
      {command: 'echo one', exitCode: 0, output: 'one\n'},
      {command: ' echo two', exitCode: 0, output: 'two\n'},
      {command: ' echo two', exitCode: 0, output: 'two\n'},
    ]);
    assert.equal(got[3]?.command, 'pwd');
    assert.match(got[3]?.output ?? '', /^\/tmp\/lab-record-\w+\n$/);
    assert.equal(got[4]?.command, 'ls /nonexistent-dir-for-test');
    assert.equal(got[4]?.exitCode, 2);
    assert.match(got[4]?.output ?? '', /No such file or directory\n$/);
    assert.equal(got.length, 5);
  });

  it('ignores every marker of a transcript replayed with another nonce', () => {
    const t = load('basic-session');
    const r = replay(t.chunks, 'another-nonce-1234');
    assert.equal(r.started.length + r.finished.length + r.prompts, 0);
  });
});

describe('CommandDetector state machine', () => {
  const N = 'test-nonce-0001';
  const m = (body: string, nonce = N) => `\x1b]${body};nonce=${nonce}\x07`;

  it('ignores markers without or with a wrong nonce', () => {
    const r = replay(
      [
        m('133;A'),
        m('133;B'),
        m('633;E;cmd'),
        m('133;C'),
        'out\n',
        '\x1b]133;D;0\x07',
        m('133;D;0', 'wrong-nonce-xx'),
        'more\n',
        m('133;D;5'),
      ],
      N,
    );
    assert.deepEqual(strip(r.finished), [{command: 'cmd', exitCode: 5, output: 'out\nmore\n'}]);
  });

  it('ignores D without a running command (Ctrl-C at the prompt) and a second C', () => {
    const r = replay([m('133;A'), m('133;B'), m('133;D;130'), m('133;C'), m('133;C'), 'x', m('133;D;0')], N);
    assert.deepEqual(strip(r.finished), [{command: '', exitCode: 0, output: 'x'}]);
  });

  it('finishes with an unknown exit code when a new prompt comes without D', () => {
    const r = replay([m('633;E;bash'), m('133;C'), 'nested', m('133;A')], N);
    assert.deepEqual(strip(r.finished), [{command: 'bash', exitCode: UNKNOWN_EXIT_CODE, output: 'nested'}]);
  });

  it('keeps the tail of long output', () => {
    const lines = Array.from({length: 1000}, (_, i) => `line ${i}\r\n`).join('');
    const r = replay([m('133;C'), lines, m('133;D;0')], N, 100);
    const out = r.finished[0]?.output ?? '';
    assert.ok(out.length <= 100);
    assert.ok(out.endsWith('line 999\n'));
  });

  it('strips escape sequences split across chunks', () => {
    const r = replay([m('133;C'), 'a\x1b[3', '1mred\x1b', '[0m\x1b(Bb\x07\r\n', m('133;D;0')], N);
    assert.equal(r.finished[0]?.output, 'aredb\n');
  });

  it('reports busy between C and D', () => {
    const d = new CommandDetector({nonce: N});
    assert.equal(d.busy, false);
    d.write(m('133;C'));
    assert.equal(d.busy, true);
    d.write(m('133;D;0'));
    assert.equal(d.busy, false);
  });

  it('validates its options', () => {
    assert.throws(() => new CommandDetector({nonce: ''}), /nonce/);
    assert.throws(() => new CommandDetector({nonce: N, maxOutputBytes: 0}), /maxOutputBytes/);
  });

  it('keeps the tail of a flood of command output, bounded by maxOutputBytes', () => {
    // throughput on 100 MB is in `npm run bench` (parsers), not asserted here
    const d = new CommandDetector({nonce: N});
    let output = '';
    d.onCommandFinished((e) => (output = e.output));
    const line = 'some \x1b[1mbold\x1b[0m log output line ..........................\r\n';
    const chunk = line.repeat(Math.ceil(65536 / line.length));
    d.write(m('133;C'));
    for (let sent = 0; sent < 4 * 1024 * 1024; sent += chunk.length) d.write(chunk);
    d.write(m('133;D;0'));
    assert.ok(output.length > 0 && output.length <= 1024 * 1024, `kept ${output.length} characters`);
    assert.ok(output.endsWith('log output line ..........................\n'));
  });
});

describe('helpers', () => {
  it('unescapeValue reverses the shell escaping', () => {
    assert.equal(unescapeValue('a\\x3bb\\\\c\\x0ad'), 'a;b\\c\nd');
    assert.equal(unescapeValue('\\\\x3b'), '\\x3b');
  });

  it('normaliseOutput handles \\r\\n, lone \\r and \\b', () => {
    assert.equal(normaliseOutput('a\r\nb\r\r\n'), 'a\nb\n');
    assert.equal(normaliseOutput('abcdef\rXY\n'), 'XYcdef\n');
    assert.equal(normaliseOutput('ab\bc'), 'ac');
  });
});
