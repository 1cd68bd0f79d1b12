import {test} from 'node:test';
import assert from 'node:assert/strict';
import {Scrollback} from '../../server/sessions/scrollback';

test('many small chunks: bounded, starts on a line, ends with the newest output', () => {
  const sb = new Scrollback(1000);
  let all = '';
  for (let i = 0; i < 5000; i++) {
    const chunk = i % 3 === 0 ? `line ${i}\n` : `part ${i} `;
    sb.append(chunk);
    all += chunk;
  }
  const kept = sb.toString();
  assert.ok(kept.length <= 1000, `kept ${kept.length}`);
  assert.ok(kept.length > 800, `kept too little: ${kept.length}`);
  assert.ok(all.endsWith(kept), 'kept output is the tail of everything written');
  assert.equal(all[all.length - kept.length - 1], '\n', 'the kept output starts right after a newline');
});

test('one huge chunk is cut at a line boundary inside it', () => {
  const sb = new Scrollback(100);
  const text = Array.from({length: 50}, (_, i) => `row-${i}`).join('\n') + '\n';
  sb.append(text);
  const kept = sb.toString();
  assert.ok(kept.length <= 100);
  assert.ok(text.endsWith(kept));
  assert.match(kept, /^row-\d+\n/);
});

test('a cut that lands on a chunk boundary after a partial line drops that partial line', () => {
  const sb = new Scrollback(10);
  sb.append('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'); // no newline
  sb.append('bb\ncc\n');
  const kept = sb.toString();
  assert.equal(kept, 'cc\n');
});
