/** The board's arithmetic (totals, groups, reached, times, join codes, order) and the attendee's follow/focus logic. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {BoardRow} from '../../src/core/protocol/workshop';
import {
  attentionOrder,
  columnGroups,
  compactJoinCode,
  displayJoinCode,
  elapsedSince,
  looksLikeJoinCode,
  reachedColumn,
  stepTotals,
  timeLeft,
} from '../../src/core/workshop/board-view';
import {followKey, followMove} from '../../src/core/workshop/follow';
import {latestWins} from '../../src/core/workshop/throttle';

const columns = [
  {pageId: 'before-you-begin', stepId: 'check-tools', title: 'Check'},
  {pageId: 'before-you-begin', stepId: 'create-cluster', title: 'Create'},
  {pageId: 'install-istio', stepId: 'install', title: 'Install'},
];

function row(id: string, steps: BoardRow['steps'], extra: Partial<BoardRow> = {}): BoardRow {
  return {id: `a-${id.padEnd(10, '0')}`, name: id, steps, lastActivityAt: 0, connected: true, ...extra};
}

test('stepTotals counts each state per column; caught up is not passed', () => {
  const rows = [
    row('ann', {
      'before-you-begin/check-tools': {state: 'passed', attempts: 1},
      'before-you-begin/create-cluster': {state: 'failed', attempts: 2},
    }),
    row('bob', {
      'before-you-begin/check-tools': {state: 'caught-up', attempts: 0},
      'before-you-begin/create-cluster': {state: 'running', attempts: 1},
    }),
    row('cy', {'before-you-begin/check-tools': {state: 'passed', attempts: 3}}),
  ];
  assert.deepEqual(stepTotals({columns, rows}), [
    {passed: 2, caughtUp: 1, failed: 0, running: 0},
    {passed: 0, caughtUp: 0, failed: 1, running: 1},
    {passed: 0, caughtUp: 0, failed: 0, running: 0},
  ]);
  assert.deepEqual(stepTotals({columns, rows: []}), [
    {passed: 0, caughtUp: 0, failed: 0, running: 0},
    {passed: 0, caughtUp: 0, failed: 0, running: 0},
    {passed: 0, caughtUp: 0, failed: 0, running: 0},
  ]);
});

test('columnGroups joins consecutive steps of one page', () => {
  assert.deepEqual(columnGroups(columns), [
    {pageId: 'before-you-begin', start: 0, span: 2},
    {pageId: 'install-istio', start: 2, span: 1},
  ]);
  assert.deepEqual(columnGroups([]), []);
});

test('reachedColumn finds the furthest step, -1 when none or unknown', () => {
  assert.equal(reachedColumn({reached: 'install-istio/install'}, columns), 2);
  assert.equal(reachedColumn({}, columns), -1);
  assert.equal(reachedColumn({reached: 'gone/step'}, columns), -1);
});

test('elapsedSince rounds down into now, seconds, minutes, hours, days', () => {
  const t = 1_000_000_000;
  assert.deepEqual(elapsedSince(t, t), {unit: 'now'});
  assert.deepEqual(elapsedSince(t, t + 9_999), {unit: 'now'});
  assert.deepEqual(elapsedSince(t, t + 10_000), {unit: 'seconds', value: 10});
  assert.deepEqual(elapsedSince(t, t + 59_999), {unit: 'seconds', value: 59});
  assert.deepEqual(elapsedSince(t, t + 125_000), {unit: 'minutes', value: 2});
  assert.deepEqual(elapsedSince(t, t + 3 * 3_600_000 + 5), {unit: 'hours', value: 3});
  assert.deepEqual(elapsedSince(t, t + 49 * 3_600_000), {unit: 'days', value: 2});
  // a clock a little behind the server's never says "in the future"
  assert.deepEqual(elapsedSince(t + 5_000, t), {unit: 'now'});
});

test('timeLeft rounds minutes up and is null once past', () => {
  const t = 5_000_000;
  assert.deepEqual(timeLeft(t + 90 * 60_000, t), {hours: 1, minutes: 30});
  assert.deepEqual(timeLeft(t + 1, t), {hours: 0, minutes: 1});
  assert.deepEqual(timeLeft(t + 60 * 60_000, t), {hours: 1, minutes: 0});
  assert.equal(timeLeft(t, t), null);
  assert.equal(timeLeft(t - 1, t), null);
});

test('join codes: typed forms are compacted, shown in two halves', () => {
  assert.equal(compactJoinCode(' acd-efg '), 'ACDEFG');
  assert.equal(compactJoinCode('acd efg'), 'ACDEFG');
  assert.equal(compactJoinCode('ACD–EFG'), 'ACDEFG'); // an en dash from a phone keyboard
  assert.equal(displayJoinCode('acdefg'), 'ACD-EFG');
  assert.equal(displayJoinCode('ACD-EFG'), 'ACD-EFG');
  assert.equal(displayJoinCode('ABC'), 'ABC');
  assert.ok(looksLikeJoinCode('acd efg'));
  assert.ok(!looksLikeJoinCode('acd ef'));
  assert.ok(!looksLikeJoinCode('acd-ef!'));
  assert.ok(!looksLikeJoinCode('ACDEFGH'));
});

test('attentionOrder: raised hands (earliest first), then stuck, then join order', () => {
  const rows = [
    row('ann', {}),
    row('bob', {}, {stuck: 'idle'}),
    row('cy', {}, {handRaisedAt: 20}),
    row('dee', {}),
    row('eve', {}, {handRaisedAt: 10, stuck: 'failed-twice'}),
  ];
  assert.deepEqual(
    attentionOrder(rows).map((r) => r.name),
    ['eve', 'cy', 'bob', 'ann', 'dee'],
  );
  assert.deepEqual(
    rows.map((r) => r.name),
    ['ann', 'bob', 'cy', 'dee', 'eve'],
    'the input is left as it was',
  );
});

test('followMove: moves once per new target, only while following, at once when following again', () => {
  const a = {pageId: 'install-istio', stepId: 'install'};
  const b = {pageId: 'install-istio', stepId: 'label'};
  assert.equal(followMove(undefined, undefined, true), null);
  assert.deepEqual(followMove(a, undefined, true), a);
  assert.equal(followMove(a, followKey(a), true), null, 'already there: the attendee may scroll away');
  assert.deepEqual(followMove(b, followKey(a), true), b);
  assert.equal(followMove(b, followKey(a), false), null, 'left follow mode');
  // following again resets `applied`: the page goes to where the instructor is now
  assert.deepEqual(followMove(b, undefined, true), b);
  assert.notEqual(followKey({pageId: 'p'}), followKey({pageId: 'p', stepId: 's'}));
});

test('latestWins sends the first call at once and folds a burst into one trailing call with the last value', () => {
  let now = 0;
  const timers: {at: number; fn: () => void; cancelled: boolean}[] = [];
  const clock = {
    now: () => now,
    setTimer(fn: () => void, ms: number) {
      const timer = {at: now + ms, fn, cancelled: false};
      timers.push(timer);
      return {cancel: () => void (timer.cancelled = true)};
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers.splice(0)) {
      if (t.cancelled) continue;
      if (t.at <= now) t.fn();
      else timers.push(t);
    }
  };
  const sent: string[] = [];
  const send = latestWins<string>(500, (v) => sent.push(v), clock);
  send('a');
  assert.deepEqual(sent, ['a']);
  send('b');
  send('c');
  assert.deepEqual(sent, ['a']);
  advance(499);
  assert.deepEqual(sent, ['a']);
  advance(1);
  assert.deepEqual(sent, ['a', 'c']);
  advance(1000);
  send('d');
  assert.deepEqual(sent, ['a', 'c', 'd'], 'quiet for longer than the interval: at once again');
  send('e');
  send.cancel();
  advance(1000);
  assert.deepEqual(sent, ['a', 'c', 'd'], 'a cancelled trailing call never goes out');
});
