/** The output ceiling of an attendee's terminal: a token bucket that pauses the PTY, on a hand-moved clock. */
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {OutputRate} from '../../server/sessions/output-rate';

function rig(bytesPerSecond: number, burstBytes?: number) {
  let t = 0;
  const timers: {fn: () => void; at: number}[] = [];
  const log: string[] = [];
  const rate = new OutputRate({
    bytesPerSecond,
    burstBytes,
    now: () => t,
    timers: {
      setTimeout: (fn, ms) => {
        const entry = {fn, at: t + ms};
        timers.push(entry);
        return entry;
      },
      clearTimeout: (h) => void timers.splice(timers.indexOf(h as never), 1),
    },
    pause: () => log.push('pause'),
    resume: () => log.push('resume'),
    limited: () => log.push('limited'),
  });
  /** move the clock and run the timers that are due */
  const advance = (ms: number) => {
    t += ms;
    for (const due of timers.filter((x) => x.at <= t)) {
      timers.splice(timers.indexOf(due), 1);
      due.fn();
    }
  };
  return {rate, log, timers, advance};
}

describe('output rate', () => {
  it('lets a burst through, then pauses until the bucket refills, and says so once', () => {
    const {rate, log, timers, advance} = rig(1000, 4000);
    rate.take(3000);
    assert.deepEqual(log, []);
    rate.take(1500); // 500 over
    assert.deepEqual(log, ['limited', 'pause']);
    assert.equal(timers[0]!.at, 500, 'paused for as long as the overdraft takes to refill');
    rate.take(100); // what was already read when the pause came
    assert.equal(timers.length, 1, 'one pause at a time');
    advance(599);
    assert.deepEqual(log, ['limited', 'pause']);
    advance(1);
    assert.deepEqual(log, ['limited', 'pause', 'resume']);
    rate.take(2000);
    assert.deepEqual(log.slice(3), ['pause'], 'held back again within the minute: not told again');
    advance(60_000);
    rate.take(10_000);
    assert.deepEqual(log.slice(4), ['resume', 'limited', 'pause'], 'after a quiet minute, told again');
  });

  it('defaults the burst to four seconds of output, refuses a nonsense rate, and stops on dispose', () => {
    const {rate, log, timers} = rig(1000);
    rate.take(4000);
    assert.deepEqual(log, []);
    rate.take(1);
    assert.equal(rate.holding, true);
    rate.dispose();
    assert.equal(timers.length, 0);
    assert.equal(rate.holding, false);
    assert.throws(() => rig(0), /positive number of bytes per second/);
    assert.throws(() => rig(Number.NaN), /positive number of bytes per second/);
  });
});
