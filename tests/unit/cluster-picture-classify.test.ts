// The cluster picture's pure parts: kubectl objects to nodes/pods/namespaces, kubectl errors to reasons, and the
// per-learner cache (one kubectl in flight, answers reused for a second).
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {clusterPicture} from '../../src/core/protocol/cluster-picture';
import type {Backend} from '../../server/backends/types';
import {namespaceMode, pictureFromItems, podOf, podRole, type KubeItem} from '../../server/cluster-picture/classify';
import {ClusterPictureSource} from '../../server/cluster-picture/picture-source';
import {classifyKubectlError, missingGatewayApi} from '../../server/cluster-picture/read-cluster';

const node = (name: string, control = false, ready = true): KubeItem => ({
  kind: 'Node',
  metadata: {name, labels: control ? {'node-role.kubernetes.io/control-plane': 'true'} : {}},
  status: {conditions: [{type: 'Ready', status: ready ? 'True' : 'False'}]},
});
const ns = (name: string, labels: Record<string, string> = {}): KubeItem => ({
  kind: 'Namespace',
  metadata: {name, labels},
});
const pod = (
  namespace: string,
  name: string,
  nodeName: string | undefined,
  more: Partial<KubeItem> = {},
): KubeItem => ({
  kind: 'Pod',
  metadata: {namespace, name, ...more.metadata},
  spec: {nodeName, containers: [{name: 'app'}], ...more.spec},
  status: {phase: 'Running', containerStatuses: [{name: 'app', ready: true, state: {running: {}}}], ...more.status},
});

describe('cluster picture: classification', () => {
  it('namespace modes: sidecar wins over ambient; a waypoint by label or by Gateway', () => {
    assert.equal(namespaceMode({}, false), 'none');
    assert.equal(namespaceMode({'istio-injection': 'enabled'}, false), 'sidecar');
    assert.equal(namespaceMode({'istio-injection': 'disabled'}, false), 'none');
    assert.equal(namespaceMode({'istio.io/rev': 'canary'}, false), 'sidecar');
    assert.equal(namespaceMode({'istio.io/dataplane-mode': 'ambient'}, false), 'ambient');
    assert.equal(namespaceMode({'istio.io/dataplane-mode': 'ambient', 'istio-injection': 'enabled'}, false), 'sidecar');
    assert.equal(
      namespaceMode({'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint'}, false),
      'ambient+waypoint',
    );
    assert.equal(
      namespaceMode({'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'none'}, false),
      'ambient',
    );
    assert.equal(namespaceMode({'istio.io/dataplane-mode': 'ambient'}, true), 'ambient+waypoint');
    assert.equal(namespaceMode({}, true), 'none', 'a waypoint alone does not put a namespace in the mesh');
  });

  it('pod roles: waypoint, ztunnel, sidecar (also native), ambient, none', () => {
    assert.equal(
      podRole(
        pod('bar-2', 'waypoint-1', 'n', {metadata: {labels: {'gateway.istio.io/managed': 'istio.io-mesh-controller'}}}),
      ),
      'waypoint',
    );
    assert.equal(podRole(pod('istio-system', 'ztunnel-1', 'n', {metadata: {labels: {app: 'ztunnel'}}})), 'ztunnel');
    assert.equal(
      podRole(pod('foo', 'sleep', 'n', {spec: {containers: [{name: 'sleep'}, {name: 'istio-proxy'}]}})),
      'sidecar',
    );
    assert.equal(
      podRole(
        pod('foo', 'sleep', 'n', {
          spec: {containers: [{name: 'sleep'}], initContainers: [{name: 'istio-proxy', restartPolicy: 'Always'}]},
        }),
      ),
      'sidecar',
    );
    assert.equal(
      podRole(pod('bar-1', 'httpbin', 'n', {metadata: {annotations: {'ambient.istio.io/redirection': 'enabled'}}})),
      'ambient',
    );
    assert.equal(podRole(pod('default', 'x', 'n')), 'none');
  });

  it('pod status as kubectl prints it, and READY counts a native sidecar', () => {
    const creating = podOf(
      pod('a', 'p', 'n', {
        status: {
          phase: 'Pending',
          containerStatuses: [{name: 'app', ready: false, state: {waiting: {reason: 'ContainerCreating'}}}],
        },
      }),
    );
    assert.deepEqual(
      [creating.status, creating.ready, creating.readyContainers, creating.totalContainers],
      ['ContainerCreating', false, 0, 1],
    );
    const terminating = podOf(pod('a', 'p', 'n', {metadata: {deletionTimestamp: '2026-01-01T00:00:00Z'}}));
    assert.deepEqual([terminating.status, terminating.ready], ['Terminating', false]);
    const initWaiting = podOf(
      pod('a', 'p', 'n', {
        status: {
          phase: 'Pending',
          initContainerStatuses: [{name: 'init', state: {waiting: {reason: 'ImagePullBackOff'}}}],
        },
      }),
    );
    assert.equal(initWaiting.status, 'Init:ImagePullBackOff');
    const native = podOf(
      pod('foo', 'sleep', 'n', {
        spec: {containers: [{name: 'sleep'}], initContainers: [{name: 'istio-proxy', restartPolicy: 'Always'}]},
        status: {
          phase: 'Running',
          containerStatuses: [{name: 'sleep', ready: true}],
          initContainerStatuses: [{name: 'istio-proxy', ready: true, state: {running: {}}}],
        },
      }),
    );
    assert.deepEqual(
      [native.status, native.readyContainers, native.totalContainers, native.ready, native.role],
      ['Running', 2, 2, true, 'sidecar'],
    );
  });

  it('pods land on their nodes, control plane first, the rest unscheduled; the result matches the schema', () => {
    const parts = pictureFromItems([
      node('k3d-a-agent-1'),
      node('k3d-a-agent-0', false, false),
      node('k3d-a-server-0', true),
      pod('kube-system', 'coredns', 'k3d-a-server-0'),
      pod('foo', 'sleep', 'k3d-a-agent-0'),
      pod('bar', 'b', 'k3d-a-agent-0'),
      pod('bar', 'pending', undefined, {status: {phase: 'Pending'}}),
      pod('gone', 'orphan', 'k3d-a-agent-9'),
      ns('foo', {'istio-injection': 'enabled'}),
      ns('bar-2', {'istio.io/dataplane-mode': 'ambient'}),
      {kind: 'Gateway', metadata: {namespace: 'bar-2', name: 'waypoint'}, spec: {gatewayClassName: 'istio-waypoint'}},
      {kind: 'Gateway', metadata: {namespace: 'foo', name: 'ingress'}, spec: {gatewayClassName: 'istio'}},
    ]);
    assert.deepEqual(
      parts.nodes.map((n) => [n.name, n.role, n.ready]),
      [
        ['k3d-a-server-0', 'control-plane', true],
        ['k3d-a-agent-0', 'agent', false],
        ['k3d-a-agent-1', 'agent', true],
      ],
    );
    assert.deepEqual(
      parts.nodes[1]!.pods.map((p) => `${p.namespace}/${p.name}`),
      ['bar/b', 'foo/sleep'],
    );
    assert.deepEqual(
      parts.unscheduled.map((p) => p.name),
      ['pending', 'orphan'],
    );
    assert.deepEqual(parts.namespaces, [
      {name: 'bar-2', mode: 'ambient+waypoint'},
      {name: 'foo', mode: 'sidecar'},
    ]);
    clusterPicture.parse({at: new Date().toISOString(), backend: 'host', ...parts});
  });

  it('kubectl errors: no cluster yet, a cluster that does not answer, anything else', () => {
    assert.equal(
      classifyKubectlError(
        'The connection to the server localhost:8080 was refused - did you specify the right host or port?',
      ),
      'no-cluster',
    );
    assert.equal(classifyKubectlError('error: current-context is not set'), 'no-cluster');
    assert.equal(classifyKubectlError('error: context "k3d-ambient" does not exist'), 'no-cluster');
    assert.equal(
      classifyKubectlError(
        'The connection to the server 0.0.0.0:6550 was refused - did you specify the right host or port?',
      ),
      'unreachable',
    );
    assert.equal(
      classifyKubectlError('Unable to connect to the server: dial tcp 127.0.0.1:6443: connect: connection refused'),
      'unreachable',
    );
    assert.equal(classifyKubectlError('Error from server (Forbidden): pods is forbidden'), 'error');
    assert.ok(missingGatewayApi('error: the server doesn\'t have a resource type "gateways"'));
    assert.ok(!missingGatewayApi('Error from server (Forbidden): pods is forbidden'));
  });
});

describe('cluster picture: one kubectl per learner at a time, cached', () => {
  const fakeBackend = (calls: string[]): Backend => ({
    name: 'host',
    async shellEnvironment(learner) {
      calls.push(learner);
      // no such kubeconfig: kubectl (or its absence) answers fast, and either way the picture says why it is empty
      return {env: {KUBECONFIG: '/nonexistent/kubeconfig', PATH: '/nonexistent'}, cwd: '/'};
    },
    async doctor() {
      return [];
    },
    async dispose() {},
  });

  it('callers at the same time share one read; a second later there is a new one', async () => {
    const calls: string[] = [];
    let now = 1_000;
    const source = new ClusterPictureSource(fakeBackend(calls), {now: () => now, cacheMs: 1_000});
    const [a, b] = await Promise.all([source.get('x'), source.get('x')]);
    assert.equal(a, b);
    assert.equal(calls.length, 1);
    assert.equal(a.unavailable?.code, 'kubectl-missing');
    now += 500;
    assert.equal(await source.get('x'), a, 'still fresh');
    await source.get('y');
    assert.equal(calls.length, 2, 'each learner has its own picture');
    now += 600;
    assert.notEqual(await source.get('x'), a);
    assert.equal(calls.length, 3);
  });
});
