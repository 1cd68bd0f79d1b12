import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import type {KubeObject} from '../../server/backends/sandbox/api';
import type {Mesh} from '../../server/backends/sandbox/mesh/index';
import {ManualClock} from '../../server/backends/sandbox/kit/clock';
import {effectiveMtls, STATIC_STRICT_POLICY} from '../../server/backends/sandbox/mesh/peer-authentication';
import {seededRng} from '../../server/backends/sandbox/mesh/routing';
import {installPodRuntime, type NetworkModel, type PodRuntime} from '../../server/backends/sandbox/runtime/index';
import {startHarness, type Harness, NO_KUBECTL} from '../fixtures/sandbox/harness';
import {buildWalkthrough} from '../fixtures/sandbox-mesh/walkthrough';

const pa = (ns: string, name: string, spec: Record<string, unknown>, created = '2026-01-01T00:00:00Z'): KubeObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: {name, namespace: ns, creationTimestamp: created},
  spec,
});
const world = (ps: KubeObject[]) => ({
  peerAuthentications: ps,
  istio: {installed: true, hub: '', tag: '', cni: true, rootNamespace: 'istio-system'},
});
const httpbin: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {name: 'h', namespace: 'bar-1', labels: {app: 'httpbin'}},
};

describe('PeerAuthentication: the effective mode (pure)', () => {
  it('defaults to PERMISSIVE; namespace-wide and mesh-wide STRICT become the static converted policy', () => {
    assert.deepEqual(effectiveMtls(world([]), httpbin, 8080), {mode: 'PERMISSIVE'});
    const strictNs = effectiveMtls(world([pa('bar-1', 'default', {mtls: {mode: 'STRICT'}})]), httpbin, 8080);
    assert.deepEqual(strictNs.policy, {namespace: 'istio-system', name: STATIC_STRICT_POLICY});
    const mesh = effectiveMtls(world([pa('istio-system', 'default', {mtls: {mode: 'STRICT'}})]), httpbin, 8080);
    assert.equal(mesh.mode, 'STRICT');
    // another namespace's policy does not apply
    assert.equal(
      effectiveMtls(world([pa('bar-2', 'default', {mtls: {mode: 'STRICT'}})]), httpbin, 8080).mode,
      'PERMISSIVE',
    );
  });

  it('the workload overrides its namespace, the namespace the mesh; UNSET inherits; DISABLE is ignored', () => {
    const ps = [
      pa('istio-system', 'default', {mtls: {mode: 'STRICT'}}),
      pa('bar-1', 'default', {mtls: {mode: 'PERMISSIVE'}}),
    ];
    assert.equal(effectiveMtls(world(ps), httpbin, 8080).mode, 'PERMISSIVE');
    const unset = [pa('istio-system', 'default', {mtls: {mode: 'STRICT'}}), pa('bar-1', 'default', {})];
    assert.equal(effectiveMtls(world(unset), httpbin, 8080).mode, 'STRICT');
    const disabled = [
      pa('bar-1', 'default', {mtls: {mode: 'STRICT'}}),
      pa('bar-1', 'httpbin', {selector: {matchLabels: {app: 'httpbin'}}, mtls: {mode: 'DISABLE'}}),
    ];
    assert.equal(effectiveMtls(world(disabled), httpbin, 8080).mode, 'STRICT');
    const workload = [
      pa('bar-1', 'default', {mtls: {mode: 'STRICT'}}),
      pa('bar-1', 'httpbin', {selector: {matchLabels: {app: 'httpbin'}}, mtls: {mode: 'PERMISSIVE'}}),
    ];
    assert.equal(effectiveMtls(world(workload), httpbin, 8080).mode, 'PERMISSIVE');
  });

  it('a port-level STRICT is its own converted policy, for that port only', () => {
    const ps = [
      pa('bar-1', 'httpbin', {selector: {matchLabels: {app: 'httpbin'}}, portLevelMtls: {8080: {mode: 'STRICT'}}}),
    ];
    assert.deepEqual(effectiveMtls(world(ps), httpbin, 8080), {
      mode: 'STRICT',
      policy: {namespace: 'bar-1', name: 'converted_peer_authentication_httpbin'},
    });
    assert.equal(effectiveMtls(world(ps), httpbin, 9090).mode, 'PERMISSIVE');
  });
});

// What the STRICT page runs, through the real kubectl: a plaintext client is accepted, then refused once the
// namespace is STRICT (curl exit 56, ztunnel names the converted policy), while the mesh client still passes.
describe('PeerAuthentication STRICT through kubectl', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  let rt: PodRuntime;
  let mesh: Mesh;
  const k = (args: string[], input?: string) => h.kubectl('mtls', args, input === undefined ? {} : {input});
  const SLEEP = 'sleep-7656cf8794-lxcmx';

  before(async () => {
    const clock = new ManualClock();
    h = await startHarness({clock});
    let network: NetworkModel | undefined;
    rt = installPodRuntime(h.api, {
      clock,
      network: (x) => ({request: (req) => (network ??= mesh.network(x, {rng: seededRng(3)})).request(req)}),
    });
    const sb = h.api.sandboxes.create('mtls');
    mesh = buildWalkthrough(sb.store, clock, {
      appendLog: (ns, pod, c, line, t) => void rt.appendLog('mtls', ns, pod, c, line, t),
    });
  });
  after(async () => {
    mesh?.dispose();
    rt?.dispose();
    await h?.close();
  });

  it('accepts plaintext while PERMISSIVE and logs it without identities on the plain port', async () => {
    const r = await k([
      'exec',
      '-n',
      'plain',
      'outsider',
      '--',
      'curl',
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      'http://httpbin.bar-1:8000/get',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '200');
    const line = (await k(['logs', '-n', 'istio-system', 'ztunnel-agent1'])).stdout.trim().split('\n').at(-1)!;
    assert.match(
      line,
      /\tinfo\taccess\tconnection complete\tsrc\.addr=10\.42\.3\.5:\d+ .*dst\.addr=10\.42\.2\.9:8080 /,
    );
    assert.doesNotMatch(line, /src\.identity=/);
  });

  it('refuses plaintext once STRICT: exit 56, and ztunnel names istio-system/istio_converted_static_strict', async () => {
    const applied = await k(
      ['apply', '-f', '-'],
      'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: bar-1\nspec:\n  mtls:\n    mode: STRICT\n',
    );
    assert.equal(applied.stdout.trim(), 'peerauthentication.security.istio.io/default created');
    const r = await k(['exec', '-n', 'plain', 'outsider', '--', 'curl', '-sS', 'http://httpbin.bar-1:8000/get']);
    assert.equal(r.code, 56);
    assert.match(r.stderr, /^curl: \(56\) Recv failure: Connection reset by peer$/m);
    const line = (await k(['logs', '-n', 'istio-system', 'ztunnel-agent1'])).stdout.trim().split('\n').at(-1)!;
    assert.match(
      line,
      /\terror\taccess\tconnection complete\t.*direction="inbound".* error="connection closed due to policy rejection: explicitly denied by: istio-system\/istio_converted_static_strict"$/,
    );
    const mtls = await k([
      'exec',
      '-n',
      'foo',
      SLEEP,
      '--',
      'curl',
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      'http://httpbin.bar-1:8000/get',
    ]);
    assert.equal(mtls.stdout, '200');
    const removed = await k(['delete', 'peerauthentication', 'default', '-n', 'bar-1']);
    assert.match(removed.stdout, /peerauthentication\.security\.istio\.io "default" deleted/);
    const again = await k([
      'exec',
      '-n',
      'plain',
      'outsider',
      '--',
      'curl',
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      'http://httpbin.bar-1:8000/get',
    ]);
    assert.equal(again.stdout, '200');
  });

  it('an L4 policy that admits only the waypoint refuses the plaintext bypass and passes traffic through the waypoint; a sidecar client, which skips the waypoint, is refused', async () => {
    const before = await k([
      'exec',
      '-n',
      'plain',
      'outsider',
      '--',
      'curl',
      '-s',
      'http://helloworld.bar-2:5000/hello',
    ]);
    assert.match(before.stdout, /^Hello version: v[12]/);
    const applied = await k(
      ['apply', '-f', '-'],
      [
        'apiVersion: security.istio.io/v1',
        'kind: AuthorizationPolicy',
        'metadata: {name: helloworld-waypoint-only, namespace: bar-2}',
        'spec:',
        '  selector: {matchLabels: {app: helloworld}}',
        '  action: ALLOW',
        '  rules: [{from: [{source: {principals: [cluster.local/ns/bar-2/sa/waypoint]}}]}]',
        '',
      ].join('\n'),
    );
    assert.equal(applied.stdout.trim(), 'authorizationpolicy.security.istio.io/helloworld-waypoint-only created');
    const bypass = await k([
      'exec',
      '-n',
      'plain',
      'outsider',
      '--',
      'curl',
      '-sS',
      'http://helloworld.bar-2:5000/hello',
    ]);
    assert.equal(bypass.code, 56);
    const line = (await k(['logs', '-n', 'istio-system', 'ztunnel-agent3'])).stdout.trim().split('\n').at(-1)!;
    assert.match(
      line,
      /src\.namespace="plain".* error="connection closed due to policy rejection: allow policies exist, but none allowed"$/,
    );
    const via = await k([
      'exec',
      '-n',
      'bar-1',
      'curl-5b549b49b8-x2x9k',
      '--',
      'curl',
      '-s',
      'http://helloworld.bar-2:5000/hello',
    ]);
    assert.match(via.stdout, /^Hello version: v[12]/);
    // a sidecar client does not use the waypoint: its tunnel carries sleep's identity and is refused too, which its
    // own Envoy turns into a 503
    const side = await k([
      'exec',
      '-n',
      'foo',
      SLEEP,
      '--',
      'curl',
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      'http://helloworld.bar-2:5000/hello',
    ]);
    assert.equal(side.stdout, '503');
    const refused = (await k(['logs', '-n', 'istio-system', 'ztunnel-agent3'])).stdout.trim().split('\n').at(-1)!;
    assert.match(
      refused,
      /src\.identity="spiffe:\/\/cluster\.local\/ns\/foo\/sa\/sleep".* error="connection closed due to policy rejection: allow policies exist, but none allowed"$/,
    );
    await k(['delete', 'authorizationpolicy', 'helloworld-waypoint-only', '-n', 'bar-2']);
  });
});
