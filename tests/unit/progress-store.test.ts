/** Progress on disk: atomic, debounced writes; restored after a restart; a corrupt file never stops the server. */
import assert from 'node:assert/strict';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, test} from 'node:test';
import type {StepResult} from '../../src/core/protocol/messages';
import {FileProgressStore} from '../../server/progress/progress-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'lab-progress-'));
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

const passed = (stepId: string, pageId = 'intro'): StepResult => ({
  pageId,
  stepId,
  status: 'passed',
  startedAt: 1,
  durationMs: 5,
  exitCode: 0,
  via: 'run',
});

function warnings(): {logger: {warn(obj: object, msg: string): void}; messages: string[]} {
  const messages: string[] = [];
  return {messages, logger: {warn: (_obj, msg) => messages.push(msg)}};
}

test('records final results, writes them after the debounce, restores them in a new store', async () => {
  // the test fires the debounce timer itself: no waiting, and nothing depends on how fast the machine is
  const timers: {fn: () => void; ms: number}[] = [];
  const store = new FileProgressStore(dir, {
    debounceMs: 10,
    setTimer: (fn, ms) => {
      timers.push({fn, ms});
      return () => {};
    },
  });
  store.record('local', passed('a'));
  store.record('local', {
    pageId: 'intro',
    stepId: 'b',
    status: 'failed',
    failure: {check: 'exit code', expected: '0', actual: '1'},
  });
  assert.equal(store.snapshot('local').intro?.a?.status, 'passed');
  const file = path.join(dir, 'progress', 'local.json');
  assert.deepEqual(
    timers.map((t) => t.ms),
    [10],
    'one debounce timer for both results',
  );
  assert.ok(!existsSync(file), 'nothing written before the debounce');
  timers[0]!.fn();
  await store.flush(); // waits for the write the timer started (nothing else is pending)
  assert.ok(existsSync(file));
  const restored = new FileProgressStore(dir).snapshot('local');
  assert.equal(restored.intro?.a?.status, 'passed');
  assert.equal(restored.intro?.b?.failure?.check, 'exit code');
  await store.dispose();
});

test('running and idle results are not persisted', async () => {
  const store = new FileProgressStore(dir, {debounceMs: 1000});
  store.record('local', passed('a'));
  store.record('local', {pageId: 'intro', stepId: 'a', status: 'running', startedAt: 2});
  store.record('local', {pageId: 'intro', stepId: 'c', status: 'running'});
  await store.flush();
  const saved = JSON.parse(readFileSync(path.join(dir, 'progress', 'local.json'), 'utf8'));
  assert.equal(saved.intro.a.status, 'passed');
  assert.equal(saved.intro.c, undefined);
});

test('writes are atomic: temp file then rename, no temp file left behind', async () => {
  const store = new FileProgressStore(dir, {debounceMs: 1000});
  for (let i = 0; i < 50; i++) store.record('local', passed(`s-${i}`));
  await store.flush();
  store.record('local', passed('last'));
  await store.flush();
  const files = readdirSync(path.join(dir, 'progress'));
  assert.deepEqual(files, ['local.json']);
  const saved = JSON.parse(readFileSync(path.join(dir, 'progress', 'local.json'), 'utf8'));
  assert.equal(Object.keys(saved.intro).length, 51);
});

test('flush writes pending changes immediately; snapshots are copies', async () => {
  const store = new FileProgressStore(dir, {debounceMs: 60_000});
  store.record('local', passed('a'));
  const snap = store.snapshot('local');
  snap.intro!.a!.status = 'failed';
  assert.equal(store.snapshot('local').intro?.a?.status, 'passed');
  await store.flush();
  assert.equal(new FileProgressStore(dir).snapshot('local').intro?.a?.status, 'passed');
});

test('resetPage forgets one page and is saved', async () => {
  const store = new FileProgressStore(dir, {debounceMs: 1});
  store.record('local', passed('a', 'intro'));
  store.record('local', passed('b', 'mesh'));
  store.resetPage('local', 'intro');
  await store.flush();
  assert.deepEqual(Object.keys(new FileProgressStore(dir).snapshot('local')), ['mesh']);
});

test('a corrupt file is kept aside as .corrupt and the learner starts empty', async () => {
  mkdirSync(path.join(dir, 'progress'), {recursive: true});
  const file = path.join(dir, 'progress', 'local.json');
  writeFileSync(file, '{"intro": {"a": {"status": tru');
  const {logger, messages} = warnings();
  const store = new FileProgressStore(dir, {logger, debounceMs: 1});
  assert.deepEqual(store.snapshot('local'), {});
  assert.equal(messages.length, 1);
  assert.match(messages[0]!, /corrupt/);
  assert.equal(readFileSync(`${file}.corrupt`, 'utf8'), '{"intro": {"a": {"status": tru');
  store.record('local', passed('a'));
  await store.flush();
  assert.equal(new FileProgressStore(dir).snapshot('local').intro?.a?.status, 'passed');
});

test('valid JSON of the wrong shape counts as corrupt too', () => {
  mkdirSync(path.join(dir, 'progress'), {recursive: true});
  writeFileSync(path.join(dir, 'progress', 'local.json'), '{"intro": {"a": {"status": "exploded"}}}');
  const {logger, messages} = warnings();
  assert.deepEqual(new FileProgressStore(dir, {logger}).snapshot('local'), {});
  assert.equal(messages.length, 1);
});

test('learners are kept apart; a learner id cannot escape the directory', async () => {
  const store = new FileProgressStore(dir, {debounceMs: 1});
  store.record('alice', passed('a'));
  assert.deepEqual(store.snapshot('bob'), {});
  assert.throws(() => store.snapshot('../../etc/passwd'), /learner id/);
  await store.flush();
});
