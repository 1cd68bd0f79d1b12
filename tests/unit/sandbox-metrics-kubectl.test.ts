import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {bootCluster, type ClusterRuntime} from '../../server/backends/sandbox/cluster/index';
import {TIMINGS} from '../../server/backends/sandbox/cluster/timings';
import {ManualClock} from '../../server/backends/sandbox/kit/clock';
import {installPodRuntime, type PodRuntime} from '../../server/backends/sandbox/runtime/index';
import {startHarness, type Harness, NO_KUBECTL, rows} from '../fixtures/sandbox/harness';
import {walkthroughSpec} from '../fixtures/sandbox-cluster/cluster-harness';
import {resolveKinds} from '../../server/backends/sandbox/api/kinds';
import {EventRecorder} from '../../server/backends/sandbox/cluster/event-recorder';
import {HPA_SYNC_MS, startHpaController} from '../../server/backends/sandbox/runtime/metrics/hpa-controller';
import type {Disposable} from '../../server/backends/sandbox/kit/disposable';

// metrics-server's API as the real kubectl reads it: `kubectl top`, `kubectl get --raw`, the discovery entry,
// on a ManualClock (metrics appear a few simulated seconds after a container starts).
const WEB = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: nginx:1.27, resources: {requests: {cpu: 50m}}}
`;

describe('metrics-server through kubectl top', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  let rt: PodRuntime;
  let cluster: ClusterRuntime;
  let hpa: Disposable;
  // kubectl judges "too new for metrics" by its own clock: start the simulated one at the real now
  const clock = new ManualClock(new Date());
  const k = (...args: string[]) => h.kubectl('m', args, {timeoutMs: 20_000});

  before(async () => {
    h = await startHarness({clock, store: {gracefulPodDeletion: true}});
    rt = installPodRuntime(h.api, {clock});
    const sb = h.api.sandboxes.create('m');
    const booting = bootCluster(sb, walkthroughSpec('m'), {clock});
    clock.advance(TIMINGS.agentJoin);
    cluster = await booting;
    const kinds = resolveKinds(sb.store);
    hpa = startHpaController({
      store: sb.store,
      clock,
      kinds,
      events: new EventRecorder(sb.store, kinds, clock),
      runtime: () => rt.sandbox('m'),
    });
  });
  after(async () => {
    hpa?.dispose();
    cluster?.dispose();
    rt?.dispose();
    await h?.close();
  });

  it('has no metrics API until metrics-server is Ready', async () => {
    const r = await k('top', 'nodes');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: Metrics API not available$/m);
    const apis = await k('api-resources', '--api-group=metrics.k8s.io');
    assert.equal(apis.stdout.trim().split('\n').length, 1, apis.stdout);
  });

  it('lists NodeMetrics and PodMetrics in discovery once it runs', async () => {
    for (let i = 0; i < 40; i++) clock.advance(250);
    const r = await k('api-resources', '--api-group=metrics.k8s.io');
    assert.deepEqual(rows(r.stdout).slice(1), [
      ['nodes', 'metrics.k8s.io/v1beta1', 'false', 'NodeMetrics'],
      ['pods', 'metrics.k8s.io/v1beta1', 'true', 'PodMetrics'],
    ]);
  });

  it('kubectl top nodes: k3s plus its pods, percent of allocatable', async () => {
    const r = await k('top', 'nodes');
    assert.equal(r.code, 0, r.stderr);
    const t = rows(r.stdout);
    assert.deepEqual(t[0], ['NAME', 'CPU(cores)', 'CPU%', 'MEMORY(bytes)', 'MEMORY%']);
    assert.deepEqual(
      t.slice(1).map((x) => x[0]),
      ['k3d-m-agent-0', 'k3d-m-agent-1', 'k3d-m-agent-2', 'k3d-m-agent-3', 'k3d-m-server-0'],
    );
    for (const x of t.slice(1)) {
      assert.match(x[1]!, /^\d+m$/);
      assert.match(x[2]!, /^\d+%$/);
      assert.match(x[3]!, /^\d+Mi$/);
    }
    const server = t.find((x) => x[0] === 'k3d-m-server-0')!;
    const agent = t.find((x) => x[0] === 'k3d-m-agent-0')!;
    // the server runs the control plane and kube-system: it uses more than an idle agent
    assert.ok(parseInt(server[1]!) > parseInt(agent[1]!), r.stdout);
    assert.ok(parseInt(server[3]!) > 500, r.stdout);
  });

  it('kubectl top pods: "metrics not available yet" for new pods, then their usage', async () => {
    const a = await h.kubectl('m', ['apply', '-f', '-'], {input: WEB});
    assert.equal(a.code, 0, a.stderr);
    for (let i = 0; i < 8; i++) clock.advance(250);
    const early = await k('top', 'pods');
    assert.equal(early.code, 1);
    assert.match(early.stderr, /^error: metrics not available yet$/m);
    clock.advance(5_000);
    const r = await k('top', 'pods');
    assert.equal(r.code, 0, r.stderr);
    const t = rows(r.stdout);
    assert.deepEqual(t[0], ['NAME', 'CPU(cores)', 'MEMORY(bytes)']);
    assert.equal(t.length, 3);
    for (const x of t.slice(1)) {
      assert.match(x[0]!, /^web-[a-z0-9]+-[a-z0-9]{5}$/);
      assert.match(x[1]!, /^\d+m$/);
      assert.match(x[2]!, /^\d+Mi$/);
    }
  });

  it('kubectl top pods -A --containers and a label selector', async () => {
    const r = await k('top', 'pods', '-A', '--containers');
    assert.equal(r.code, 0, r.stderr);
    const t = rows(r.stdout);
    assert.deepEqual(t[0], ['NAMESPACE', 'POD', 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
    const names = t.slice(1).map((x) => `${x[0]}/${x[2]}`);
    for (const c of [
      'kube-system/coredns',
      'kube-system/metrics-server',
      'kube-system/local-path-provisioner',
      'default/web',
    ])
      assert.ok(names.includes(c), `${c} in\n${r.stdout}`);
    const sel = await k('top', 'pods', '-n', 'kube-system', '-l', 'k8s-app=metrics-server', '--no-headers');
    assert.equal(rows(sel.stdout).length, 1, sel.stdout);
  });

  it('serves NodeMetrics and PodMetrics as metrics-server writes them', async () => {
    // (`get --raw` would drop the harness's /sandboxes/<name> prefix: read through the resource instead)
    const raw = await k('get', 'nodes.metrics.k8s.io', 'k3d-m-agent-0', '-o', 'json');
    assert.equal(raw.code, 0, raw.stderr);
    const node = JSON.parse(raw.stdout);
    assert.equal(node.kind, 'NodeMetrics');
    assert.match(node.usage.cpu, /^\d+n$/);
    assert.match(node.usage.memory, /^\d+Ki$/);
    assert.match(node.window, /^15(\.\d+)?s$/);
    const list = JSON.parse((await k('get', 'pods.metrics.k8s.io', '-n', 'kube-system', '-o', 'json')).stdout);
    assert.equal(list.kind, 'List');
    assert.equal(list.items[0].kind, 'PodMetrics');
    assert.ok(list.items.every((p: {containers: unknown[]}) => p.containers.length >= 1));
    const missing = await k('get', 'podmetrics', 'nope');
    assert.match(missing.stderr, /podmetrics.metrics.k8s.io "default\/nope" not found/);
  });

  it('kubectl get podmetrics prints metrics-server table columns', async () => {
    const r = await k('get', 'podmetrics', '-n', 'kube-system');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(rows(r.stdout)[0], ['NAME', 'CPU', 'MEMORY', 'WINDOW']);
  });

  it('usage is stable within a scrape and follows load', async () => {
    const first = await k('top', 'nodes', '--no-headers');
    const again = await k('top', 'nodes', '--no-headers');
    assert.equal(first.stdout, again.stdout);
  });

  it('kubectl autoscale (autoscaling/v1) without cpu requests: <unknown>/50% and FailedGetResourceMetric', async () => {
    assert.equal((await k('create', 'deployment', 'bare', '--image=nginx:1.27')).code, 0);
    for (let i = 0; i < 20; i++) clock.advance(250);
    const a = await k('autoscale', 'deploy', 'bare', '--cpu-percent=50', '--min=1', '--max=5');
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, 'horizontalpodautoscaler.autoscaling/bare autoscaled\n');
    clock.advance(0);
    const t = rows((await k('get', 'hpa', 'bare')).stdout);
    assert.deepEqual(t[0], ['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE']);
    assert.deepEqual(t[1]!.slice(0, 6), ['bare', 'Deployment/bare', 'cpu: <unknown>/50%', '1', '5', '1']);
    const d = await k('describe', 'hpa', 'bare');
    assert.match(
      d.stdout,
      /Warning\s+FailedGetResourceMetric\s+.*horizontal-pod-autoscaler\s+failed to get cpu utilization: missing request for cpu in container nginx of Pod bare-[a-z0-9]+-[a-z0-9]{5}/,
    );
    assert.match(
      d.stdout,
      /ScalingActive\s+False\s+FailedGetResourceMetric\s+the HPA was unable to compute the replica count/,
    );
    const v1 = JSON.parse((await k('get', 'horizontalpodautoscalers.v1.autoscaling', 'bare', '-o', 'json')).stdout);
    assert.equal(v1.apiVersion, 'autoscaling/v1');
    assert.equal(v1.spec.targetCPUUtilizationPercentage, 50);
  });

  it("an HPA reads the pods' cpu against their requests and scales up under load", async () => {
    const web = `apiVersion: apps/v1
kind: Deployment
metadata: {name: hot}
spec:
  replicas: 1
  selector: {matchLabels: {app: hot}}
  template:
    metadata: {labels: {app: hot}}
    spec:
      containers:
      - {name: web, image: nginx:1.27, ports: [{containerPort: 80}], resources: {requests: {cpu: 5m}}}
---
apiVersion: v1
kind: Service
metadata: {name: hot}
spec:
  selector: {app: hot}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers:
  - {name: c, image: curlimages/curl, command: [sleep, '3600']}
`;
    assert.equal((await h.kubectl('m', ['apply', '-f', '-'], {input: web})).code, 0);
    for (let i = 0; i < 20; i++) clock.advance(250);
    assert.equal((await k('autoscale', 'deploy', 'hot', '--cpu-percent=50', '--min=1', '--max=4')).code, 0);
    clock.advance(0);
    const idle = rows((await k('get', 'hpa', 'hot')).stdout)[1]!;
    assert.match(idle[2]!, /^cpu: \d+%\/50%$/);
    assert.ok(parseInt(idle[2]!.slice(5)) < 50, idle.join(' '));
    // 200 requests within one scrape window: about 13 per second on one nginx
    clock.advance(1_000);
    const load = await k(
      'exec',
      'client',
      '--',
      'sh',
      '-c',
      'for i in $(seq 1 200); do curl -s -o /dev/null hot; done',
    );
    assert.equal(load.code, 0, load.stderr);
    clock.advance(HPA_SYNC_MS);
    const busy = rows((await k('get', 'hpa', 'hot')).stdout)[1]!;
    assert.ok(parseInt(busy[2]!.slice(5)) > 50, busy.join(' '));
    const d = await k('describe', 'hpa', 'hot');
    const m =
      /Normal\s+SuccessfulRescale\s+.*New size: (\d); reason: cpu resource utilization \(percentage of request\) above target/.exec(
        d.stdout,
      );
    assert.ok(m, d.stdout);
    assert.match(d.stdout, /resource cpu on pods\s+\(as a percentage of request\):\s+\d+% \(\d+m\) \/ 50%/);
    const dep = JSON.parse((await k('get', 'deploy', 'hot', '-o', 'json')).stdout);
    assert.equal(dep.spec.replicas, Number(m[1]));
    assert.ok(dep.spec.replicas > 1 && dep.spec.replicas <= 4);
  });
});
