import {test} from 'node:test';
import assert from 'node:assert/strict';
import {formatDuration, formatElapsed} from '../../src/components/Step/format';

test('formatDuration: ms under a second when precise, tenths under a minute, then minutes', () => {
  assert.equal(formatDuration(40, 'en', {precise: true}), '40 ms');
  assert.equal(formatDuration(400, 'en'), '0.4 s');
  assert.equal(formatDuration(12_345, 'ko'), '12.3초');
  assert.equal(formatDuration(65_000, 'en'), '1 m 05 s');
  assert.equal(formatDuration(65_000, 'ko'), '1분 5초');
});

test('formatElapsed: a running step counts whole seconds, never below zero', () => {
  assert.equal(formatElapsed(-5, 'en'), '0 s');
  assert.equal(formatElapsed(999, 'en'), '0 s');
  assert.equal(formatElapsed(12_999, 'en'), '12 s');
  assert.equal(formatElapsed(12_999, 'ko'), '12초');
  assert.equal(formatElapsed(65_000, 'en'), '1 m 05 s');
});
