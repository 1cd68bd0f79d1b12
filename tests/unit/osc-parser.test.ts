import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {OscParser} from '../../src/core/shell/osc-parser';

type Token = {text: string} | {osc: string};

function parse(chunks: string[], maxPayloadLength?: number): Token[] {
  const tokens: Token[] = [];
  const parser = new OscParser(
    {
      text: (text) => {
        // merge adjacent text so the result does not depend on how the parser split it
        const last = tokens[tokens.length - 1];
        if (last && 'text' in last) last.text += text;
        else tokens.push({text});
      },
      osc: (osc) => tokens.push({osc}),
    },
    {maxPayloadLength},
  );
  for (const chunk of chunks) parser.write(chunk);
  return tokens;
}

const E = '\x1b';

describe('OscParser', () => {
  it('passes plain text through in one callback', () => {
    const calls: string[] = [];
    const parser = new OscParser({text: (t) => calls.push(t), osc: () => assert.fail('no osc')});
    parser.write('hello \x1b[31mred\x1b[0m world\n');
    assert.deepEqual(calls, ['hello \x1b[31mred\x1b[0m world\n']);
  });

  it('reports BEL- and ST-terminated sequences between text', () => {
    assert.deepEqual(parse([`a${E}]133;A\x07b${E}]0;title${E}\\c`]), [
      {text: 'a'},
      {osc: '133;A'},
      {text: 'b'},
      {osc: '0;title'},
      {text: 'c'},
    ]);
  });

  it('handles a sequence split at every position', () => {
    const input = `x${E}]133;D;0;nonce=abc${E}\\y${E}]633;E;ls\x07z`;
    const expected = parse([input]);
    for (let i = 0; i <= input.length; i++) {
      for (let j = i; j <= input.length; j += 3) {
        assert.deepEqual(parse([input.slice(0, i), input.slice(i, j), input.slice(j)]), expected, `split at ${i},${j}`);
      }
    }
  });

  it('keeps a trailing lone ESC that turns out not to start an OSC', () => {
    assert.deepEqual(parse(['a', E, '[0m b']), [{text: `a${E}[0m b`}]);
  });

  it('ends an OSC at ESC followed by another sequence, like xterm.js', () => {
    assert.deepEqual(parse([`${E}]0;t${E}]133;A\x07`]), [{osc: '0;t'}, {osc: '133;A'}]);
    assert.deepEqual(parse([`${E}]0;t${E}`, `[1mB`]), [{osc: '0;t'}, {text: `${E}[1mB`}]);
  });

  it('drops sequences aborted by CAN/SUB and overlong payloads', () => {
    assert.deepEqual(parse([`${E}]133;A\x18after`]), [{text: 'after'}]);
    assert.deepEqual(parse([`${E}]52;c;${'A'.repeat(100)}\x07ok`], 32), [{text: 'ok'}]);
    assert.deepEqual(parse([`${E}]52;c;`, 'A'.repeat(50), `\x07ok${E}]1;x\x07`], 32), [{text: 'ok'}, {osc: '1;x'}]);
  });

  it('passes bulk output through as text, byte for byte', () => {
    // throughput on 100 MB is in `npm run bench` (parsers), not asserted here
    const line = 'INFO 2026-01-01 some log line with \x1b[32mcolour\x1b[0m and text ............\n';
    const chunk = line.repeat(Math.ceil(65536 / line.length));
    let bytes = 0;
    const parser = new OscParser({text: (t) => (bytes += t.length), osc: () => assert.fail('no OSC in plain output')});
    let sent = 0;
    for (; sent < 4 * 1024 * 1024; sent += chunk.length) parser.write(chunk);
    assert.equal(bytes, sent);
  });
});
