import assert from 'node:assert/strict';
import net from 'node:net';
import {after, before, describe, it} from 'node:test';
import {PublishedPorts} from '../../server/backends/sandbox/backend/published-ports';
import type {ClusterRecord} from '../../server/backends/sandbox/cluster/cluster-record';
import {getOf, typeOf} from '../../server/backends/sandbox/api/kinds';
import type {Mesh} from '../../server/backends/sandbox/mesh/index';
import {ManualClock} from '../../server/backends/sandbox/kit/clock';
import {seededRng} from '../../server/backends/sandbox/mesh/routing';
import {installPodRuntime, type NetworkModel, type PodRuntime} from '../../server/backends/sandbox/runtime/index';
import {startHarness, type Harness, NO_KUBECTL} from '../fixtures/sandbox/harness';
import {runningPod} from '../fixtures/sandbox-mesh/cluster';
import {buildWalkthrough} from '../fixtures/sandbox-mesh/walkthrough';

// The ingress page through the real kubectl and a real HTTP client: a Gateway of class istio becomes
// <name>-istio (Deployment + LoadBalancer Service), is Programmed once ServiceLB gives the Service addresses, and a
// request on the published host port goes LB → gateway → HTTPRoute → helloworld; an unmatched path is the gateway's 404.
describe('an ingress Gateway on a published port', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  let rt: PodRuntime;
  let mesh: Mesh;
  let ports: PublishedPorts;
  let port = 0;
  const clock = new ManualClock();
  const k = (args: string[], input?: string) => h.kubectl('ingress', args, input === undefined ? {} : {input});

  before(async () => {
    h = await startHarness({clock});
    let network: NetworkModel | undefined;
    rt = installPodRuntime(h.api, {
      clock,
      network: (x) => ({request: (req) => (network ??= mesh.network(x, {rng: seededRng(5)})).request(req)}),
    });
    const sb = h.api.sandboxes.create('ingress');
    mesh = buildWalkthrough(sb.store, clock, {
      appendLog: (ns, pod, c, line, t) => void rt.appendLog('ingress', ns, pod, c, line, t),
    });
    ports = new PublishedPorts({store: () => sb.store, runtime: () => rt.sandbox('ingress')});
    const record = {
      ports: [{mapping: '0:80', hostPort: 0, containerPort: 80, nodeFilter: 'loadbalancer'}],
    } as unknown as ClusterRecord;
    [port = 0] = await ports.open(record);
  });
  after(async () => {
    await ports?.close();
    mesh?.dispose();
    rt?.dispose();
    await h?.close();
  });

  it('deploys <gateway>-istio, is Programmed with the LoadBalancer address, and routes localhost requests', async () => {
    const store = h.api.sandboxes.get('ingress')!.store;
    const applied = await k(
      ['apply', '-f', '-'],
      [
        'apiVersion: gateway.networking.k8s.io/v1',
        'kind: Gateway',
        'metadata: {name: hello-gateway, namespace: bar-2}',
        'spec:',
        '  gatewayClassName: istio',
        '  listeners: [{name: http, port: 80, protocol: HTTP}]',
        '---',
        'apiVersion: gateway.networking.k8s.io/v1',
        'kind: HTTPRoute',
        'metadata: {name: hello-ingress, namespace: bar-2}',
        'spec:',
        '  parentRefs: [{name: hello-gateway}]',
        '  rules: [{matches: [{path: {type: PathPrefix, value: /hello}}], backendRefs: [{name: helloworld, port: 5000}]}]',
        '',
      ].join('\n'),
    );
    assert.match(applied.stdout, /gateway\.gateway\.networking\.k8s\.io\/hello-gateway created/);
    clock.advance(0);
    const svc = getOf(store, 'services', 'bar-2', 'hello-gateway-istio')!;
    assert.equal((svc.spec as {type: string}).type, 'LoadBalancer');
    assert.deepEqual(
      (svc.spec as {ports: {name: string; port: number}[]}).ports.map((p) => `${p.name}:${p.port}`),
      ['status-port:15021', 'http:80'],
    );
    // not Programmed before ServiceLB gives the Service an address
    const pending = await k(['get', 'gtw', 'hello-gateway', '-n', 'bar-2', '--no-headers']);
    assert.match(pending.stdout, /^hello-gateway\s+istio\s+False\s+/);
    // what k3s's ServiceLB and the Deployment would do: addresses on the Service, a Ready gateway pod
    store.updateStatus(typeOf(store, 'services')!, {
      ...svc,
      status: {
        loadBalancer: {
          ingress: [
            {ip: '172.18.0.3', ipMode: 'VIP'},
            {ip: '172.18.0.4', ipMode: 'VIP'},
          ],
        },
      },
    });
    runningPod(store, {
      name: 'hello-gateway-istio-6d9f8b7c5-x7k2p',
      namespace: 'bar-2',
      node: 'k3d-lab-agent-2',
      ip: '10.42.3.9',
      serviceAccount: 'hello-gateway-istio',
      labels: {
        'gateway.networking.k8s.io/gateway-name': 'hello-gateway',
        'gateway.networking.k8s.io/gateway-class-name': 'istio',
        'istio.io/dataplane-mode': 'none',
      },
      containers: [{name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.29.8-distroless', ports: [80]}],
    });
    clock.advance(0);
    const gtw = await k(['get', 'gtw', 'hello-gateway', '-n', 'bar-2', '--no-headers']);
    // the first address only, as the API server prints a CRD column with several matches
    assert.match(gtw.stdout, /^hello-gateway\s+istio\s+172\.18\.0\.3\s+True\s+/);

    const hello = await fetch(`http://127.0.0.1:${port}/hello`);
    assert.equal(hello.status, 200);
    assert.match(await hello.text(), /^Hello version: v[12], instance: helloworld-v[12]-/);
    const miss = await fetch(`http://127.0.0.1:${port}/nothing-here`);
    assert.equal(miss.status, 404);
    assert.equal(miss.headers.get('server'), 'istio-envoy');

    // the gateway skipped the waypoint: the helloworld ztunnel saw the gateway's identity
    const inbound = (await k(['logs', '-n', 'istio-system', 'ztunnel-agent3'])).stdout.trim().split('\n').at(-1)!;
    assert.match(inbound, /src\.identity="spiffe:\/\/cluster\.local\/ns\/bar-2\/sa\/hello-gateway-istio"/);
    const log = await k(['logs', '-n', 'bar-2', 'hello-gateway-istio-6d9f8b7c5-x7k2p']);
    assert.match(
      log.stdout,
      /"GET \/hello HTTP\/1\.1" 200 .* outbound\|5000\|\|helloworld\.bar-2\.svc\.cluster\.local /,
    );
  });

  it('answers on the raw connection as Envoy writes: no Connection or Keep-Alive header while kept, connection: close when asked', async () => {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    // collects one answer; with untilClose, everything until the gateway closes the connection
    const exchange = (request: string, untilClose = false) =>
      new Promise<{head: string[]; closed: boolean}>((resolve) => {
        let got = '';
        const onData = (d: Buffer) => {
          got += d.toString('latin1');
          const end = got.indexOf('\r\n\r\n');
          const cl = /\r\ncontent-length: (\d+)/i.exec(got);
          if (!untilClose && end >= 0 && cl && got.length >= end + 4 + Number(cl[1])) finish(false);
        };
        const finish = (closed: boolean) => {
          socket.off('data', onData);
          socket.off('end', onEnd);
          resolve({head: got.slice(0, got.indexOf('\r\n\r\n')).split('\r\n'), closed});
        };
        const onEnd = () => finish(true);
        socket.on('data', onData);
        socket.on('end', onEnd);
        socket.write(request);
      });
    const kept = await exchange('GET /hello HTTP/1.1\r\nHost: localhost:9080\r\n\r\n');
    assert.equal(kept.head[0], 'HTTP/1.1 200 OK');
    assert.ok(!kept.head.some((l) => /^(connection|keep-alive):/i.test(l)), kept.head.join('\n'));
    assert.equal(kept.closed, false);
    const last = await exchange(
      'GET /nothing-here HTTP/1.1\r\nHost: localhost:9080\r\nConnection: close\r\n\r\n',
      true,
    );
    assert.equal(last.head[0], 'HTTP/1.1 404 Not Found');
    assert.deepEqual(
      last.head.slice(1).map((l) => l.replace(/^date: .*/, 'date: <date>')),
      ['date: <date>', 'server: istio-envoy', 'content-length: 0', 'connection: close'],
    );
    assert.equal(last.closed, true);
    socket.destroy();
  });

  it('networking.istio.io/service-type=ClusterIP: a ClusterIP Service, and the cluster hostname as the address', async () => {
    const store = h.api.sandboxes.get('ingress')!.store;
    await k(
      ['apply', '-f', '-'],
      [
        'apiVersion: gateway.networking.k8s.io/v1',
        'kind: Gateway',
        'metadata: {name: inside, namespace: bar-2}',
        'spec:',
        '  gatewayClassName: istio',
        '  listeners: [{name: http, port: 8080, protocol: HTTP}]',
        '',
      ].join('\n'),
    );
    clock.advance(0);
    assert.equal((getOf(store, 'services', 'bar-2', 'inside-istio')!.spec as {type: string}).type, 'LoadBalancer');
    // istio.io's ambient getting-started annotates its gateway this way, then lists it
    await k(['annotate', 'gateway', 'inside', '-n', 'bar-2', 'networking.istio.io/service-type=ClusterIP']);
    clock.advance(0);
    assert.equal((getOf(store, 'services', 'bar-2', 'inside-istio')!.spec as {type: string}).type, 'ClusterIP');
    const gtw = await k(['get', 'gtw', 'inside', '-n', 'bar-2', '--no-headers']);
    assert.match(gtw.stdout, /^inside\s+istio\s+inside-istio\.bar-2\.svc\.cluster\.local\s+True\s+/);
    const addresses = (getOf(store, 'gateways', 'bar-2', 'inside')!.status as {addresses: unknown}).addresses;
    assert.deepEqual(addresses, [{type: 'Hostname', value: 'inside-istio.bar-2.svc.cluster.local'}]);
    await k(['delete', 'gateway', 'inside', '-n', 'bar-2']);
  });

  it('a port no LoadBalancer Service holds closes the connection', async () => {
    const other = new PublishedPorts({store: () => h.api.sandboxes.get('ingress')!.store, runtime: () => undefined});
    try {
      const [p] = await other.open({
        ports: [{mapping: '0:443', hostPort: 0, containerPort: 443, nodeFilter: 'loadbalancer'}],
      } as unknown as ClusterRecord);
      await assert.rejects(fetch(`http://127.0.0.1:${p}/`));
    } finally {
      await other.close();
    }
  });
});
