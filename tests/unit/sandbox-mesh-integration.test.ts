import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {type KubeObject} from '../../server/backends/sandbox/api';
import {startMesh, type Mesh} from '../../server/backends/sandbox/mesh/index';
import {IMAGE_CATALOG, SandboxRuntime, isNetworkError, podView} from '../../server/backends/sandbox/runtime/index';
import {eventually, installGatewayApi, startIstioHarness, type IstioHarness} from '../fixtures/sandbox-istio/harness';
import {SkippableClock} from '../fixtures/sandbox-mesh/skippable-clock';
import {getOf, listOf, typeOf} from '../../server/backends/sandbox/api/kinds';

// The whole stack on one store: the cluster controllers (scheduler, kubelet, Deployments), the real istioctl install
// and waypoint apply, the mesh controllers and injector, and the runtime's apps behind the mesh network model.
const ns = (name: string, labels: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {name, labels},
});
const deploy = (
  name: string,
  namespace: string,
  image: string,
  extra: {
    node?: string;
    sa?: string;
    labels?: Record<string, string>;
    env?: Record<string, string>;
    port?: number;
  } = {},
): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {name, namespace},
  spec: {
    replicas: 1,
    selector: {matchLabels: {app: name.replace(/-v\d$/, ''), ...extra.labels}},
    template: {
      metadata: {labels: {app: name.replace(/-v\d$/, ''), ...extra.labels}},
      spec: {
        ...(extra.sa ? {serviceAccountName: extra.sa} : {}),
        ...(extra.node ? {nodeSelector: {'kubernetes.io/hostname': extra.node}} : {}),
        containers: [
          {
            name: name.replace(/-v\d$/, ''),
            image,
            ...(extra.port ? {ports: [{containerPort: extra.port}]} : {}),
            ...(extra.env ? {env: Object.entries(extra.env).map(([k, v]) => ({name: k, value: v}))} : {}),
          },
        ],
      },
    },
  },
});
const service = (name: string, namespace: string, port: number, targetPort: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {name, namespace, labels: {app: name}},
  spec: {selector: {app: name}, ports: [{name: 'http', port, targetPort}]},
});

describe('mesh on the simulated cluster with the real istioctl', () => {
  let h: IstioHarness;
  let mesh: Mesh;
  let rt: SandboxRuntime;
  const meshClock = new SkippableClock();
  const create = (group: string, resource: string, o: KubeObject) =>
    h.store.create(h.store.types.lookup(group, 'v1', resource)!, o);
  const ready = (namespace: string, prefix: string) =>
    listOf(h.store, 'pods', {namespace}).find(
      (p) =>
        String(p.metadata.name).startsWith(prefix) &&
        (p.status as {conditions?: {type: string; status: string}[]})?.conditions?.some(
          (c) => c.type === 'Ready' && c.status === 'True',
        ),
    );

  before(async () => {
    h = await startIstioHarness({agents: 4});
    mesh = startMesh({
      store: h.store,
      clock: meshClock,
      appendLog: (n, p, c, l, t) => void rt?.appendLog(n, p, c, l, t),
    });
    rt = new SandboxRuntime(h.store, {clock: meshClock, catalog: IMAGE_CATALOG, network: (x) => mesh.network(x)});
    await installGatewayApi(h.store);
    const install = await h.run(
      'install --set profile=ambient --set values.global.platform=k3d --set meshConfig.accessLogFile=/dev/stdout -y',
    );
    assert.equal(install.code, 0, install.stderr);
    create('', 'namespaces', ns('foo', {'istio-injection': 'enabled'}));
    create('', 'namespaces', ns('bar-1', {'istio.io/dataplane-mode': 'ambient'}));
    create('', 'namespaces', ns('bar-2', {'istio.io/dataplane-mode': 'ambient'}));
    create('', 'namespaces', ns('baz', {'istio.io/dataplane-mode': 'ambient'}));
    create('apps', 'deployments', deploy('curl', 'baz', 'docker.io/curlimages/curl:8.16.0'));
    create('', 'serviceaccounts', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {name: 'sleep', namespace: 'foo'},
    });
    create(
      'apps',
      'deployments',
      deploy('sleep', 'foo', 'docker.io/curlimages/curl:8.16.0', {node: 'k3d-ambient-agent-0', sa: 'sleep'}),
    );
    create(
      'apps',
      'deployments',
      deploy('httpbin', 'bar-1', 'docker.io/mccutchen/go-httpbin:v2.15.0', {node: 'k3d-ambient-agent-1', port: 8080}),
    );
    create('', 'services', service('httpbin', 'bar-1', 8000, 8080));
    for (const v of ['v1', 'v2'])
      create(
        'apps',
        'deployments',
        deploy(`helloworld-${v}`, 'bar-2', `docker.io/istio/examples-helloworld-${v}:1.0`, {
          node: 'k3d-ambient-agent-3',
          labels: {version: v},
          env: {SERVICE_VERSION: v},
          port: 5000,
        }),
      );
    create('', 'services', service('helloworld', 'bar-2', 5000, 5000));
    const wp = await h.run('waypoint apply -n bar-2 --enroll-namespace --wait');
    assert.equal(wp.code, 0, wp.stderr);
    await eventually(
      () =>
        !!ready('foo', 'sleep-') &&
        !!ready('bar-1', 'httpbin-') &&
        !!ready('bar-2', 'waypoint-') &&
        !!ready('bar-2', 'helloworld-v2-') &&
        !!ready('baz', 'curl-'),
      20_000,
    );
  });
  after(async () => {
    rt?.dispose();
    mesh?.dispose();
    await h?.close();
  });

  it('injects sleep (2/2 running), enrols httpbin, programs the waypoint', async () => {
    const sleep = ready('foo', 'sleep-')!;
    const statuses = (sleep.status as {containerStatuses: {name: string; ready: boolean}[]}).containerStatuses;
    assert.deepEqual(statuses.map((s) => `${s.name}:${s.ready}`).sort(), ['istio-proxy:true', 'sleep:true']);
    await eventually(
      () => ready('bar-1', 'httpbin-')!.metadata.annotations?.['ambient.istio.io/redirection'] === 'enabled',
    );
    const gw = getOf(h.store, 'gateways', 'bar-2', 'waypoint')!;
    assert.ok(
      ((gw.status as {conditions: {type: string; status: string}[]}).conditions ?? []).some(
        (c) => c.type === 'Programmed' && c.status === 'True',
      ),
    );
    assert.ok(typeOf(h.store, 'gatewayclasses') && getOf(h.store, 'gatewayclasses', undefined, 'istio-waypoint'));
    const list = await h.run('waypoint list -n bar-2');
    // no --for: no istio.io/waypoint-for label, listed as "none" (istiod still treats it as service)
    assert.match(list.stdout, /waypoint\s+default\s+none\s+True/);
  });

  it('sleep → httpbin and → helloworld go straight to the Pods; an ambient client → helloworld goes through the waypoint', async () => {
    const sleep = ready('foo', 'sleep-')!;
    const getFrom = (from: KubeObject, url: string) =>
      rt.network.request({
        fromPod: podView(from),
        method: 'GET',
        url,
        headers: [
          ['Host', new URL(url).host],
          ['User-Agent', 'curl/8.16.0'],
          ['Accept', '*/*'],
        ],
        timeoutMs: 5000,
      });
    const get = (url: string) => getFrom(sleep, url);
    const r = await get('http://httpbin.bar-1:8000/get');
    assert.ok(!isNetworkError(r), JSON.stringify(r));
    assert.equal(r.status, 200);
    assert.match(r.body.toString(), /"X-Envoy-Attempt-Count"/);
    // ztunnel logs the connection when go-httpbin closes the sidecar's idle one, 5 s on
    meshClock.skip(5_000);
    const httpbin = ready('bar-1', 'httpbin-')!;
    const zt = listOf(h.store, 'pods', {namespace: 'istio-system'}).find(
      (p) =>
        p.metadata.labels?.app === 'ztunnel' &&
        (p.spec as {nodeName: string}).nodeName === (httpbin.spec as {nodeName: string}).nodeName,
    )!;
    const ztLines = rt.logs
      .container(podView(zt), 'istio-proxy')!
      .current.snapshot()
      .map((l) => l.text);
    assert.ok(
      ztLines.some((l) => /pod received, starting proxy/.test(l)),
      ztLines.join('\n'),
    );
    assert.ok(
      ztLines.some((l) => /direction="inbound"/.test(l) && l.includes(String(sleep.metadata.name))),
      ztLines.join('\n'),
    );

    // a sidecar does not send to a service waypoint (Istio 1.23–1.29): HBONE straight to the chosen Pod
    const hello = await get('http://helloworld.bar-2:5000/hello');
    assert.ok(!isNetworkError(hello));
    assert.match(hello.body.toString(), /^Hello version: v[12], instance: helloworld-v[12]-/);
    assert.deepEqual(
      mesh.traffic.lastPath?.hops.map((x) => x.kind),
      ['sidecar-outbound', 'ztunnel-inbound', 'app'],
    );
    const waypoint = ready('bar-2', 'waypoint-')!;
    const wpLines = () =>
      rt.logs
        .container(podView(waypoint), 'istio-proxy')!
        .current.snapshot()
        .map((l) => l.text);
    assert.ok(!wpLines().some((l) => l.includes('"GET /hello HTTP/1.1"')), wpLines().join('\n'));

    const ambient = await getFrom(ready('baz', 'curl-')!, 'http://helloworld.bar-2:5000/hello');
    assert.ok(!isNetworkError(ambient));
    assert.match(ambient.body.toString(), /^Hello version: v[12], instance: helloworld-v[12]-/);
    assert.ok(
      wpLines().some((l) => l.includes('"GET /hello HTTP/1.1" 200')),
      wpLines().join('\n'),
    );
    assert.deepEqual(
      mesh.traffic.lastPath?.hops.map((x) => x.kind),
      ['ztunnel-outbound', 'waypoint', 'ztunnel-inbound', 'app'],
    );
  });
});
