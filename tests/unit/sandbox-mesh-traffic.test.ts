import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {isNetworkError} from '../../server/backends/sandbox/runtime/index';
import {runningPod, service} from '../fixtures/sandbox-mesh/cluster';
import {bodyOf, statusOf, walkthrough} from '../fixtures/sandbox-mesh/walkthrough';

describe('mesh traffic: sleep (sidecar, foo) → httpbin (ambient, bar-1)', () => {
  it('answers with the origin and the Envoy headers, and the httpbin node ztunnel logs inbound', async () => {
    const w = walkthrough();
    try {
      const r = await w.curl('foo', 'sleep-7656cf8794-lxcmx', 'http://httpbin.bar-1:8000/get');
      assert.equal(statusOf(r), 200);
      const body = JSON.parse(bodyOf(r));
      assert.deepEqual(Object.keys(body.headers), [
        'Accept',
        'Host',
        'User-Agent',
        'X-Envoy-Attempt-Count',
        'X-Envoy-Decorator-Operation',
        'X-Envoy-Peer-Metadata',
        'X-Envoy-Peer-Metadata-Id',
        'X-Forwarded-Proto',
        'X-Request-Id',
      ]);
      assert.deepEqual(body.headers['X-Envoy-Attempt-Count'], ['1']);
      // nothing on the way takes the sidecar's own headers off: ztunnel never parses HTTP
      assert.deepEqual(body.headers['X-Envoy-Decorator-Operation'], ['httpbin.bar-1.svc.cluster.local:8000/*']);
      assert.match(
        body.headers['X-Envoy-Peer-Metadata-Id'][0],
        /^sidecar~10\.42\.1\.7~sleep-7656cf8794-lxcmx\.foo~foo\.svc\.cluster\.local$/,
      );
      assert.match(body.origin, /^10\.42\.1\.7:\d+$/, 'ztunnel preserves the client pod IP');
      assert.ok(!isNetworkError(r));
      const h = Object.fromEntries(r.headers);
      assert.equal(h.server, 'envoy');
      // go-httpbin sends no server header: Envoy adds its own last, after the upstream time (a real curl -v)
      assert.deepEqual(
        r.headers.slice(-2).map(([k]) => k),
        ['x-envoy-upstream-service-time', 'server'],
      );
      assert.match(h['x-envoy-upstream-service-time']!, /^\d+$/);
      assert.equal(h['content-type'], 'application/json; charset=utf-8', 'Envoy lower-cases HTTP/1 header names');

      // ztunnel logs a connection when it closes: the sidecar keeps it for its next request until go-httpbin
      // closes it, idle for 5 s (Go's ReadTimeout); a request within that time reuses it
      assert.deepEqual(w.logs('istio-system', 'ztunnel-agent1', 'istio-proxy'), []);
      w.clock.advance(4_000);
      await w.curl('foo', 'sleep-7656cf8794-lxcmx', 'http://httpbin.bar-1:8000/get');
      w.clock.advance(4_999);
      assert.deepEqual(w.logs('istio-system', 'ztunnel-agent1', 'istio-proxy'), []);
      w.clock.advance(1);
      const inbound = w.logs('istio-system', 'ztunnel-agent1', 'istio-proxy');
      assert.equal(inbound.length, 1, 'one connection, one line');
      assert.match(inbound[0]!, /duration="9\d{3}ms"$/);
      assert.match(
        inbound[0]!,
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\tinfo\taccess\tconnection complete\tsrc\.addr=10\.42\.1\.7:\d+ src\.workload="sleep-7656cf8794-lxcmx" src\.namespace="foo" src\.identity="spiffe:\/\/cluster\.local\/ns\/foo\/sa\/sleep" dst\.addr=10\.42\.2\.9:15008 dst\.hbone_addr=10\.42\.2\.9:8080 dst\.service="httpbin\.bar-1\.svc\.cluster\.local" dst\.workload="httpbin-7447985f87-t8hv7" dst\.namespace="bar-1" dst\.identity="spiffe:\/\/cluster\.local\/ns\/bar-1\/sa\/httpbin" direction="inbound" bytes_sent=\d+ bytes_recv=\d+ duration="\d+ms"$/,
      );
      // a sidecar client originates HBONE itself: no ztunnel on the client node sees it
      assert.deepEqual(w.logs('istio-system', 'ztunnel-agent0', 'istio-proxy'), []);
      // the client sidecar's Envoy line (access logging on in this mesh config) and go-httpbin's own line
      const side = w.logs('foo', 'sleep-7656cf8794-lxcmx', 'istio-proxy');
      assert.match(
        side.at(-1)!,
        /^\[.*\] "GET \/get HTTP\/1\.1" 200 - via_upstream - "-" 0 \d+ \d+ \d+ "-" "curl\/8\.16\.0" "[0-9a-f-]+" "httpbin\.bar-1:8000" "envoy:\/\/connect_originate\/10\.42\.2\.9:8080" outbound\|8000\|\|httpbin\.bar-1\.svc\.cluster\.local envoy:\/\/internal_client_address\/ 10\.43\.\d+\.\d+:8000 10\.42\.1\.7:\d+ - default$/,
      );
      assert.match(w.logs('bar-1', 'httpbin-7447985f87-t8hv7', 'httpbin').at(-1)!, /msg="200 GET \/get/);
      assert.deepEqual(
        w.mesh.traffic.lastPath?.hops.map((x) => `${x.kind}@${x.node}`),
        ['sidecar-outbound@k3d-lab-agent-0', 'ztunnel-inbound@k3d-lab-agent-1', 'app@k3d-lab-agent-1'],
      );
    } finally {
      w.dispose();
    }
  });

  it('ambient curl → httpbin: no HTTP headers added, both ztunnels log, no Envoy response headers', async () => {
    const w = walkthrough();
    try {
      const r = await w.curl('bar-1', 'curl-5b549b49b8-x2x9k', 'http://httpbin:8000/headers');
      assert.equal(statusOf(r), 200);
      assert.deepEqual(Object.keys(JSON.parse(bodyOf(r)).headers), ['Accept', 'Host', 'User-Agent']);
      assert.ok(
        !isNetworkError(r) &&
          !r.headers.some(([k]) => k.toLowerCase() === 'server' || k === 'x-envoy-upstream-service-time'),
      );
      assert.match(
        w.logs('istio-system', 'ztunnel-agent2', 'istio-proxy')[0]!,
        /src\.workload="curl-5b549b49b8-x2x9k".* dst\.addr=10\.42\.2\.9:15008 dst\.hbone_addr=10\.42\.2\.9:8080 .*direction="outbound"/,
      );
      assert.match(w.logs('istio-system', 'ztunnel-agent1', 'istio-proxy')[0]!, /direction="inbound"/);
    } finally {
      w.dispose();
    }
  });
});

describe('mesh traffic: helloworld (bar-2, behind a service waypoint)', () => {
  it('an ambient client goes through the waypoint: its access line, and the waypoint as the peer of the destination ztunnel', async () => {
    const w = walkthrough();
    try {
      const r = await w.curl('bar-1', 'curl-5b549b49b8-x2x9k', 'http://helloworld.bar-2:5000/hello');
      assert.equal(statusOf(r), 200);
      assert.match(bodyOf(r), /^Hello version: v[12], instance: helloworld-v[12]-/);
      const wp = w.logs('bar-2', 'waypoint-5b9c7d8f4-abcde', 'istio-proxy');
      assert.equal(wp.length, 1);
      assert.match(
        wp[0]!,
        /^\[.*\] "GET \/hello HTTP\/1\.1" 200 - via_upstream - "-" 0 \d+ \d+ \d+ "-" "curl\/8\.16\.0" "[0-9a-f-]+" "helloworld\.bar-2:5000" "envoy:\/\/connect_originate\/10\.42\.4\.[56]:5000" inbound-vip\|5000\|http\|helloworld\.bar-2\.svc\.cluster\.local envoy:\/\/internal_client_address\/ 10\.43\.\d+\.\d+:5000 10\.42\.3\.4:\d+ - default$/,
      );
      assert.match(
        w.logs('istio-system', 'ztunnel-agent3', 'istio-proxy')[0]!,
        /src\.addr=10\.42\.0\.8:\d+ src\.workload="waypoint-5b9c7d8f4-abcde" src\.namespace="bar-2" src\.identity="spiffe:\/\/cluster\.local\/ns\/bar-2\/sa\/waypoint" .*direction="inbound"/,
      );
      assert.deepEqual(
        w.mesh.traffic.lastPath?.hops.map((x) => x.kind),
        ['ztunnel-outbound', 'waypoint', 'ztunnel-inbound', 'app'],
      );
    } finally {
      w.dispose();
    }
  });

  it('a sidecar client skips the waypoint: HBONE straight to the Pod, the destination ztunnel sees its identity', async () => {
    // Istio 1.23–1.29: findServiceWaypoint (pilot/pkg/xds/endpoints/endpoint_builder.go) only answers routers and
    // east-west gateways; a sidecar gets the Service's own endpoints as envoy://connect_originate/<pod IP>:<port>
    const w = walkthrough();
    try {
      const r = await w.curl('foo', 'sleep-7656cf8794-lxcmx', 'http://helloworld.bar-2:5000/hello');
      assert.equal(statusOf(r), 200);
      assert.match(bodyOf(r), /^Hello version: v[12], instance: helloworld-v[12]-/);
      assert.ok(
        !isNetworkError(r) && r.headers.some(([k, v]) => k === 'server' && v === 'envoy'),
        'its own Envoy answers',
      );
      assert.deepEqual(w.logs('bar-2', 'waypoint-5b9c7d8f4-abcde', 'istio-proxy'), [], 'the waypoint never sees it');
      assert.match(
        w.logs('foo', 'sleep-7656cf8794-lxcmx', 'istio-proxy').at(-1)!,
        /^\[.*\] "GET \/hello HTTP\/1\.1" 200 - via_upstream - "-" 0 \d+ \d+ \d+ "-" "curl\/8\.16\.0" "[0-9a-f-]+" "helloworld\.bar-2:5000" "envoy:\/\/connect_originate\/10\.42\.4\.[56]:5000" outbound\|5000\|\|helloworld\.bar-2\.svc\.cluster\.local envoy:\/\/internal_client_address\/ 10\.43\.\d+\.\d+:5000 10\.42\.1\.7:\d+ - default$/,
      );
      assert.match(
        w.logs('istio-system', 'ztunnel-agent3', 'istio-proxy')[0]!,
        /src\.addr=10\.42\.1\.7:\d+ src\.workload="sleep-7656cf8794-lxcmx" src\.namespace="foo" src\.identity="spiffe:\/\/cluster\.local\/ns\/foo\/sa\/sleep" dst\.addr=10\.42\.4\.[56]:15008 dst\.hbone_addr=10\.42\.4\.[56]:5000 dst\.service="helloworld\.bar-2\.svc\.cluster\.local" .*direction="inbound"/,
      );
      assert.deepEqual(
        w.mesh.traffic.lastPath?.hops.map((x) => x.kind),
        ['sidecar-outbound', 'ztunnel-inbound', 'app'],
      );
    } finally {
      w.dispose();
    }
  });

  it('to a Pod IP behind a workload waypoint: an ambient client goes through it, a sidecar client does not', async () => {
    // istiod: "sidecar/ingress do not support sending traffic directly to workloads" (buildEnvoyLbEndpoint)
    const w = walkthrough();
    try {
      const gwType = w.store.types.lookup('gateway.networking.k8s.io', 'v1', 'gateways')!;
      const gw = w.store.get(gwType, 'bar-2', 'waypoint')!;
      w.store.update(gwType, {...gw, metadata: {...gw.metadata, labels: {'istio.io/waypoint-for': 'all'}}});
      w.clock.advance(0);
      assert.equal(statusOf(await w.curl('bar-1', 'curl-5b549b49b8-x2x9k', 'http://10.42.4.5:5000/hello')), 200);
      assert.deepEqual(
        w.mesh.traffic.lastPath?.hops.map((x) => x.kind),
        ['ztunnel-outbound', 'waypoint', 'ztunnel-inbound', 'app'],
      );
      assert.equal(statusOf(await w.curl('foo', 'sleep-7656cf8794-lxcmx', 'http://10.42.4.5:5000/hello')), 200);
      assert.deepEqual(
        w.mesh.traffic.lastPath?.hops.map((x) => x.kind),
        ['sidecar-outbound', 'ztunnel-inbound', 'app'],
      );
    } finally {
      w.dispose();
    }
  });

  it('an ambient client goes ztunnel → waypoint: the outbound line names the waypoint and the service VIP', async () => {
    const w = walkthrough();
    try {
      const r = await w.curl('bar-1', 'curl-5b549b49b8-x2x9k', 'http://helloworld.bar-2:5000/hello');
      assert.equal(statusOf(r), 200);
      assert.ok(!isNetworkError(r) && r.headers.some(([k, v]) => k === 'server' && v === 'istio-envoy'));
      const out = w.logs('istio-system', 'ztunnel-agent2', 'istio-proxy')[0]!;
      assert.match(
        out,
        /dst\.addr=10\.42\.0\.8:15008 dst\.hbone_addr=10\.43\.\d+\.\d+:5000 dst\.service="helloworld\.bar-2\.svc\.cluster\.local" dst\.workload="waypoint-5b9c7d8f4-abcde"/,
      );
    } finally {
      w.dispose();
    }
  });
});

describe('mesh traffic: sidecar → sidecar', () => {
  it('the server sidecar adds XFCC with both SPIFFE IDs and the app sees 127.0.0.6 as the peer', async () => {
    const w = walkthrough();
    try {
      service(w.store, 'httpbin', 'foo', {app: 'httpbin'}, [{name: 'http', port: 8000, targetPort: 8080}]);
      runningPod(w.store, {
        name: 'httpbin-6b8f7d9c4-q2w3e',
        namespace: 'foo',
        node: 'k3d-lab-agent-2',
        ip: '10.42.3.8',
        serviceAccount: 'httpbin',
        labels: {app: 'httpbin'},
        containers: [{name: 'httpbin', image: 'docker.io/mccutchen/go-httpbin:v2.15.0', ports: [8080]}],
      });
      const r = await w.curl('foo', 'sleep-7656cf8794-lxcmx', 'http://httpbin:8000/headers');
      assert.equal(statusOf(r), 200);
      const headers = JSON.parse(bodyOf(r)).headers;
      assert.match(
        headers['X-Forwarded-Client-Cert'][0],
        /^By=spiffe:\/\/cluster\.local\/ns\/foo\/sa\/httpbin;Hash=[0-9a-f]{64};Subject="";URI=spiffe:\/\/cluster\.local\/ns\/foo\/sa\/sleep$/,
      );
      assert.deepEqual(Object.keys(headers), [
        'Accept',
        'Host',
        'User-Agent',
        'X-Envoy-Attempt-Count',
        'X-Forwarded-Client-Cert',
        'X-Forwarded-Proto',
        'X-Request-Id',
      ]);
      const ip = JSON.parse(bodyOf(await w.curl('foo', 'sleep-7656cf8794-lxcmx', 'http://httpbin:8000/ip'))).origin;
      assert.match(ip, /^127\.0\.0\.6:\d+$/);
      // no ztunnel on either side; the server sidecar's inbound line names the inbound cluster and the SNI
      assert.deepEqual(w.logs('istio-system', 'ztunnel-agent2', 'istio-proxy'), []);
      assert.match(
        w.logs('foo', 'httpbin-6b8f7d9c4-q2w3e', 'istio-proxy').at(-1)!,
        /"10\.42\.3\.8:8080" inbound\|8080\|\| 127\.0\.0\.6:\d+ 10\.42\.3\.8:8080 10\.42\.1\.7:\d+ outbound_\.8000_\._\.httpbin\.foo\.svc\.cluster\.local default$/,
      );
    } finally {
      w.dispose();
    }
  });

  it('a sidecar client to a plain pod sends its peer metadata as headers', async () => {
    const w = walkthrough();
    try {
      service(w.store, 'web', 'plain', {app: 'web'}, [{port: 8000, targetPort: 8080}]);
      runningPod(w.store, {
        name: 'web-1',
        namespace: 'plain',
        node: 'k3d-lab-agent-2',
        ip: '10.42.3.9',
        labels: {app: 'web'},
        containers: [{name: 'httpbin', image: 'docker.io/mccutchen/go-httpbin:v2.15.0', ports: [8080]}],
      });
      const headers = JSON.parse(
        bodyOf(await w.curl('foo', 'sleep-7656cf8794-lxcmx', 'http://web.plain:8000/headers')),
      ).headers;
      assert.deepEqual(headers['X-Envoy-Peer-Metadata-Id'], [
        'sidecar~10.42.1.7~sleep-7656cf8794-lxcmx.foo~foo.svc.cluster.local',
      ]);
      assert.equal(headers['X-Forwarded-Client-Cert'], undefined);
    } finally {
      w.dispose();
    }
  });
});

describe('mesh traffic: failures', () => {
  it('a plaintext client reaches an ambient pod (no identity in the inbound line); DNS and unknown ports fail as curl expects', async () => {
    const w = walkthrough();
    try {
      assert.equal(statusOf(await w.curl('plain', 'outsider', 'http://httpbin.bar-1:8000/get')), 200);
      assert.match(
        w.logs('istio-system', 'ztunnel-agent1', 'istio-proxy')[0]!,
        /src\.workload="outsider" src\.namespace="plain" dst\.addr=10\.42\.2\.9:8080 dst\.service/,
      );
      assert.equal(statusOf(await w.curl('plain', 'outsider', 'http://nope:80/')), 'dns');
      // the waypoint loses its pod: ambient clients get a reset; sidecar and plaintext clients never used it
      w.store.delete(w.store.types.lookup('', 'v1', 'pods')!, 'bar-2', 'waypoint-5b9c7d8f4-abcde');
      assert.equal(statusOf(await w.curl('foo', 'sleep-7656cf8794-lxcmx', 'http://helloworld.bar-2:5000/hello')), 200);
      assert.equal(
        statusOf(await w.curl('bar-1', 'curl-5b549b49b8-x2x9k', 'http://helloworld.bar-2:5000/hello')),
        'reset',
      );
      assert.equal(statusOf(await w.curl('plain', 'outsider', 'http://helloworld.bar-2:5000/hello')), 200);
    } finally {
      w.dispose();
    }
  });
});
