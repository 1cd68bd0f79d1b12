import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {PodMetrics} from '../../server/backends/sandbox/runtime/metrics/pod-metrics';
import {workloadName} from '../../server/backends/sandbox/mesh/metrics';
import {isNetworkError} from '../../server/backends/sandbox/runtime/index';
import {bodyOf, statusOf, walkthrough} from '../fixtures/sandbox-mesh/walkthrough';

const SLEEP = ['foo', 'sleep-7656cf8794-lxcmx'] as const;
const CURL = ['bar-1', 'curl-5b549b49b8-x2x9k'] as const;

describe('the proxies’ metrics', () => {
  it('PodMetrics adds per label set and renders the exposition format (OpenMetrics help ends with a period)', () => {
    const m = new PodMetrics();
    m.add('istio-system', 'z', 'istio_tcp_connections_opened', 'The total', [['reporter', 'source']]);
    m.add('istio-system', 'z', 'istio_tcp_connections_opened', 'The total', [['reporter', 'source']], 2);
    m.add('istio-system', 'z', 'istio_tcp_connections_opened', 'The total', [['reporter', 'destination']]);
    assert.equal(
      m.render('istio-system', 'z', {openMetrics: true}),
      '# HELP istio_tcp_connections_opened The total.\n# TYPE istio_tcp_connections_opened counter\n' +
        'istio_tcp_connections_opened_total{reporter="source"} 3\n' +
        'istio_tcp_connections_opened_total{reporter="destination"} 1\n',
    );
    m.forget('istio-system', 'z');
    assert.equal(m.render('istio-system', 'z'), '');
  });

  it('names the workload after the Deployment behind a ReplicaSet pod', () => {
    const pod = (name: string, owner?: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        ...(owner ? {ownerReferences: [{apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: 'u'}]} : {}),
      },
    });
    assert.equal(workloadName(pod('helloworld-v1-776f57d5f6-s7zfc', 'helloworld-v1-776f57d5f6')), 'helloworld-v1');
    assert.equal(workloadName(pod('sleep-7656cf8794-lxcmx')), 'sleep');
    assert.equal(workloadName(pod('outsider')), 'outsider');
  });

  it('ztunnel counts mTLS and plaintext connections on both sides and serves them on 15020 /metrics', async () => {
    const w = walkthrough();
    try {
      assert.equal(statusOf(await w.curl(...CURL, 'http://httpbin:8000/get')), 200);
      assert.equal(statusOf(await w.curl('plain', 'outsider', 'http://httpbin.bar-1:8000/get')), 200);
      const inbound = w.rt.metrics.render('istio-system', 'ztunnel-agent1');
      assert.match(
        inbound,
        /^istio_tcp_connections_opened_total\{reporter="destination",source_workload="curl",.*source_principal="spiffe:\/\/cluster\.local\/ns\/bar-1\/sa\/curl",.*destination_workload="httpbin",.*connection_security_policy="mutual_tls"\} 1$/m,
      );
      assert.match(
        inbound,
        /source_workload="outsider",.*source_principal="unknown",.*connection_security_policy="unknown"\} 1$/m,
      );
      assert.match(
        w.rt.metrics.render('istio-system', 'ztunnel-agent2'),
        /^istio_tcp_connections_opened_total\{reporter="source",/m,
      );
      // the stats port itself, as a client in a pod reaches it
      const r = await w.curl(...SLEEP, 'http://10.42.2.2:15020/metrics');
      assert.ok(!isNetworkError(r));
      const body = bodyOf(r);
      assert.match(body, /^istio_build\{component="ztunnel",tag="[^"]+"\} 1$/m);
      assert.match(body, /^# HELP istio_tcp_connections_opened The total number of TCP connections opened\.$/m);
      assert.match(body, /# EOF\n$/);
    } finally {
      w.dispose();
    }
  });

  it('the waypoint counts requests as reporter="waypoint" with the response code', async () => {
    const w = walkthrough();
    try {
      // an ambient client: a sidecar's requests skip the waypoint
      assert.equal(statusOf(await w.curl(...CURL, 'http://helloworld.bar-2:5000/hello')), 200);
      assert.equal(statusOf(await w.curl(...SLEEP, 'http://helloworld.bar-2:5000/hello')), 200);
      const r = await w.curl(...SLEEP, 'http://10.42.0.8:15020/stats/prometheus');
      assert.doesNotMatch(bodyOf(r), /reporter="waypoint",source_workload="sleep"/);
      assert.match(
        bodyOf(r),
        /^istio_requests_total\{response_code="200",reporter="waypoint",source_workload="curl",.*destination_service="helloworld\.bar-2\.svc\.cluster\.local",.*\} 1$/m,
      );
      assert.equal(statusOf(await w.curl(...SLEEP, 'http://10.42.0.8:15020/nothing')), 404);
    } finally {
      w.dispose();
    }
  });
});
