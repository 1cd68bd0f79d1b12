/**
 * An acknowledged write survives a crash, as etcd's do: the sandbox API answers a write only once its change is in
 * the fsynced write-ahead log. Shown on the log's own rules (replay over the snapshot, torn tails, compaction) and
 * end to end: a real child process running the API, SIGKILLed at seeded random points of a stream of writes,
 * restarted on the same state dir, must hold every acknowledged object and nothing half-written.
 */
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {SandboxRegistry} from '../../server/backends/sandbox/api/index';
import {loadSandbox, STATE_FILE, stateFileText} from '../../server/backends/sandbox/api/sandbox-persistence';
import {sandboxStateFile} from '../../server/backends/sandbox/api/sandbox-state';
import {
  listSegments,
  replaceFileDurably,
  segmentName,
  WriteAheadLog,
} from '../../server/backends/sandbox/api/write-ahead-log';
import {seededRng} from '../../server/backends/sandbox/mesh/routing';
import {apiClient, spawnApiProcess, type ApiClient, type ApiProcess} from '../fixtures/sandbox/api-process';

const SEED = Number(process.env.CRASH_SEED ?? 9090);
const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 4);
const WORKERS = 4;
const KEYS_PER_WORKER = 6;

const ns = (name: string) => ({apiVersion: 'v1', kind: 'Namespace', metadata: {name}});
const cm = (name: string, value: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {name, namespace: 'default'},
  data: {value},
});

describe('the write-ahead log', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sandbox-wal-'));
  });
  after(() => rmSync(dir, {recursive: true, force: true}));

  const snapshot = (rv: number, objects: object[]) => ({
    version: 1,
    name: 'x',
    token: 't',
    createdAt: '',
    store: {resourceVersion: rv, objects: objects.map((object) => ({group: '', resource: 'namespaces', object}))},
  });
  const record = (rv: number, type: string, name: string) =>
    JSON.stringify({rv, type, group: '', resource: 'namespaces', object: ns(name)});

  it('replays the segments over the snapshot: later records only, deletions, a torn tail ignored', () => {
    const d = path.join(dir, 'replay');
    mkdirSync(d);
    writeFileSync(path.join(d, STATE_FILE), JSON.stringify(snapshot(5, [ns('old'), ns('gone')])));
    // segment 1 straddles the snapshot (written before a compaction finished); segment 2 ends mid-line
    writeFileSync(path.join(d, segmentName(1)), [record(4, 'ADDED', 'gone'), record(6, 'ADDED', 'a'), ''].join('\n'));
    writeFileSync(
      path.join(d, segmentName(2)),
      [record(7, 'DELETED', 'gone'), record(8, 'MODIFIED', 'a'), record(9, 'ADDED', 'torn')].join('\n').slice(0, -9),
    );
    const r = loadSandbox(d);
    assert.equal(r.kind, 'ok');
    if (r.kind !== 'ok') return;
    assert.deepEqual(r.state.store.objects.map((o) => o.object.metadata.name).sort(), ['a', 'old']);
    assert.equal(r.state.store.resourceVersion, 8, 'the torn record never happened');
    assert.equal(r.replayed, 3);
    assert.equal(r.lastSegment, 2);
    assert.deepEqual(r.skipped, []);
  });

  it('a damaged line inside a segment is skipped and reported; the records after it still apply', () => {
    const d = path.join(dir, 'damaged');
    mkdirSync(d);
    writeFileSync(path.join(d, STATE_FILE), JSON.stringify(snapshot(1, [])));
    const bad = JSON.stringify({rv: 3, type: 'ADDED', group: '', resource: 'namespaces', object: {kind: 'Namespace'}});
    writeFileSync(
      path.join(d, segmentName(1)),
      [record(2, 'ADDED', 'a'), '{"rv": 3, "ty', bad, record(4, 'ADDED', 'b'), ''].join('\n'),
    );
    const r = loadSandbox(d);
    assert.equal(r.kind, 'ok');
    if (r.kind !== 'ok') return;
    assert.deepEqual(r.state.store.objects.map((o) => o.object.metadata.name).sort(), ['a', 'b']);
    assert.equal(r.skipped.length, 2);
    assert.match(r.skipped[0]!, /wal-000001\.jsonl:2: /);
    assert.match(r.skipped[1]!, /wal-000001\.jsonl:3: object\.apiVersion: Invalid input/);
  });

  it('group commit: writes appended while a flush is in flight share the next one; committed() waits for both', async () => {
    const d = path.join(dir, 'group');
    mkdirSync(d);
    const log = new WriteAheadLog({
      dir: d,
      snapshotPath: path.join(d, STATE_FILE),
      firstSegment: 1,
      compactAfterBytes: 1 << 20,
      snapshot: () => '{}',
      onError: (e) => assert.fail(e),
    });
    log.append('{"n":1}');
    const first = log.committed();
    log.append('{"n":2}'); // same turn: same batch
    await Promise.resolve();
    await Promise.resolve();
    log.append('{"n":3}'); // while the first batch is being flushed
    const second = log.committed();
    assert.notEqual(first, second);
    await first;
    const text = () => readFileSync(path.join(d, segmentName(1)), 'utf8');
    assert.ok(text().startsWith('{"n":1}\n{"n":2}\n'));
    await second;
    assert.equal(text(), '{"n":1}\n{"n":2}\n{"n":3}\n');
    await log.close();
    assert.deepEqual(readdirSync(d), [STATE_FILE], 'a clean close leaves the snapshot only');
  });

  it('compacts into state.json in the background and drops the segments it covers; a stop then loses nothing', async () => {
    const stateDir = path.join(dir, 'registry');
    const problems: string[] = [];
    const onProblem = (m: string, d: Record<string, unknown>) => problems.push(`${m} ${JSON.stringify(d)}`);
    const one = new SandboxRegistry({stateDir, compactLogBytes: 2048, onProblem});
    const store = one.create('lab').store;
    const cms = store.types.lookup('', 'v1', 'configmaps')!;
    for (let i = 0; i < 60; i++) {
      store.create(cms, cm(`c${i}`, 'x'.repeat(100)));
      if (i >= 3 && i % 3 === 0) store.delete(cms, 'default', `c${i - 3}`);
      await one.committed('lab');
    }
    const sandboxDir = path.join(stateDir, 'sandboxes', 'lab');
    const segments = listSegments(sandboxDir).map((s) => s.seq);
    assert.ok(segments[0]! > 1, `older segments were compacted away: ${segments.join(',')}`);
    assert.ok(segments.length <= 2, `${segments.join(',')}`);
    const before = store.list(cms, {}).items.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`);
    one.dispose(); // as if the process ended here: no final snapshot
    const two = new SandboxRegistry({stateDir, onProblem});
    try {
      assert.deepEqual(
        two.restoreAll().map((s) => s.name),
        ['lab'],
      );
      const again = two.get('lab')!.store;
      assert.deepEqual(
        again.list(cms, {}).items.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`),
        before,
      );
      assert.equal(again.resourceVersion, store.resourceVersion);
    } finally {
      await two.close();
    }
    assert.deepEqual(readdirSync(sandboxDir), [STATE_FILE]);
    assert.deepEqual(problems, []);
  });
});

describe('compaction of a large state', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), 'lab-compact-'))));
  after(() => rmSync(dir, {recursive: true, force: true}));

  it('state.json in pieces is the same JSON as one JSON.stringify', () => {
    const state = sandboxStateFile.parse({
      version: 1,
      name: 'lab',
      token: 't',
      createdAt: '2026-01-01T00:00:00Z',
      store: {resourceVersion: 7, objects: [{group: '', resource: 'configmaps', object: cm('a', '"q"\n')}]},
    });
    assert.equal([...stateFileText(state)].join(''), JSON.stringify(state));
    const empty = {...state, store: {resourceVersion: 1, objects: []}};
    assert.equal([...stateFileText(empty)].join(''), JSON.stringify(empty));
  });

  it('a snapshot given in pieces is produced a slice per turn, so the event loop serves others in between', async () => {
    const d = path.join(dir, 'slices');
    mkdirSync(d);
    let turn = 0;
    let writing = true;
    const tick = (): void => {
      turn++;
      if (writing) setImmediate(tick);
    };
    setImmediate(tick);
    const turnsSeen = new Set<number>();
    function* pieces(): Generator<string> {
      yield '[';
      for (let i = 0; i < 3000; i++) {
        turnsSeen.add(turn);
        yield (i ? ',' : '') + JSON.stringify('x'.repeat(1024));
      }
      yield ']';
    }
    const bytes = await replaceFileDurably(path.join(d, STATE_FILE), pieces());
    writing = false;
    const text = readFileSync(path.join(d, STATE_FILE), 'utf8');
    assert.equal(bytes, Buffer.byteLength(text));
    assert.equal((JSON.parse(text) as string[]).length, 3000);
    // 3 MB in slices of at most 1 MiB: at least three turns of the event loop saw the pieces being made
    assert.ok(turnsSeen.size >= 3, `pieces were made in ${turnsSeen.size} turn(s)`);
  });

  it('writes made while the snapshot is written are replayed over it', async () => {
    const stateDir = path.join(dir, 'big');
    const one = new SandboxRegistry({stateDir, compactLogBytes: 1 << 30});
    const store = one.create('lab').store;
    const cms = store.types.lookup('', 'v1', 'configmaps')!;
    for (let i = 0; i < 4000; i++) store.create(cms, cm(`c${i}`, 'x'.repeat(2000)));
    await one.committed('lab');
    const sandboxDir = path.join(stateDir, 'sandboxes', 'lab');
    const settled = one.compact('lab');
    await new Promise((r) => setImmediate(r)); // the switch to a new segment happened; the snapshot is being written
    // after the snapshot's resourceVersion, so kept by the log
    store.create(cms, cm('late', 'y'));
    store.delete(cms, 'default', 'c0');
    await one.committed('lab');
    await settled;
    const inSnapshot = readFileSync(path.join(sandboxDir, STATE_FILE), 'utf8');
    assert.ok(inSnapshot.includes('"name":"c0"') && !inSnapshot.includes('"name":"late"'), 'the state at the switch');
    const rv = store.resourceVersion;
    one.dispose();
    const loaded = loadSandbox(sandboxDir);
    assert.equal(loaded.kind, 'ok');
    if (loaded.kind !== 'ok') return;
    const names = new Set(
      loaded.state.store.objects
        .filter((o) => o.resource === 'configmaps' && o.object.metadata.namespace === 'default')
        .map((o) => o.object.metadata.name),
    );
    assert.equal([...names].filter((n) => /^(c\d+|late)$/.test(String(n))).length, 4000);
    assert.ok(names.has('late') && !names.has('c0'));
    assert.equal(loaded.state.store.resourceVersion, rv);
  });
});

/** one key's state as the test knows it: what was acknowledged, and what an unanswered request may have made it */
interface Known {
  acked: string | null;
  maybe?: string | null;
}

describe('acknowledged writes survive SIGKILL of the API process', () => {
  let dir: string;
  let proc: ApiProcess | undefined;
  let client: ApiClient | undefined;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sandbox-crash-'));
  });
  after(async () => {
    client?.close();
    if (proc && proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    rmSync(dir, {recursive: true, force: true});
  });

  const known = new Map<string, Known>(); // "cm/<name>" or "ns/<name>"

  /** what the restarted server holds must be, key by key, the acknowledged state or the unanswered write's */
  async function verify(c: ApiClient, round: number): Promise<{ambiguous: number}> {
    let ambiguous = 0;
    for (const [key, k] of known) {
      const [kind, name] = key.split('/') as [string, string];
      const r = await c.call(
        'GET',
        kind === 'cm' ? `/api/v1/namespaces/default/configmaps/${name}` : `/api/v1/namespaces/${name}`,
      );
      assert.ok(r.status === 200 || r.status === 404, `${key}: ${r.status} ${r.body}`);
      const o = r.json as {metadata?: {name?: string}; data?: {value?: string}} | undefined;
      if (r.status === 200) assert.equal(o?.metadata?.name, name, `${key} is whole`);
      const actual = r.status === 404 ? null : kind === 'cm' ? (o?.data?.value ?? '<no value>') : 'exists';
      const allowed = [k.acked, ...(k.maybe !== undefined ? [k.maybe] : [])];
      assert.ok(
        allowed.includes(actual),
        `round ${round}: ${key} is ${String(actual)}; acknowledged ${String(k.acked)}${k.maybe !== undefined ? `, in flight ${String(k.maybe)}` : ''}`,
      );
      if (k.maybe !== undefined) ambiguous++;
      known.set(key, {acked: actual});
    }
    // and nothing else: no object the clients never wrote, none half there
    const list = await c.call('GET', '/api/v1/namespaces/default/configmaps');
    const names = ((list.json as {items: {metadata: {name: string}}[]}).items ?? []).map((o) => o.metadata.name);
    for (const n of names) assert.ok(known.get(`cm/${n}`)?.acked != null, `round ${round}: unexpected configmap ${n}`);
    return {ambiguous};
  }

  /** one worker: its own keys, one request at a time, until the process is killed */
  async function worker(
    c: ApiClient,
    w: number,
    round: number,
    state: {killed: boolean; acked: number},
    onAck: () => void,
  ) {
    const rng = seededRng(SEED * 1000 + round * 10 + w);
    for (let op = 0; !state.killed; op++) {
      const i = Math.floor(rng() * KEYS_PER_WORKER);
      const makeNamespace = rng() < 0.1;
      const name = makeNamespace ? `r${round}-w${w}-${op}` : `w${w}-k${i}`;
      const key = makeNamespace ? `ns/${name}` : `cm/${name}`;
      const k = known.get(key) ?? {acked: null};
      const value = `r${round}-w${w}-op${op}-${'v'.repeat(Math.floor(rng() * 300))}`;
      let call: [string, string, string | undefined];
      let next: string | null;
      if (makeNamespace) {
        call = ['POST', '/api/v1/namespaces', JSON.stringify(ns(name))];
        next = 'exists';
      } else if (k.acked === null) {
        call = ['POST', '/api/v1/namespaces/default/configmaps', JSON.stringify(cm(name, value))];
        next = value;
      } else if (rng() < 0.3) {
        call = ['DELETE', `/api/v1/namespaces/default/configmaps/${name}`, undefined];
        next = null;
      } else {
        call = ['PUT', `/api/v1/namespaces/default/configmaps/${name}`, JSON.stringify(cm(name, value))];
        next = value;
      }
      known.set(key, {acked: k.acked, maybe: next});
      let r;
      try {
        r = await c.call(...call);
      } catch {
        return; // the process is gone: this write stays unanswered
      }
      assert.ok(r.status === 200 || r.status === 201, `${call[0]} ${call[1]}: ${r.status} ${r.body}`);
      known.set(key, {acked: next});
      onAck();
    }
  }

  it(`${ROUNDS} rounds of writes, each ended by SIGKILL at a seeded random point (seed ${SEED})`, async (t) => {
    const rng = seededRng(SEED);
    for (let round = 0; round <= ROUNDS; round++) {
      // small log segments, so kills also land during compactions
      proc = await spawnApiProcess(dir, 'crash', {compactLogBytes: 8192});
      client = apiClient(proc, WORKERS);
      const {ambiguous} = await verify(client, round);
      assert.doesNotMatch(proc.stderr(), /problem:/, 'the state loads cleanly');
      if (round === ROUNDS) {
        t.diagnostic(`final restart: ${known.size} keys verified, ${ambiguous} were in flight at the last kill`);
        break;
      }
      const killAt = 20 + Math.floor(rng() * 180);
      const state = {killed: false, acked: 0};
      const p = proc;
      const onAck = () => {
        if (++state.acked === killAt && !state.killed) {
          state.killed = true;
          p.child.kill('SIGKILL');
        }
      };
      await Promise.all(Array.from({length: WORKERS}, (_, w) => worker(client!, w, round, state, onAck)));
      assert.equal(await proc.exited, 'SIGKILL');
      client.close();
      const inFlight = [...known.values()].filter((k) => k.maybe !== undefined).length;
      t.diagnostic(
        `round ${round}: killed after ${state.acked} acknowledged writes, ${inFlight} unanswered; previous round's in-flight writes: ${ambiguous}`,
      );
    }
    // a clean stop folds the log into state.json, which passes its schema
    proc!.child.kill('SIGTERM');
    assert.equal(await proc!.exited, 0);
    const sandboxDir = path.join(dir, 'sandboxes', 'crash');
    assert.deepEqual(listSegments(sandboxDir), []);
    const saved = sandboxStateFile.safeParse(JSON.parse(readFileSync(path.join(sandboxDir, STATE_FILE), 'utf8')));
    assert.ok(saved.success, saved.error?.message);
  });
});
