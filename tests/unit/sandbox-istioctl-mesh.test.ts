import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import type {KubeObject} from '../../server/backends/sandbox/api/types';
import {eventually, installGatewayApi, startIstioHarness, type IstioHarness} from '../fixtures/sandbox-istio/harness';
import {getOf, listOf, mustType} from '../../server/backends/sandbox/api/kinds';
import {waypointChildren} from '../../server/backends/sandbox/mesh/waypoint-controller';

// analyze, waypoint, ztunnel-config and proxy-status read what the store holds. The waypoint Deployment and its
// Programmed status belong to the mesh controllers; where those are absent the test writes the status itself.
const ns = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {name, labels},
});
const deploy = (
  name: string,
  namespace: string,
  containers = [{name, image: 'docker.io/curlimages/curl:8.16.0', command: ['/bin/sleep', 'infinity']}],
): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {name, namespace},
  spec: {
    replicas: 1,
    selector: {matchLabels: {app: name}},
    template: {metadata: {labels: {app: name}}, spec: {containers}},
  },
});
const service = (name: string, namespace: string, port: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {name, namespace},
  spec: {selector: {app: name}, ports: [{name: 'http', port, targetPort: port}]},
});

describe('istioctl analyze, waypoint, ztunnel-config, proxy-status', () => {
  let h: IstioHarness;
  const create = (kind: Parameters<typeof mustType>[1], o: KubeObject) => h.store.create(mustType(h.store, kind), o);
  const running = (namespace: string) =>
    listOf(h.store, 'pods', {namespace}).filter(
      (p) => (p.status as {phase?: string})?.phase === 'Running' && (p.status as {podIP?: string}).podIP,
    );

  before(async () => {
    h = await startIstioHarness();
    assert.equal((await h.run('install --set profile=ambient --set values.global.platform=k3d -y')).code, 0);
    create('namespaces', ns('bar-1', {'istio.io/dataplane-mode': 'ambient'}));
    create('namespaces', ns('bar-2', {'istio.io/dataplane-mode': 'ambient'}));
    create('namespaces', ns('foo', {'istio-injection': 'enabled'}));
    create('namespaces', ns('both', {'istio-injection': 'enabled', 'istio.io/dataplane-mode': 'ambient'}));
    create('deployments', deploy('httpbin', 'bar-1'));
    create('services', service('httpbin', 'bar-1', 8000));
    create('deployments', deploy('helloworld', 'bar-2'));
    create('services', service('helloworld', 'bar-2', 5000));
    create(
      'deployments',
      deploy('sleep', 'foo', [
        {name: 'sleep', image: 'docker.io/curlimages/curl:8.16.0', command: ['/bin/sleep', 'infinity']},
        {name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.29.8', command: []},
      ]),
    );
    create('deployments', deploy('legacy', 'both'));
    await eventually(() => ['bar-1', 'bar-2', 'foo', 'both'].every((n) => running(n).length === 1));
  });
  after(async () => h?.close());

  it('analyze: a clean ambient namespace', async () => {
    const r = await h.run('analyze -n bar-1');
    assert.equal(r.code, 0);
    // analyze.go prints fmt.Fprintln(stdout, output) whatever the output: a blank line when there is none
    assert.equal(r.stdout, '\n');
    assert.equal(r.stderr, '✔ No validation issues found when analyzing namespace: bar-1.\n');
  });

  it('analyze: default is not enabled for injection (Info, exit 0)', async () => {
    const r = await h.run('analyze');
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      "Info [IST0102] (Namespace default) The namespace is not enabled for Istio injection. Run 'kubectl label namespace default istio-injection=enabled' to enable it, or 'kubectl label namespace default istio-injection=disabled' to explicitly mark it as not needing injection.\n",
    );
  });

  it('analyze: injection and ambient on one namespace — injection wins, so its proxy-less pod is reported (a Warning: exit 0 unless --failure-threshold Warning)', async () => {
    const pod = String(running('both')[0]!.metadata.name);
    const r = await h.run('analyze -n both');
    const warning = `Warning [IST0103] (Pod both/${pod}) The pod both/${pod} is missing the Istio proxy. This can often be resolved by restarting or redeploying the workload.\n`;
    // the default failure threshold is Error (analyze.go failureThreshold, 1.29.6)
    assert.equal(r.code, 0);
    assert.equal(r.stdout, warning);
    assert.equal(r.stderr, '');
    const strict = await h.run('analyze -n both --failure-threshold Warning');
    assert.equal(strict.code, 79);
    assert.equal(strict.stdout, warning);
    assert.equal(
      strict.stderr,
      'Error: Analyzers found issues when analyzing namespace: both.\nSee https://istio.io/v1.29/docs/reference/config/analysis for more information about causes and resolutions.\n',
    );
    const all = await h.run('analyze -A --failure-threshold WARNING');
    assert.equal(all.code, 79);
    assert.match(all.stderr, /when analyzing all namespaces\./);
  });

  it('waypoint generate prints the Gateway exactly as the walkthrough shows it', async () => {
    const r = await h.run('waypoint generate --for service -n bar-2');
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  labels:\n    istio.io/waypoint-for: service\n  name: waypoint\n  namespace: bar-2\n' +
        'spec:\n  gatewayClassName: istio-waypoint\n  listeners:\n  - name: mesh\n    port: 15008\n    protocol: HBONE\n',
    );
  });

  it('waypoint apply before the Gateway API CRDs: the real error', async () => {
    const r = await h.run('waypoint apply -n bar-2');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: missing Kubernetes Gateway CRDs need to be installed before applying a waypoint/);
  });

  it('waypoint apply --enroll-namespace creates the Gateway and labels the namespace', async () => {
    await installGatewayApi(h.store);
    const r = await h.run('waypoint apply -n bar-2 --enroll-namespace');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      '✅ waypoint bar-2/waypoint applied\n✅ namespace bar-2 labeled with "istio.io/use-waypoint: waypoint"\n',
    );
    const gw = getOf(h.store, 'gateways', 'bar-2', 'waypoint')!;
    assert.equal((gw.spec as {gatewayClassName: string}).gatewayClassName, 'istio-waypoint');
    assert.equal(
      getOf(h.store, 'namespaces', undefined, 'bar-2')!.metadata.labels!['istio.io/use-waypoint'],
      'waypoint',
    );
  });

  it('waypoint apply: the ambient warning comes with --enroll-namespace only; an enrolled namespace needs --overwrite', async () => {
    // waypoint.go (1.29.6) checks the namespace's labels under `if enrollNamespace`
    const r = await h.run('waypoint apply -n foo --name wp --for workload');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '✅ waypoint foo/wp applied\n');
    // enrolled already (any waypoint, this one too): a warning, nothing applied, and RunE returns nil
    const again = await h.run('waypoint apply -n bar-2 --name other --enroll-namespace');
    assert.equal(again.code, 0);
    assert.equal(
      again.stdout,
      '⚠️ Warning: namespace (bar-2) already has an enrolled Waypoint. Consider adding the `--overwrite` flag to your apply command.\n',
    );
    assert.equal(getOf(h.store, 'gateways', 'bar-2', 'other'), undefined);
    const missing = await h.run('waypoint apply -n nowhere');
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error: namespace: nowhere not found\n');
  });

  it('waypoint list and status (Programmed set by the mesh controller)', async () => {
    assert.equal(
      (await h.run('waypoint list -n bar-2')).stdout,
      'NAME         REVISION     TRAFFIC TYPE     PROGRAMMED\nwaypoint     default      none             False\n',
    );
    const gwType = mustType(h.store, 'gateways');
    const gw = h.store.get(gwType, 'bar-2', 'waypoint')!;
    if (!(gw.status as {conditions?: unknown[]} | undefined)?.conditions?.length) {
      h.store.updateStatus(gwType, {
        ...gw,
        status: {
          conditions: [
            {
              type: 'Programmed',
              status: 'True',
              reason: 'Programmed',
              message: 'Resource programmed, assigned to service(s) waypoint.bar-2.svc.cluster.local:15008',
              lastTransitionTime: new Date().toISOString(),
              observedGeneration: 1,
            },
          ],
        },
      });
    }
    const list = await h.run('waypoint list -A');
    assert.deepEqual(list.stdout.split('\n')[0]!.split(/\s{2,}/), [
      'NAMESPACE',
      'NAME',
      'REVISION',
      'TRAFFIC TYPE',
      'PROGRAMMED',
    ]);
    assert.match(list.stdout, /^bar-2\s+waypoint\s+default\s+none\s+True$/m);
    const st = await h.run('waypoint status -n bar-2');
    assert.equal(st.stdout.split('\n')[0], 'NAME         STATUS     TYPE           REASON         MESSAGE');
    assert.match(st.stdout, /^waypoint {5}True {7}Programmed {5}Programmed {5}Resource programmed/m);
    assert.equal((await h.run('waypoint list -n default')).stdout, 'No waypoints found.\n');
  });

  it('ztunnel-config workloads: every pod, HBONE for ambient-captured ones, TCP otherwise', async () => {
    const r = await h.run('zc workloads');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.deepEqual(lines[0]!.split(/\s+/), ['NAMESPACE', 'POD', 'NAME', 'ADDRESS', 'NODE', 'WAYPOINT', 'PROTOCOL']);
    const row = (n: string) => lines.find((l) => l.startsWith(`${n} `))!.split(/\s+/);
    const httpbin = running('bar-1')[0]!;
    assert.deepEqual(row('bar-1'), [
      'bar-1',
      String(httpbin.metadata.name),
      (httpbin.status as {podIP: string}).podIP,
      (httpbin.spec as {nodeName: string}).nodeName,
      'None',
      'HBONE',
    ]);
    assert.equal(row('foo').at(-1), 'TCP', 'a sidecar pod is not captured by ztunnel');
    assert.equal(row('both').at(-1), 'TCP', 'injection wins over ambient');
    assert.equal(row('istio-system').at(-1), 'TCP');
    // tabwriter padding 1: the NAMESPACE column is as wide as its widest cell plus one space
    const w = Math.max(...lines.map((l) => l.split(' ')[0]!.length)) + 1;
    assert.equal(lines[0]!.indexOf('POD NAME'), w);
    const only = await h.run('ztunnel-config workload --workload-namespace bar-1');
    assert.equal(only.stdout.trimEnd().split('\n').length, 2);
  });

  it('ztunnel-config workloads: an EndpointSlice address no Pod stands behind is a TCP workload named after its Service', async () => {
    // what the API server keeps for default/kubernetes (a selector-less Service)
    create('endpointslices', {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {name: 'outside', namespace: 'bar-1', labels: {'kubernetes.io/service-name': 'outside'}},
      addressType: 'IPv4',
      endpoints: [{addresses: ['172.20.0.3'], conditions: {ready: true}}],
      ports: [{name: 'https', port: 6443, protocol: 'TCP'}],
    } as unknown as KubeObject);
    const r = await h.run('zc workloads --workload-namespace bar-1');
    const row = r.stdout.split('\n').find((l) => l.startsWith('bar-1 ') && l.includes(' outside '));
    assert.ok(row, r.stdout);
    assert.deepEqual(row.trim().split(/\s+/), ['bar-1', 'outside', '172.20.0.3', 'None', 'TCP']);
    assert.equal((await h.run('zc workloads --workload-node k3d-lab-agent-1')).stdout.includes(' outside '), false);
    h.store.delete(mustType(h.store, 'endpointslices'), 'bar-1', 'outside');
  });

  it('ztunnel-config services: the waypoint a service uses, healthy/total endpoints', async () => {
    const r = await h.run('zc services --service-namespace bar-2');
    const lines = r.stdout.trimEnd().split('\n');
    assert.deepEqual(lines[0]!.split(/\s+/), [
      'NAMESPACE',
      'SERVICE',
      'NAME',
      'SERVICE',
      'VIP',
      'WAYPOINT',
      'ENDPOINTS',
    ]);
    const svc = getOf(h.store, 'services', 'bar-2', 'helloworld')!;
    assert.deepEqual(lines[1]!.split(/\s+/), [
      'bar-2',
      'helloworld',
      (svc.spec as {clusterIP: string}).clusterIP,
      'waypoint',
      '1/1',
    ]);
  });

  it('ztunnel-config services: a waypoint is not its own waypoint, though its namespace uses it', async () => {
    // the Service istiod deploys for the bar-2 waypoint (this harness runs no mesh controllers)
    const gw = getOf(h.store, 'gateways', 'bar-2', 'waypoint')!;
    const {service: wpSvc} = waypointChildren(gw, 'docker.io/istio/proxyv2:1.29.8');
    create('services', {...wpSvc, spec: {...(wpSvc.spec as object), clusterIP: '10.43.200.8'}});
    // istiod's fetchWaypointForService skips gateway.istio.io/managed=istio.io-mesh-controller
    const r = await h.run('zc services --service-namespace bar-2');
    const own = r.stdout.split('\n').find((l) => l.split(/\s+/)[1] === 'waypoint');
    assert.ok(own, r.stdout);
    assert.deepEqual(own.split(/\s+/).slice(0, 4), ['bar-2', 'waypoint', '10.43.200.8', 'None']);
    const json = await h.run('zc services --service-namespace bar-2 -o json');
    const doc = JSON.parse(json.stdout) as {name: string; waypoint?: {destination: string}}[];
    assert.equal(doc.find((s) => s.name === 'waypoint')?.waypoint, undefined);
    assert.equal(
      doc.find((s) => s.name === 'helloworld')?.waypoint?.destination,
      'bar-2/waypoint.bar-2.svc.cluster.local',
    );
    h.store.delete(mustType(h.store, 'services'), 'bar-2', 'waypoint');
  });

  it('ztunnel-config certificates: Leaf and Root per identity on the node', async () => {
    const node = (running('bar-1')[0]!.spec as {nodeName: string}).nodeName;
    const r = await h.run(['zc', 'certificates', '--node', node]);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^CERTIFICATE NAME\s+TYPE\s+STATUS\s+VALID CERT\s+SERIAL NUMBER\s+NOT AFTER\s+NOT BEFORE$/);
    assert.match(
      r.stdout,
      /^spiffe:\/\/cluster\.local\/ns\/bar-1\/sa\/default\s+Leaf\s+Available\s+true\s+[0-9a-f]{32}\s+\S+Z\s+\S+Z$/m,
    );
    assert.match(r.stdout, /^spiffe:\/\/cluster\.local\/ns\/bar-1\/sa\/default\s+Root\s+Available\s+true/m);
  });

  it('ztunnel-config policies: selector and namespace policies for ztunnel, not the waypoint ones; the STRICT one', async () => {
    assert.equal((await h.run('zc policies')).stdout, 'NAMESPACE POLICY NAME ACTION SCOPE\n');
    const ap = (name: string, namespace: string, spec: Record<string, unknown>): KubeObject => ({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: {name, namespace},
      spec,
    });
    create('authorizationpolicies', ap('allow-nothing', 'bar-1', {}));
    create(
      'authorizationpolicies',
      ap('httpbin-l4', 'bar-1', {selector: {matchLabels: {app: 'httpbin'}}, action: 'DENY'}),
    );
    create(
      'authorizationpolicies',
      ap('waypoint-only', 'bar-2', {targetRefs: [{kind: 'Service', group: '', name: 'helloworld'}]}),
    );
    create('peerauthentications', {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: {name: 'default', namespace: 'bar-1'},
      spec: {mtls: {mode: 'STRICT'}},
    });
    const r = await h.run('zc policies');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'NAMESPACE    POLICY NAME                   ACTION SCOPE',
        'bar-1        allow-nothing                 Allow  Namespace',
        'bar-1        httpbin-l4                    Deny   WorkloadSelector',
        'istio-system istio_converted_static_strict Deny   WorkloadSelector',
        '',
      ].join('\n'),
    );
    const ns = await h.run('zc policy --policy-namespace istio-system -o json');
    assert.deepEqual(
      JSON.parse(ns.stdout).map((p: {name: string}) => p.name),
      ['istio_converted_static_strict'],
    );
    for (const n of ['allow-nothing', 'httpbin-l4'])
      h.store.delete(mustType(h.store, 'authorizationpolicies'), 'bar-1', n);
    h.store.delete(mustType(h.store, 'authorizationpolicies'), 'bar-2', 'waypoint-only');
    h.store.delete(mustType(h.store, 'peerauthentications'), 'bar-1', 'default');
  });

  it('ztunnel-config connections, all, and the argument errors', async () => {
    const c = await h.run('zc connections');
    assert.equal(c.stdout, 'WORKLOAD DIRECTION LOCAL REMOTE REMOTE TARGET PROTOCOL\n');
    const all = await h.run('zc all --with-headers');
    assert.equal(all.code, 0, all.stderr);
    const titles = all.stdout.split('\n').filter((l) => l.startsWith('------'));
    assert.deepEqual(titles, [
      '------ WORKLOAD INFO ------',
      '------ SERVICE INFO ------',
      '------ POLICY INFO ------',
      '------ SECRET INFO ------',
      '------ CONNECTIONS INFO ------',
    ]);
    assert.ok(all.stdout.startsWith('\n------ WORKLOAD INFO ------\n\nNAMESPACE '), all.stdout.slice(0, 80));
    const plain = await h.run('zc all');
    assert.match(plain.stdout, /^\nNAMESPACE +POD NAME/);
    const node = (running('bar-1')[0]!.spec as {nodeName: string}).nodeName;
    const both = await h.run(['zc', 'all', 'ztunnel-x', '--node', node]);
    assert.equal(both.code, 1);
    assert.equal(both.stderr, 'Error: at most one of --file, --node, or pod name must be passed\n');
    const bad = await h.run('zc workloads -o wide');
    assert.equal(bad.stderr, 'Error: output format "wide" not supported\n');
  });

  it('proxy-config cluster|listener|route|endpoint|secret of the sidecar pod; errors for others', async () => {
    const sleep = String(running('foo')[0]!.metadata.name);
    const httpbin = running('bar-1')[0]!;
    const c = await h.run(`pc clusters ${sleep}.foo`);
    assert.equal(c.code, 0, c.stderr);
    const cl = c.stdout.trimEnd().split('\n');
    assert.match(cl[0]!, /^SERVICE FQDN {5,}PORT {5,}SUBSET {5}DIRECTION {5}TYPE {5,}DESTINATION RULE$/);
    assert.match(cl[1]!, /^BlackHoleCluster\s+-\s+-\s+-\s+STATIC$/);
    assert.match(c.stdout, /^httpbin\.bar-1\.svc\.cluster\.local\s+8000\s+-\s+outbound\s+EDS$/m);
    assert.match(c.stdout, /^xds-grpc\s+-\s+-\s+-\s+STATIC$/m);
    const l = await h.run(['proxy-config', 'listeners', sleep, '-n', 'foo', '--port', '8000']);
    assert.equal(
      l.stdout,
      'ADDRESSES PORT MATCH                                DESTINATION\n' +
        '0.0.0.0   8000 Trans: raw_buffer; App: http/1.1,h2c Route: 8000\n' +
        '0.0.0.0   8000 ALL                                  PassthroughCluster\n',
    );
    const r = await h.run(`pc routes ${sleep}.foo --name 8000`);
    assert.match(
      r.stdout,
      /^8000 {5}httpbin\.bar-1\.svc\.cluster\.local:8000 {5}httpbin\.bar-1, 10\.43\.\d+\.\d+ {5}\/\*$/m,
    );
    const e = await h.run(`pc endpoints ${sleep}.foo --cluster outbound|8000||httpbin.bar-1.svc.cluster.local`);
    assert.equal(
      e.stdout.trimEnd().split('\n')[1]!.split(/\s+/).join(' '),
      `${(httpbin.status as {podIP: string}).podIP}:8000 HEALTHY outbound|8000||httpbin.bar-1.svc.cluster.local`,
    );
    const sec = await h.run(`pc secret ${sleep}.foo`);
    assert.match(sec.stdout, /^default {5,}Cert Chain {5,}ACTIVE {5,}true {5,}[0-9a-f]{32} {5}\S+Z {5}\S+Z$/m);
    const ambient = await h.run(`pc clusters ${httpbin.metadata.name}.bar-1`);
    assert.equal(ambient.code, 1);
    assert.match(ambient.stderr, /container istio-proxy is not valid for pod /);
    assert.equal((await h.run('pc clusters nope.foo')).stderr, 'Error: pods "nope" not found\n');
    assert.equal((await h.run('pc clusters')).stderr, 'Error: cluster requires pod name or --file parameter\n');
    assert.match(
      (await h.run(`pc bootstrap ${sleep}.foo`)).stderr,
      /not simulated in the Ambient Lab sandbox.*host backend/,
    );
  });

  it('x describe pod: the sidecar pod with its services and mTLS mode; an ambient pod fails as istioctl does', async () => {
    const sleep = String(running('foo')[0]!.metadata.name);
    const d = await h.run(`x describe pod ${sleep} -n foo`);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(
      d.stdout,
      [
        `Pod: ${sleep}`,
        '   Pod Revision: ',
        '   Pod does not expose ports',
        // the test's sleep has an app label but no version label
        'Suggestion: add required service revision label for Istio telemetry. See https://istio.io/latest/docs/ops/deployment/application-requirements/.',
        `Warning: No Kubernetes Services select pod ${sleep} (see https://istio.io/docs/setup/kubernetes/additional-setup/requirements/ )`,
        '--------------------',
        '--------------------',
        'Effective PeerAuthentication:',
        '   Workload mTLS mode: PERMISSIVE',
        'Skipping Gateway information (no ingress gateway pods)',
        '',
      ].join('\n'),
    );
    // --ignoreUnmeshed: no label suggestions, no Service warning (printPod returns early, describe.go 1.29.6)
    const quiet = await h.run(`x describe pod ${sleep} -n foo --ignoreUnmeshed`);
    assert.equal(
      quiet.stdout,
      d.stdout
        .split('\n')
        .filter((l) => !l.startsWith('Suggestion:') && !l.startsWith('Warning: No Kubernetes Services'))
        .join('\n'),
    );
    assert.match(
      (await h.run(`x describe pod ${sleep} -n foo --proxy-admin-port 15001`)).stderr,
      /^Error: --proxy-admin-port 15001 is not simulated in the Ambient Lab sandbox/,
    );
    const httpbin = String(running('bar-1')[0]!.metadata.name);
    const a = await h.run(`experimental describe pod ${httpbin}.bar-1`);
    assert.equal(a.code, 1);
    assert.match(a.stdout, new RegExp(`^WARNING: ${httpbin}\\.bar-1 is not part of mesh; no Istio sidecar$`, 'm'));
    assert.match(
      a.stderr,
      /^Error: failed to execute command on sidecar: .*container istio-proxy is not valid for pod/,
    );
  });

  it('proxy-status: the sidecar and the ztunnels, connected to istiod', async () => {
    const r = await h.run('proxy-status');
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0]!.replace(/\s{5,}/g, '|'), 'NAME|CLUSTER|ISTIOD|VERSION|SUBSCRIBED TYPES');
    const sleep = lines.find((l) => l.startsWith('sleep-'))!;
    assert.match(sleep, /\.foo\s+Kubernetes\s+istiod-\S+\s+1\.29\.8\s+5 \(CDS,LDS,EDS,RDS,WDS\)$/);
    assert.equal(lines.filter((l) => /^ztunnel-\S+\.istio-system\s/.test(l) && l.endsWith('2 (WADS,WDS)')).length, 3);
    // sorted by proxy ID (<pod>.<namespace>), as setupStatusPrint sorts them
    const ids = lines.slice(1).map((l) => l.split(/\s+/)[0]!);
    assert.deepEqual(ids, [...ids].sort());
  });

  it('waypoint delete: by name, unknown names reported', async () => {
    const r = await h.run('waypoint delete -n bar-2 waypoint nope');
    // deleteWaypoints reports the unknown names while it picks the waypoints, then deletes
    assert.equal(r.stdout, 'waypoint bar-2/nope not found\nwaypoint bar-2/waypoint deleted\n');
    assert.equal(getOf(h.store, 'gateways', 'bar-2', 'waypoint'), undefined);
  });

  it('waypoint apply --wait: waits for Programmed (bounded), then says it is ready', async () => {
    const gwType = mustType(h.store, 'gateways');
    const pending = h.run('waypoint apply -n bar-1 --wait', {options: {readinessTimeoutMs: 5000}});
    await eventually(() => !!h.store.get(gwType, 'bar-1', 'waypoint'));
    const gw = h.store.get(gwType, 'bar-1', 'waypoint')!;
    h.store.updateStatus(gwType, {
      ...gw,
      status: {
        conditions: [
          {
            type: 'Programmed',
            status: 'True',
            reason: 'Programmed',
            message: 'ok',
            lastTransitionTime: new Date().toISOString(),
          },
        ],
      },
    });
    const r = await pending;
    assert.equal(r.stdout, '✅ waypoint bar-1/waypoint applied\n✅ waypoint bar-1/waypoint is ready!\n');
    const timeout = await h.run('waypoint apply -n bar-2 --name slow --wait', {options: {readinessTimeoutMs: 200}});
    assert.equal(timeout.code, 1);
    assert.equal(timeout.stderr, 'Error: timed out while waiting for waypoint\tbar-2/slow\n');
  });
});
