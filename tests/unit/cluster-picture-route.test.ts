// GET /api/cluster against the real sandbox backend: the cluster is created and filled through real bash (our k3d,
// the real kubectl), and the route reads it back through kubectl with the learner's environment.
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {clusterPicture, type ClusterPicture} from '../../src/core/protocol/cluster-picture';
import {LOCAL_LEARNER} from '../../server/backends/types';
import {ClusterPictureSource} from '../../server/cluster-picture/picture-source';
import {silentLogger} from '../../server/config/logger';
import {startLabServer, type LabServer} from '../../server/http/server';
import {manifestIndex} from '../../server/manifests/load';
import {NO_KUBECTL, startBackend, type BackendHarness} from '../fixtures/sandbox-backend/harness';

const TOKEN = 'cluster-picture-token-0123456789';

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: sleep
  namespace: foo
spec:
  nodeSelector:
    kubernetes.io/hostname: k3d-ambient-agent-1
  containers:
  - name: sleep
    image: curlimages/curl:8.16.0
    command: ["sleep", "infinity"]
`;

describe('GET /api/cluster (sandbox backend)', {skip: NO_KUBECTL}, () => {
  let h: BackendHarness;
  let lab: LabServer;
  let dir: string;

  const picture = async (): Promise<ClusterPicture> => {
    const res = await fetch(new URL('/api/cluster', lab.url), {headers: {Authorization: `Bearer ${TOKEN}`}});
    assert.equal(res.status, 200);
    return clusterPicture.parse(await res.json());
  };
  // The route reuses a picture for 1 s; the pictures' clock is the test's, so moving it past that makes the next
  // read see what the shell just did, without waiting.
  let now = Date.now();
  const settle = () => (now += 1_000);

  before(async () => {
    h = await startBackend();
    dir = mkdtempSync(path.join(tmpdir(), 'cluster-picture-'));
    lab = await startLabServer({
      port: 0,
      token: TOKEN,
      siteDir: dir,
      stateDir: h.stateDir,
      logger: silentLogger(),
      manifests: manifestIndex(new Map()),
      backendInstance: h.backend,
      clusterPictures: new ClusterPictureSource(h.backend, {now: () => now}),
      sessions: {
        create: () => Promise.reject(new Error('no sessions in this test')),
        get: () => undefined,
        attach() {},
        detach() {},
        closeAll() {},
      },
    });
  });
  after(async () => {
    await lab?.close(); // disposes the backend too
    rmSync(h.stateDir, {recursive: true, force: true});
    rmSync(dir, {recursive: true, force: true});
  });

  it('needs the token, like every /api route', async () => {
    const res = await fetch(new URL('/api/cluster', lab.url));
    assert.equal(res.status, 401);
  });

  it('before k3d cluster create: an empty picture that says why', async () => {
    const p = await picture();
    assert.equal(p.backend, 'sandbox');
    assert.equal(p.unavailable?.code, 'no-cluster');
    assert.ok(p.unavailable.message.length > 0);
    assert.deepEqual([p.nodes, p.namespaces, p.unscheduled], [[], [], []]);
  });

  it('shows the nodes, a pod on the node it was scheduled to, and each namespace mode', async () => {
    const made = await h.sh(
      LOCAL_LEARNER,
      [
        "k3d cluster create ambient --agents 4 --k3s-arg '--disable=traefik@server:*' >/dev/null",
        'kubectl create namespace foo && kubectl label namespace foo istio-injection=enabled',
        'kubectl create namespace bar-1 && kubectl label namespace bar-1 istio.io/dataplane-mode=ambient',
        'kubectl create namespace bar-2 && kubectl label namespace bar-2 istio.io/dataplane-mode=ambient istio.io/use-waypoint=waypoint',
        'kubectl apply -f - && kubectl wait -n foo pod/sleep --for=condition=Ready --timeout=20s',
      ].join(' && '),
      {input: POD, timeoutMs: 60_000},
    );
    assert.equal(made.code, 0, made.stderr);
    settle();
    const p = await picture();
    assert.equal(p.unavailable, undefined);
    assert.deepEqual(
      p.nodes.map((n) => [n.name, n.role, n.ready]),
      [
        ['k3d-ambient-server-0', 'control-plane', true],
        ['k3d-ambient-agent-0', 'agent', true],
        ['k3d-ambient-agent-1', 'agent', true],
        ['k3d-ambient-agent-2', 'agent', true],
        ['k3d-ambient-agent-3', 'agent', true],
      ],
    );
    const agent1 = p.nodes.find((n) => n.name === 'k3d-ambient-agent-1')!;
    const sleep = agent1.pods.find((pod) => pod.namespace === 'foo' && pod.name === 'sleep');
    assert.ok(sleep, `sleep on agent-1: ${JSON.stringify(agent1.pods)}`);
    assert.deepEqual(
      [sleep.phase, sleep.status, sleep.ready, sleep.readyContainers, sleep.totalContainers],
      ['Running', 'Running', true, 1, 1],
    );
    assert.ok(
      p.nodes.some((n) => n.pods.some((pod) => pod.namespace === 'kube-system')),
      'the system pods are there too',
    );
    const mode = Object.fromEntries(p.namespaces.map((n) => [n.name, n.mode]));
    assert.deepEqual(
      [mode.foo, mode['bar-1'], mode['bar-2'], mode.default],
      ['sidecar', 'ambient', 'ambient+waypoint', 'none'],
    );
    assert.equal(p.namespaces.find((n) => n.name === 'bar-2')?.waypoint, 'waypoint');
  });

  it("adds the mesh's last request path", async () => {
    const sandbox = await h.backend.sandboxFor(LOCAL_LEARNER);
    sandbox.runningMesh!.traffic.record({
      at: new Date().toISOString(),
      from: {namespace: 'foo', pod: 'sleep', node: 'k3d-ambient-agent-1'},
      method: 'GET',
      url: 'http://helloworld.bar-2:5000/hello',
      result: 200,
      hops: [
        {kind: 'sidecar-outbound', namespace: 'foo', pod: 'sleep', node: 'k3d-ambient-agent-1'},
        {kind: 'waypoint', namespace: 'bar-2', pod: 'waypoint-abc', node: 'k3d-ambient-server-0'},
        {kind: 'ztunnel-inbound', namespace: 'istio-system', pod: 'ztunnel-xyz', node: 'k3d-ambient-agent-3'},
        {kind: 'app', namespace: 'bar-2', pod: 'helloworld-v1', node: 'k3d-ambient-agent-3'},
      ],
    });
    settle();
    const p = await picture();
    assert.deepEqual(
      p.lastRequest?.hops.map((hop) => hop.kind),
      ['sidecar-outbound', 'waypoint', 'ztunnel-inbound', 'app'],
    );
    assert.equal(p.lastRequest?.result, 200);
  });

  it('after k3d cluster delete: empty again', async () => {
    const r = await h.sh(LOCAL_LEARNER, 'k3d cluster delete ambient >/dev/null');
    assert.equal(r.code, 0, r.stderr);
    settle();
    const p = await picture();
    assert.ok(p.unavailable, 'no cluster to read');
    assert.equal(p.nodes.length, 0);
    assert.equal(p.lastRequest, undefined);
  });
});
