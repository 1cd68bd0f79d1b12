import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {planNodes} from '../../server/backends/sandbox/cluster/cluster-spec';
import {TIMINGS} from '../../server/backends/sandbox/cluster/timings';
import {walkthroughSpec} from '../fixtures/sandbox-cluster/cluster-harness';
import {deploymentManifest, isPodReady, manualCluster, type J} from '../fixtures/sandbox-cluster/manual-cluster';

// A node whose container went (`k3d node stop|delete`) while the cluster runs, on a ManualClock: k8s v1.31's node
// lifecycle controller (unreachable taints, MarkPodsNotReady), taint-based eviction after the pod's toleration
// (300 s by default) and PodGC of the pods of a deleted Node.
const NODE = 'k3d-lab-agent-0';
const UNREACHABLE = 'node.kubernetes.io/unreachable';
const pinned = {nodeSelector: {'kubernetes.io/hostname': NODE}};

function daemonSet(name: string): J {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {name, namespace: 'default'},
    spec: {
      selector: {matchLabels: {app: name}},
      template: {metadata: {labels: {app: name}}, spec: {containers: [{name, image: 'busybox:1.36'}]}},
    },
  };
}

describe('a node that goes away while its cluster runs', () => {
  it('is tainted unreachable, its pods turn unready, and are evicted after their toleration; daemon pods stay', async () => {
    const c = await manualCluster({agents: 2});
    c.create(c.kinds.deployments, deploymentManifest('web', {podSpec: pinned}));
    const quickTolerance = [{key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10}];
    c.create(c.kinds.deployments, deploymentManifest('quick', {podSpec: {...pinned, tolerations: quickTolerance}}));
    c.create(c.kinds.daemonsets, daemonSet('logger'));
    c.advance(3000);
    const [web] = c.list(c.kinds.pods, 'default', 'app=web');
    const [quick] = c.list(c.kinds.pods, 'default', 'app=quick');
    const daemon = c.list(c.kinds.pods, 'default', 'app=logger').find((p) => p.spec.nodeName === NODE)!;
    assert.ok(isPodReady(web!) && isPodReady(quick!) && isPodReady(daemon));

    c.rt.nodeDown(NODE);
    c.advance(100);
    const node = c.get(c.kinds.nodes, undefined, NODE)!;
    assert.deepEqual(
      node.spec.taints.map((t: J) => `${t.key}:${t.effect}${t.timeAdded ? '+time' : ''}`),
      [`${UNREACHABLE}:NoSchedule`, `${UNREACHABLE}:NoExecute+time`],
    );
    const unready = c.get(c.kinds.pods, 'default', web!.metadata.name)!;
    assert.equal(isPodReady(unready), false);
    assert.ok(c.eventsFor(unready).includes('NodeNotReady: Node is not ready'));

    c.advance(10_000);
    const evicted = c.get(c.kinds.pods, 'default', quick!.metadata.name)!;
    assert.ok(evicted.metadata.deletionTimestamp, 'its own 10 s toleration is over');
    assert.ok(
      c.eventsFor(evicted).includes(`TaintManagerEviction: Marking for deletion Pod default/${quick!.metadata.name}`),
    );
    assert.equal(c.get(c.kinds.pods, 'default', web!.metadata.name)!.metadata.deletionTimestamp, undefined);

    c.advance(290_000);
    const old = c.get(c.kinds.pods, 'default', web!.metadata.name)!;
    assert.ok(old.metadata.deletionTimestamp, 'the default 300 s are over');
    // no kubelet confirms: it stays Terminating, and its ReplicaSet has made a replacement
    assert.equal(c.list(c.kinds.pods, 'default', 'app=web').length, 2);
    const stays = c.get(c.kinds.pods, 'default', daemon.metadata.name)!;
    assert.equal(stays.metadata.deletionTimestamp, undefined, 'daemon pods tolerate unreachable for ever');

    // kubectl delete node: PodGC removes what was bound to it
    c.store.delete(c.kinds.nodes, undefined, NODE);
    c.advance(100);
    assert.deepEqual(
      c.list(c.kinds.pods).filter((p) => p.spec.nodeName === NODE),
      [],
    );
    c.rt.dispose();
  });

  it('comes back: the taints go and its pods run again', async () => {
    const c = await manualCluster({agents: 2});
    c.create(c.kinds.deployments, deploymentManifest('web', {podSpec: pinned}));
    c.advance(3000);
    c.rt.nodeDown(NODE);
    c.advance(100);
    const plan = planNodes(walkthroughSpec('lab', {agents: 2})).find((p) => p.name === NODE)!;
    const up = c.rt.nodeUp(plan);
    c.advance(TIMINGS.agentJoin);
    await up;
    c.advance(3000);
    assert.equal(c.get(c.kinds.nodes, undefined, NODE)!.spec.taints, undefined);
    const [web] = c.list(c.kinds.pods, 'default', 'app=web');
    assert.ok(isPodReady(web!));
    assert.equal(web!.status.containerStatuses[0].restartCount, 1);
    c.rt.dispose();
  });

  it('k3d cluster stop taints nothing: the control plane stops with the nodes', async () => {
    const c = await manualCluster({agents: 2});
    c.advance(2000);
    c.rt.stop();
    c.advance(400_000);
    assert.ok(c.list(c.kinds.nodes).every((n) => n.spec.taints === undefined));
    assert.ok(c.list(c.kinds.pods).every((p) => !p.metadata.deletionTimestamp));
    c.rt.dispose();
  });
});
