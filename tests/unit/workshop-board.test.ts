import assert from 'node:assert/strict';
import {appendFileSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, describe, it} from 'node:test';
import {boardSnapshot} from '../../src/core/protocol/workshop';
import {Board, type BoardColumn} from '../../server/workshop/board';
import {WorkshopState} from '../../server/workshop/workshop-state';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, {recursive: true, force: true})));

const columns: BoardColumn[] = [
  {pageId: 'create-cluster', stepId: 'create', title: 'Create'},
  {pageId: 'create-cluster', stepId: 'nodes', title: 'Nodes'},
  {pageId: 'install-istio', stepId: 'install', title: 'Install'},
];

function setup() {
  const dir = mkdtempSync(path.join(tmpdir(), 'board-'));
  dirs.push(dir);
  let t = 1_000_000;
  const clock = {now: () => t, advance: (ms: number) => (t += ms)};
  const timers: (() => void)[] = [];
  const workshop = WorkshopState.open(dir, {capacity: 10, durationMs: 3_600_000, pages: []}, {now: clock.now});
  const make = () =>
    new Board({
      workshop,
      columns,
      dir: path.join(dir, 'workshop'),
      now: clock.now,
      idleStuckMs: 60_000,
      setTimer: (fn) => {
        timers.push(fn);
        return {cancel: () => {}};
      },
    });
  const join = (name: string) => {
    const r = workshop.join(workshop.code, name);
    assert.ok(r.ok);
    return r.attendee.id;
  };
  return {dir, clock, timers, workshop, make, join};
}

describe('workshop board', () => {
  it('shows each attendee’s steps with attempts, the furthest step reached and totals per step', () => {
    const {make, join, timers} = setup();
    const board = make();
    const ann = join('Ann');
    const bo = join('Bo');
    let heard = 0;
    board.onChange(() => heard++);
    board.onStep(ann, {pageId: 'create-cluster', stepId: 'create', status: 'running'});
    board.onStep(ann, {pageId: 'create-cluster', stepId: 'create', status: 'passed'});
    board.onStep(ann, {pageId: 'create-cluster', stepId: 'nodes', status: 'running'});
    board.onStep(ann, {pageId: 'create-cluster', stepId: 'nodes', status: 'failed'});
    board.onCaughtUp(bo, 'create-cluster', 'create');
    board.onCaughtUp(bo, 'create-cluster', 'nodes');
    // many changes, one coalesced notification
    assert.equal(timers.length, 1);
    timers.shift()!();
    assert.equal(heard, 1);
    const snap = boardSnapshot.parse(board.snapshot());
    const [a, b] = snap.rows;
    assert.deepEqual(a!.steps['create-cluster/create'], {state: 'passed', attempts: 1});
    assert.deepEqual(a!.steps['create-cluster/nodes'], {state: 'failed', attempts: 1});
    assert.equal(a!.reached, 'create-cluster/create');
    assert.equal(b!.reached, 'create-cluster/nodes');
    assert.equal(b!.steps['create-cluster/nodes']!.state, 'caught-up');
  });

  it('flags an attendee stuck after two failures of the same step, or idle while connected', () => {
    const {make, join, clock} = setup();
    const board = make();
    const ann = join('Ann');
    const bo = join('Bo');
    for (let i = 0; i < 2; i++) {
      board.onStep(ann, {pageId: 'create-cluster', stepId: 'nodes', status: 'running'});
      board.onStep(ann, {pageId: 'create-cluster', stepId: 'nodes', status: 'failed'});
    }
    board.onSocket(bo, 1);
    assert.equal(board.snapshot().rows[0]!.stuck, 'failed-twice');
    assert.equal(board.snapshot().rows[1]!.stuck, undefined);
    clock.advance(61_000);
    assert.equal(board.snapshot().rows[1]!.stuck, 'idle');
    board.onActivity(bo);
    assert.equal(board.snapshot().rows[1]!.stuck, undefined);
    board.onStep(ann, {pageId: 'create-cluster', stepId: 'nodes', status: 'running'});
    board.onStep(ann, {pageId: 'create-cluster', stepId: 'nodes', status: 'passed'});
    assert.equal(board.snapshot().rows[0]!.stuck, undefined);
  });

  it('exports every attempt and the time taken, also after a restart; a reset forgets the attendee', () => {
    const {make, join, clock, dir} = setup();
    const board = make();
    const ann = join('Ann');
    board.onStep(ann, {pageId: 'create-cluster', stepId: 'create', status: 'running'});
    clock.advance(2000);
    board.onStep(ann, {pageId: 'create-cluster', stepId: 'create', status: 'failed'});
    board.onStep(ann, {pageId: 'create-cluster', stepId: 'create', status: 'running'});
    clock.advance(3000);
    board.onStep(ann, {pageId: 'create-cluster', stepId: 'create', status: 'passed'});
    // a torn last line (a crash mid-append) is skipped on replay
    appendFileSync(path.join(dir, 'workshop', 'results.jsonl'), '{"t": 1, "att');
    const again = make();
    const rows = again.exportRows();
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[0], {
      attendee: 'Ann',
      attendeeId: ann,
      pageId: 'create-cluster',
      stepId: 'create',
      status: 'passed',
      attempts: 2,
      timeTakenSeconds: 5,
    });
    assert.equal(rows[2]!.status, 'not-run');
    again.reset(ann);
    assert.equal(make().exportRows()[0]!.attempts, 0);
  });
});
