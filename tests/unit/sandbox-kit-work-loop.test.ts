import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {WorkLoop, type WorkSource} from '../../server/backends/sandbox/kit/work-loop';

/** a loop whose turns are run by hand and whose clock moves 1 ms per step */
function handLoop(budgetMs: number) {
  const turns: (() => void)[] = [];
  let t = 0;
  const loop = new WorkLoop({defer: (fn) => void turns.push(fn), now: () => t, budgetMs});
  const log: string[] = [];
  const source = (name: string, items: number): WorkSource & {left: number} => {
    const s = {
      left: items,
      step() {
        log.push(name);
        t += 1;
        s.left--;
        return s.left > 0;
      },
    };
    return s;
  };
  return {loop, turns, log, source};
}

describe('work loop', () => {
  it('never runs work inside wake, yields after the budget, and alternates between sandboxes', () => {
    const {loop, turns, log, source} = handLoop(3);
    const a = loop.lane();
    const b = loop.lane();
    a.wake(source('a', 100));
    b.wake(source('b', 2));
    assert.deepEqual(log, []);
    assert.equal(turns.length, 1);
    turns.shift()!();
    assert.deepEqual(log, ['a', 'b', 'a']);
    assert.equal(turns.length, 1, 'the next turn is deferred, not run in this one');
    turns.shift()!();
    assert.deepEqual(log.slice(3), ['b', 'a', 'a']);
  });

  it('takes turns between the sources of one lane, and drops the work of a disposed lane', () => {
    const {loop, turns, log, source} = handLoop(4);
    const lane = loop.lane();
    lane.wake(source('x', 10));
    lane.wake(source('y', 10));
    turns.shift()!();
    assert.deepEqual(log, ['x', 'y', 'x', 'y']);
    lane.dispose();
    while (turns.length) turns.shift()!();
    assert.equal(log.length, 4);
    lane.wake(source('z', 1));
    assert.equal(turns.length, 0);
  });
});
