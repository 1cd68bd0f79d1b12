import {test} from 'node:test';
import assert from 'node:assert/strict';
import {DEFAULT_BACKOFF, verifyWithBackoff} from '../../server/engine/verify-loop';
import type {EngineClock} from '../../server/engine/clock';

/** a clock whose waits return at once and move time on by what was asked */
function fakeClock(): EngineClock & {waits: number[]} {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    setTimer(fn, ms) {
      waits.push(ms);
      const t = setImmediate(() => {
        now += ms;
        fn();
      });
      return () => clearImmediate(t);
    },
  };
}

test('the default backoff: a quarter second, then each wait 1.5 times the last, at most 2 s', async () => {
  const clock = fakeClock();
  const failure = await verifyWithBackoff(
    {command: 'test -f ready', timeoutMs: 12_000, exitCode: 0, expect: []},
    async () => ({exitCode: 1, output: '', timedOut: false}),
    clock,
    DEFAULT_BACKOFF,
  );
  assert.ok(failure);
  assert.deepEqual(
    clock.waits.map((ms) => Math.round(ms)),
    [250, 375, 563, 844, 1266, 1898, 2000, 2000, 2000, 805],
  );
  assert.match(failure.actual, /\(11 attempts in 12s\)$/);
});

test('stops at the first attempt whose checks hold', async () => {
  const clock = fakeClock();
  let attempts = 0;
  const failure = await verifyWithBackoff(
    {command: 'kubectl get pods', timeoutMs: 60_000, exitCode: 0, expect: []},
    async () => ({exitCode: ++attempts < 4 ? 1 : 0, output: '', timedOut: false}),
    clock,
  );
  assert.equal(failure, null);
  assert.equal(attempts, 4);
  assert.deepEqual(clock.waits, [250, 375, 562.5]);
});
