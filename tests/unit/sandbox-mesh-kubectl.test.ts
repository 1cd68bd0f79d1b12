import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import type {KubeObject} from '../../server/backends/sandbox/api';
import type {Mesh} from '../../server/backends/sandbox/mesh/index';
import {ManualClock} from '../../server/backends/sandbox/kit/clock';
import {seededRng} from '../../server/backends/sandbox/mesh/routing';
import {installPodRuntime, type NetworkModel, type PodRuntime} from '../../server/backends/sandbox/runtime/index';
import {startHarness, type Harness, NO_KUBECTL} from '../fixtures/sandbox/harness';
import {apply} from '../fixtures/sandbox-mesh/cluster';
import {buildWalkthrough} from '../fixtures/sandbox-mesh/walkthrough';

// What a learner types, through the real kubectl: exec curl along the mesh paths, logs of ztunnel and the waypoint,
// the injected pod's READY, the Programmed waypoint, and policy failures as curl reports them.
describe('the mesh through kubectl', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  let rt: PodRuntime;
  let mesh: Mesh;
  const clock = new ManualClock();
  const k = (args: string[]) => h.kubectl('mesh', args);
  const SLEEP = 'sleep-7656cf8794-lxcmx';

  before(async () => {
    // the sandbox's controllers and mesh run on simulated time: the cluster is settled before kubectl looks
    h = await startHarness({clock});
    // the mesh is built below; the runtime asks for its network on first use (a ztunnel log line)
    let network: NetworkModel | undefined;
    rt = installPodRuntime(h.api, {
      clock,
      network: (x) => ({request: (req) => (network ??= mesh.network(x, {rng: seededRng(3)})).request(req)}),
    });
    const sb = h.api.sandboxes.create('mesh');
    mesh = buildWalkthrough(sb.store, clock, {
      appendLog: (ns, pod, c, line, t) => void rt.appendLog('mesh', ns, pod, c, line, t),
    });
  });
  after(async () => {
    mesh?.dispose();
    rt?.dispose();
    await h?.close();
  });

  it('shows the injected sleep as 2/2 and the waypoint as Programmed with its address', async () => {
    const pods = await k(['get', 'pods', '-n', 'foo']);
    assert.match(pods.stdout, new RegExp(`^${SLEEP}\\s+2/2\\s+Running`, 'm'));
    const gtw = await k(['get', 'gtw', '-n', 'bar-2']);
    assert.match(gtw.stdout, /^waypoint\s+istio-waypoint\s+10\.43\.\d+\.\d+\s+True\s+/m);
  });

  it('sleep → httpbin: Envoy headers in the answer, the inbound line in ztunnel on the httpbin node', async () => {
    const r = await k(['exec', '-n', 'foo', SLEEP, '--', 'curl', '-s', 'http://httpbin.bar-1:8000/headers']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /"X-Envoy-Attempt-Count": \[\n\s+"1"\n\s+\]/);
    // the line comes when go-httpbin closes the sidecar's idle connection, 5 s on
    clock.advance(5_000);
    const logs = await k(['logs', '-n', 'istio-system', 'ztunnel-agent1']);
    assert.match(
      logs.stdout,
      /\tinfo\taccess\tconnection complete\tsrc\.addr=10\.42\.1\.7:\d+ src\.workload="sleep-7656cf8794-lxcmx" .*direction="inbound"/,
    );
  });

  it('an ambient client reaches helloworld through the waypoint, which logs it; sleep (a sidecar) does not pass it', async () => {
    const r = await k([
      'exec',
      '-n',
      'bar-1',
      'curl-5b549b49b8-x2x9k',
      '--',
      'curl',
      '-s',
      'http://helloworld.bar-2:5000/hello',
    ]);
    assert.match(r.stdout, /^Hello version: v[12], instance: helloworld-v[12]-/);
    const logs = await k(['logs', '-n', 'bar-2', 'waypoint-5b9c7d8f4-abcde']);
    assert.match(logs.stdout, /"GET \/hello HTTP\/1\.1" 200 - via_upstream .* 10\.42\.3\.4:\d+ - default$/m);
    const before = logs.stdout.split('\n').length;
    const s = await k(['exec', '-n', 'foo', SLEEP, '--', 'curl', '-s', 'http://helloworld.bar-2:5000/hello']);
    assert.match(s.stdout, /^Hello version: v[12], instance: helloworld-v[12]-/);
    const after = await k(['logs', '-n', 'bar-2', 'waypoint-5b9c7d8f4-abcde']);
    assert.equal(after.stdout.split('\n').length, before, 'a sidecar sends to the Pod, not to the waypoint');
  });

  it('L4 deny is exit code 56, L7 deny is 403 RBAC: access denied', async () => {
    const store = h.api.sandboxes.get('mesh')!.store;
    const policy = (ns: string, name: string, spec: Record<string, unknown>): KubeObject => ({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: {name, namespace: ns},
      spec,
    });
    apply(
      store,
      'security.istio.io',
      'authorizationpolicies',
      policy('bar-1', 'allow-sleep', {
        selector: {matchLabels: {app: 'httpbin'}},
        action: 'ALLOW',
        rules: [{from: [{source: {principals: ['cluster.local/ns/foo/sa/sleep']}}]}],
      }),
    );
    const l4 = await k(['exec', '-n', 'bar-1', 'curl-5b549b49b8-x2x9k', '--', 'curl', '-s', 'http://httpbin:8000/get']);
    assert.equal(l4.code, 56);
    assert.match(l4.stderr, /command terminated with exit code 56/);
    apply(
      store,
      'security.istio.io',
      'authorizationpolicies',
      policy('bar-2', 'get-only', {
        targetRefs: [{kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'waypoint'}],
        action: 'ALLOW',
        rules: [{to: [{operation: {methods: ['GET']}}]}],
      }),
    );
    const post = ['curl', '-s', '-w', '\n%{http_code}\n', '-X', 'POST', 'http://helloworld.bar-2:5000/hello'];
    const l7 = await k(['exec', '-n', 'bar-1', 'curl-5b549b49b8-x2x9k', '--', ...post]);
    assert.equal(l7.code, 0);
    assert.equal(l7.stdout, 'RBAC: access denied\n403\n');
    // the waypoint's policy never sees a sidecar's request: helloworld answers the POST itself
    const side = await k(['exec', '-n', 'foo', SLEEP, '--', ...post]);
    assert.equal(side.code, 0);
    assert.match(side.stdout, /<title>405 Method Not Allowed<\/title>\n[^]*\n405\n$/);
  });
});
