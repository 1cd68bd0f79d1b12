/** OSC 633;F (PS2): bash waits for the rest of a command; reported as a continuation prompt, never while a command runs. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {CommandDetector, type PromptReady} from '../../src/core/shell/command-detector';

const N = 'nonce=abcdefgh';
const osc = (payload: string) => `\x1b]${payload};${N}\x07`;

test('a continuation prompt is reported after the prompt, and ignored while a command runs or without the nonce', () => {
  const detector = new CommandDetector({nonce: 'abcdefgh', now: () => 1});
  const seen: PromptReady[] = [];
  detector.onPromptReady((e) => seen.push(e));
  detector.write(osc('133;A') + '$ ' + osc('133;B'));
  detector.write('cat <<EOF\r\n' + osc('633;F') + '> ');
  detector.write('\x1b]633;F;nonce=wrong\x07> ');
  assert.deepEqual(seen, [{at: 1}, {at: 1, continuation: true}]);
  detector.write(osc('633;E;cat <<EOF\\x0ahello\\x0aEOF') + osc('133;C') + 'hello\r\n' + osc('633;F'));
  assert.equal(seen.length, 2, 'no continuation while executing');
});
