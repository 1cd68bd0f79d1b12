import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {NO_KUBECTL, rows} from '../fixtures/sandbox/harness';
import {startCluster, walkthroughSpec, type ClusterHarness} from '../fixtures/sandbox-cluster/cluster-harness';

// What a learner sees of node capacity and the sandbox's quota, through the machine's real kubectl.
const NAME = 'small';
const FULL =
  '0/2 nodes are available: 2 Too many pods. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod..';

describe('node capacity with the real kubectl (2 nodes)', {skip: NO_KUBECTL}, () => {
  let c: ClusterHarness;
  const ok = async (...args: string[]) => {
    const r = await c.kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed:\n${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    c = await startCluster(NAME, walkthroughSpec(NAME, {agents: 1}));
  });
  after(async () => c?.close());

  it('shows capacity and allocatable as k3s reports them (110 pods) in describe node', async () => {
    const out = await ok('describe', 'node', `k3d-${NAME}-agent-0`);
    assert.match(out, /Capacity:\n\s+cpu:\s+\d+\n\s+ephemeral-storage:\s+102626232Ki\n[\s\S]*?pods:\s+110\n/);
    assert.match(out, /Allocatable:\n\s+cpu:\s+\d+\n\s+ephemeral-storage:\s+99834798489\n[\s\S]*?pods:\s+110\n/);
  });

  it('leaves what does not fit Pending with PodScheduled=False and a FailedScheduling event in the real wording', async () => {
    await ok('create', 'deploy', 'big', '--image=nginx', '--replicas=240');
    // wait for the scheduler to have looked at every pod: 220 slots minus kube-system's are bound, the rest wait
    const r = await c.until(
      [
        'get',
        'pods',
        '-A',
        '-o',
        'custom-columns=NODE:.spec.nodeName,SCHED:.status.conditions[?(@.type=="PodScheduled")].status',
        '--no-headers',
      ],
      (x) => {
        const t = rows(x.stdout);
        return t.length >= 240 && t.every((row) => row[1] === 'True' || row[1] === 'False');
      },
      60_000,
    );
    const perNode = new Map<string, number>();
    for (const [node] of rows(r.stdout)) if (node !== '<none>') perNode.set(node!, (perNode.get(node!) ?? 0) + 1);
    assert.deepEqual([...perNode.values()], [110, 110]);
    const pending = rows(
      await ok('get', 'pods', '--field-selector=status.phase=Pending,spec.nodeName=', '--no-headers'),
    );
    assert.ok(pending.length > 0);
    assert.equal(pending[0]![2], 'Pending');

    const describe = await ok('describe', 'pod', pending[0]![0]!);
    assert.match(describe, /^Node:\s+<none>$/m);
    assert.match(describe, /PodScheduled\s+False/);
    assert.ok(
      describe.includes(`Warning  FailedScheduling  `) && describe.includes(`default-scheduler  ${FULL}`),
      describe,
    );
    const events = await ok(
      'get',
      'events',
      '--field-selector=reason=FailedScheduling',
      '-o',
      'jsonpath={.items[0].message}',
    );
    assert.equal(events, FULL);
    const node = await ok('describe', 'node', `k3d-${NAME}-agent-0`);
    assert.match(node, /Non-terminated Pods:\s+\(110 in total\)/);
  });

  it('binds a waiting pod once a bound one is deleted', async () => {
    const bound = rows(
      await ok('get', 'pods', '-l', 'app=big', '--field-selector=status.phase=Running', '--no-headers'),
    );
    const before = rows(await ok('get', 'pods', '--field-selector=spec.nodeName=', '--no-headers')).map((x) => x[0]);
    await ok('delete', 'pod', bound[0]![0]!, '--wait=false');
    await c.until(
      ['get', 'pods', '--field-selector=spec.nodeName=', '--no-headers', '-o', 'name'],
      (x) => before.some((name) => !x.stdout.includes(`pod/${name}\n`)),
      30_000,
    );
  });
});

describe('the sandbox quota with the real kubectl', {skip: NO_KUBECTL}, () => {
  let c: ClusterHarness;
  before(async () => {
    c = await startCluster('quota', walkthroughSpec('quota', {agents: 1}), {
      quota: {objects: 400, bytes: 2 * 1024 * 1024},
    });
  });
  after(async () => c?.close());

  it('refuses an object past the count as ResourceQuota does (403 exceeded quota)', async () => {
    // kube-system first: a controller still creating its pods would take the room a delete frees
    await c.until(
      ['get', 'pods', '-n', 'kube-system', '--no-headers'],
      (x) => rows(x.stdout).length >= 3 && rows(x.stdout).every((r) => ['Running', 'Completed'].includes(r[2]!)),
      60_000,
    );
    // fill the sandbox straight into its store: 400 kubectl runs would take minutes on a busy machine
    const store = c.h.api.sandboxes.get('quota')!.store;
    const cms = store.types.lookup('', 'v1', 'configmaps')!;
    for (let i = 0; store.quota.usage.objects < 400; i++)
      store.create(cms, {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: `filler-${i}`, namespace: 'default'}});
    const r = await c.kubectl(['create', 'configmap', 'one-more']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'error: failed to create configmap: configmaps "one-more" is forbidden: exceeded quota: sandbox, requested: objects=1, used: objects=400, limited: objects=400\n',
    );
    // deleting is how a learner gets out
    const del = await c.kubectl(['delete', 'configmap', 'filler-0']);
    assert.equal(del.code, 0, del.stderr);
    const again = await c.kubectl(['create', 'configmap', 'one-more']);
    assert.equal(again.code, 0, again.stderr);
  });

  it('refuses bytes past the limit as kube-apiserver passes on a full etcd', async () => {
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: blob}\ndata:\n  k: ${'x'.repeat(2_000_000)}\n`;
    assert.equal((await c.kubectl(['delete', 'configmap', 'one-more'])).code, 0);
    const r = await c.kubectl(['create', '-f', '-'], big);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'Error from server: error when creating "STDIN": etcdserver: mvcc: database space exceeded\n',
    );
  });
});
