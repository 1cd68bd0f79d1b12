import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {ObjectStore} from '../../server/backends/sandbox/api/index';
import {seedFreshCluster} from '../../server/backends/sandbox/api/seed';
import {resolveKinds} from '../../server/backends/sandbox/api/kinds';
import {runController} from '../../server/backends/sandbox/cluster/controller';
import {replicaSetController} from '../../server/backends/sandbox/cluster/controllers/replicaset';
import {EventRecorder} from '../../server/backends/sandbox/cluster/event-recorder';
import {insufficientResources, unschedulableMessage} from '../../server/backends/sandbox/cluster/node-fit';
import {nodeAllocatable, parseQuantity, podRequest} from '../../server/backends/sandbox/cluster/resources';
import {TIMINGS} from '../../server/backends/sandbox/cluster/timings';
import {ManualClock} from '../../server/backends/sandbox/kit/clock';
import {WorkLoop} from '../../server/backends/sandbox/kit/work-loop';
import {CONTROLLER_MANAGER_RATE} from '../../server/backends/sandbox/kit/client-rate-limit';
import {deploymentManifest, manualCluster, type J} from '../fixtures/sandbox-cluster/manual-cluster';

describe('resource quantities and pod requests', () => {
  it('parses quantities as the API does: millicores, binary and decimal suffixes, exponents', () => {
    assert.equal(parseQuantity('500m'), 0.5);
    assert.equal(parseQuantity('2'), 2);
    assert.equal(parseQuantity('128Mi'), 128 * 2 ** 20);
    assert.equal(parseQuantity('1G'), 1e9);
    assert.equal(parseQuantity('1e3'), 1000);
    assert.equal(parseQuantity('16318352Ki'), 16318352 * 1024);
    assert.equal(parseQuantity('lots'), undefined);
  });

  it('sums containers and sidecars, takes the largest init container, adds the overhead; limits stand in for requests', () => {
    const r = podRequest({
      initContainers: [
        {name: 'init', resources: {requests: {cpu: '2', memory: '10Mi'}}},
        {name: 'sidecar', restartPolicy: 'Always', resources: {requests: {cpu: '100m', memory: '128Mi'}}},
      ],
      containers: [
        {name: 'a', resources: {requests: {cpu: '250m'}, limits: {memory: '64Mi'}}},
        {name: 'b', resources: {requests: {cpu: '250m', memory: '32Mi'}}},
      ],
      overhead: {cpu: '10m'},
    });
    // init: 2 CPU (no sidecar before it) beats 100m+250m+250m; memory: 128+64+32 Mi beats 10 Mi
    assert.deepEqual(r, {milliCPU: 2010, memory: 224 * 2 ** 20, ephemeralStorage: 0});
  });
});

describe('NodeResourcesFit and the FailedScheduling message', () => {
  const allocatable = nodeAllocatable({cpu: '2', memory: '4Gi', pods: '110', 'ephemeral-storage': '1Gi'});
  const used = (pods: number, milliCPU = 0) => ({pods, milliCPU, memory: 0, ephemeralStorage: 0, hostPorts: new Map()});

  it('counts pods against max-pods and requests against allocatable less what is requested', () => {
    const none = {milliCPU: 0, memory: 0, ephemeralStorage: 0};
    assert.deepEqual(insufficientResources(none, {allocatable, used: used(109)}), []);
    assert.deepEqual(insufficientResources(none, {allocatable, used: used(110)}), ['Too many pods']);
    const cpu = {milliCPU: 600, memory: 5 * 2 ** 30, ephemeralStorage: 0};
    assert.deepEqual(insufficientResources(cpu, {allocatable, used: used(110, 1500)}), [
      'Too many pods',
      'Insufficient cpu',
      'Insufficient memory',
    ]);
  });

  it('words the message as framework.FitError does, with the preemption part and its two full stops', () => {
    assert.equal(
      unschedulableMessage(2, [
        {reasons: ['Too many pods'], resolvable: true},
        {reasons: ['Too many pods'], resolvable: true},
      ]),
      '0/2 nodes are available: 2 Too many pods. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod..',
    );
    assert.equal(
      unschedulableMessage(6, [
        {reasons: ['Insufficient cpu'], resolvable: true},
        ...Array.from({length: 5}, () => ({
          reasons: ["node(s) didn't match Pod's node affinity/selector"],
          resolvable: false,
        })),
      ]),
      "0/6 nodes are available: 1 Insufficient cpu, 5 node(s) didn't match Pod's node affinity/selector. preemption: 0/6 nodes are available: 1 No preemption victims found for incoming pod, 5 Preemption is not helpful for scheduling..",
    );
  });
});

describe('scheduler capacity on a 2-node cluster', () => {
  const nodesOf = (pods: J[]) => {
    const m = new Map<string, number>();
    for (const p of pods) if (p.spec.nodeName) m.set(p.spec.nodeName, (m.get(p.spec.nodeName) ?? 0) + 1);
    return m;
  };

  it('binds at most 110 pods per node, leaves the rest Pending with the reason, and binds them when room frees', async () => {
    const c = await manualCluster({agents: 1});
    c.store.create(c.kinds.deployments, deploymentManifest('big', {replicas: 260}) as never);
    // the ReplicaSet controller's client: a burst of 30, then 20 pods a second
    c.advance(15_000);
    const all = c.list(c.kinds.pods);
    for (const [node, n] of nodesOf(all)) assert.equal(n, 110, node);
    const pending = c.list(c.kinds.pods, 'default').filter((p) => !p.spec.nodeName);
    assert.ok(pending.length > 30, `${pending.length} pending`);
    const cond = pending[0]!.status.conditions.find((x: J) => x.type === 'PodScheduled');
    assert.equal(cond.status, 'False');
    assert.equal(cond.reason, 'Unschedulable');
    assert.equal(
      cond.message,
      '0/2 nodes are available: 2 Too many pods. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod..',
    );
    assert.deepEqual(c.eventsFor(pending[0]!), [`FailedScheduling: ${cond.message}`]);
    // room frees: two bound pods of the Deployment go (their replacements queue behind the pods already waiting)
    const bound = c.list(c.kinds.pods, 'default').filter((p) => p.spec.nodeName);
    for (const p of bound.slice(0, 2))
      c.store.delete(c.kinds.pods, 'default', p.metadata.name, {gracePeriodSeconds: 0});
    c.advance(TIMINGS.schedule * 2);
    const nowBound = pending.filter((p) => c.get(c.kinds.pods, 'default', p.metadata.name)!.spec.nodeName);
    assert.equal(nowBound.length, 2);
    for (const [node, n] of nodesOf(c.list(c.kinds.pods))) assert.equal(n, 110, node);
    c.rt.dispose();
  });

  it('reports Insufficient cpu and memory against the nodes’ allocatable', async () => {
    const c = await manualCluster({agents: 1});
    const node = c.get(c.kinds.nodes, undefined, 'k3d-lab-agent-0')!;
    const cpus = Number(node.status.allocatable.cpu);
    c.create(c.kinds.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: 'huge', namespace: 'default'},
      spec: {containers: [{name: 'c', image: 'nginx', resources: {requests: {cpu: String(cpus + 1), memory: '1Ei'}}}]},
    });
    c.advance(500);
    const p = c.get(c.kinds.pods, 'default', 'huge')!;
    assert.equal(p.status.phase, 'Pending');
    assert.equal(
      p.status.conditions.find((x: J) => x.type === 'PodScheduled').message,
      '0/2 nodes are available: 2 Insufficient cpu, 2 Insufficient memory. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod..',
    );
    c.rt.dispose();
  });
});

describe('ReplicaSet slow start', () => {
  /** a ReplicaSet controller alone on a loop that runs one step per turn, turned by hand; no client limit unless given */
  const setup = (replicas: number, quota?: {objects: number; bytes: number}, rate = {qps: 1e9, burst: 1e9}) => {
    const clock = new ManualClock();
    const store = new ObjectStore({clock, ...(quota ? {quota} : {})});
    seedFreshCluster(store);
    const kinds = resolveKinds(store);
    const turns: (() => void)[] = [];
    const loop = new WorkLoop({defer: (fn) => void turns.push(fn), now: () => 0, budgetMs: 0});
    const events = new EventRecorder(store, kinds, clock);
    const rs = store.create(kinds.replicasets, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {name: 'big-5d8f7c', namespace: 'default'},
      spec: {
        replicas,
        selector: {matchLabels: {app: 'big'}},
        template: {metadata: {labels: {app: 'big'}}, spec: {containers: [{name: 'nginx', image: 'nginx'}]}},
      },
    } as never);
    const controller = runController(
      {store, clock, lane: loop.lane()},
      replicaSetController({store, clock, kinds, events}, rate),
    );
    const pods = () => store.list(kinds.pods, {namespace: 'default'}).items.length;
    /** pods created by each step until the queue is empty */
    const steps = (max = 1000) => {
      const out: number[] = [];
      for (let i = 0; i < max && turns.length; i++) {
        const before = pods();
        turns.shift()!();
        out.push(pods() - before);
      }
      return out.filter((n) => n > 0);
    };
    return {store, kinds, rs, controller, steps, clock, turns};
  };

  it('creates 1, 2, 4, 8, … pods per batch, at most 500 per sync and 32 per step of the work loop', () => {
    const t = setup(600);
    const s = t.steps();
    // sync 1: batches 1 2 4 8 16 32 64 128 and the remaining 245, 32 per step
    assert.deepEqual(s, [
      1,
      2,
      4,
      8,
      16,
      32,
      32,
      32,
      ...Array(4).fill(32),
      ...Array(7).fill(32),
      21,
      1,
      2,
      4,
      8,
      16,
      32,
      32,
      5,
    ]);
    assert.equal(
      s.reduce((a, b) => a + b, 0),
      600,
    );
    t.controller.dispose();
  });

  it('creates no faster than its client allows: a burst of 30, then 20 pods a second (kube-controller-manager defaults)', () => {
    const t = setup(600, undefined, CONTROLLER_MANAGER_RATE);
    // the burst goes in slow-start batches: 1 + 2 + 4 + 8, then 15 of the batch of 16
    assert.deepEqual(t.steps(), [1, 2, 4, 8, 15]);
    const pods = () => t.store.list(t.kinds.pods, {namespace: 'default'}).items.length;
    const second = () => {
      for (let ms = 0; ms < 1000; ms += 10) {
        t.clock.advance(10);
        t.steps();
      }
      return pods();
    };
    const counts = Array.from({length: 10}, second);
    assert.deepEqual(
      counts,
      Array.from({length: 10}, (_, i) => 30 + 20 * (i + 1)),
    );
    t.controller.dispose();
  });

  it('stops a sync at the first failed creation: FailedCreate with the API error, ReplicaFailure, retried with backoff', () => {
    const quotaFor = (extra: number, store?: ObjectStore) => ({
      objects: (store?.quota.usage.objects ?? 0) + extra,
      bytes: 1e9,
    });
    // the seeded objects and the ReplicaSet itself, then room for 5 pods: batches 1, 2, then 2 of a batch of 4
    const probe = new ObjectStore();
    seedFreshCluster(probe);
    const t = setup(20, quotaFor(1 + 5, probe));
    assert.deepEqual(t.steps(), [1, 2, 2]);
    const rs = t.store.get(t.kinds.replicasets, 'default', 'big-5d8f7c') as J;
    const failure = rs.status.conditions.find((c: J) => c.type === 'ReplicaFailure');
    assert.equal(failure.status, 'True');
    assert.equal(failure.reason, 'FailedCreate');
    assert.match(
      failure.message,
      /^pods "big-5d8f7c-[a-z0-9]{5}" is forbidden: exceeded quota: sandbox, requested: objects=1, used: objects=\d+, limited: objects=\d+$/,
    );
    const events = t.store.list(t.kinds.events, {namespace: 'default'}).items as J[];
    const failed = events.filter((e) => e.reason === 'FailedCreate');
    // the first failure, and the retry its own status write set off (as the real controller's informer does)
    assert.ok(failed.length >= 1 && failed.length <= 2, `${failed.length} FailedCreate events`);
    for (const e of failed) {
      assert.equal(e.type, 'Warning');
      assert.match(e.message, /^Error creating: pods "big-5d8f7c-[a-z0-9]{5}" is forbidden: exceeded quota: sandbox, /);
    }
    assert.ok(failed.some((e) => e.message === `Error creating: ${failure.message}`));
    // the retry comes after the backoff, on the clock
    assert.equal(t.turns.length, 0);
    t.clock.advance(TIMINGS.retryBase);
    assert.equal(t.turns.length, 1);
    t.controller.dispose();
  });

  it('records 9 SuccessfulCreate events and then one combined event, as client-go aggregates similar events', () => {
    const t = setup(40);
    t.steps();
    const events = (t.store.list(t.kinds.events, {namespace: 'default'}).items as J[]).filter(
      (e) => e.reason === 'SuccessfulCreate',
    );
    assert.equal(events.length, 10);
    const combined = events.filter((e) => e.message.startsWith('(combined from similar events): Created pod: '));
    assert.equal(combined.length, 1);
    assert.equal(combined[0]!.count, 31);
    t.controller.dispose();
  });
});
