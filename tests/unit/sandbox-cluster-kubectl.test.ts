import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {K3S_VERSION} from '../../server/backends/sandbox/versions';
import {NO_KUBECTL, rows} from '../fixtures/sandbox/harness';
import {startCluster, type ClusterHarness} from '../fixtures/sandbox-cluster/cluster-harness';

// The walkthrough's cluster (1 server, 4 agents, traefik disabled) driven by the machine's real kubectl.
const NAME = 'lab';
const AGENT1 = `k3d-${NAME}-agent-1`;

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      nodeSelector: {kubernetes.io/hostname: ${AGENT1}}
      containers:
      - {name: web, image: nginx:1.27, ports: [{containerPort: 80, name: http}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, labels: {app: web}}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
`;

describe('simulated k3d cluster with the real kubectl', {skip: NO_KUBECTL}, () => {
  let c: ClusterHarness;
  const k = (...args: string[]) => c.kubectl(args);
  const ok = async (...args: string[]) => {
    const r = await c.kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed:\n${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    c = await startCluster(NAME);
  });
  after(async () => c?.close());

  it('lists the nodes as k3d names them, with k3s roles and version', async () => {
    const t = rows(await ok('get', 'nodes'));
    assert.deepEqual(t[0], ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    assert.deepEqual(
      t.slice(1).map((r) => [r[0], r[1], r[2], r[4]]),
      [
        ...[0, 1, 2, 3].map((i) => [`k3d-${NAME}-agent-${i}`, 'Ready', '<none>', K3S_VERSION]),
        [`k3d-${NAME}-server-0`, 'Ready', 'control-plane,master', K3S_VERSION],
      ],
    );
  });

  it('shows docker-network addresses, the k3s OS image and containerd with -o wide', async () => {
    const t = rows(await ok('get', 'nodes', '-o', 'wide'));
    assert.deepEqual(t[0], [
      'NAME',
      'STATUS',
      'ROLES',
      'AGE',
      'VERSION',
      'INTERNAL-IP',
      'EXTERNAL-IP',
      'OS-IMAGE',
      'KERNEL-VERSION',
      'CONTAINER-RUNTIME',
    ]);
    const byName = Object.fromEntries(t.slice(1).map((r) => [r[0], r]));
    assert.equal(byName[`k3d-${NAME}-server-0`]![5], '172.18.0.2');
    assert.equal(byName[`k3d-${NAME}-agent-0`]![5], '172.18.0.3');
    assert.equal(byName[`k3d-${NAME}-agent-3`]![5], '172.18.0.6');
    for (const r of t.slice(1)) {
      assert.equal(r[6], '<none>');
      assert.equal(r[7], `K3s ${K3S_VERSION}`);
      assert.match(r[9]!, /^containerd:\/\/1\.7\.\d+-k3s\d$/);
    }
    const labels = JSON.parse(await ok('get', 'node', `k3d-${NAME}-server-0`, '-o', 'jsonpath={.metadata.labels}'));
    assert.equal(labels['node-role.kubernetes.io/control-plane'], 'true');
    assert.equal(labels['node.kubernetes.io/instance-type'], 'k3s');
    assert.equal(labels['k3s.io/internal-ip'], '172.18.0.2');
    const described = await ok('describe', 'node', `k3d-${NAME}-agent-0`);
    assert.match(described, /PodCIDR:\s+10\.42\.1\.0\/24/);
    assert.match(described, /HolderIdentity:\s+k3d-lab-agent-0/);
    assert.match(
      described,
      /Normal\s+RegisteredNode\s+\S+\s+node-controller\s+Node k3d-lab-agent-0 event: Registered Node k3d-lab-agent-0 in Controller/,
    );
  });

  it('runs kube-system as k3s has it, without traefik', async () => {
    const r = await c.until(
      ['get', 'pods', '-n', 'kube-system'],
      (x) =>
        rows(x.stdout).slice(1).length === 3 &&
        rows(x.stdout)
          .slice(1)
          .every((p) => p[1] === '1/1' && p[2] === 'Running'),
    );
    const names = rows(r.stdout)
      .slice(1)
      .map((p) => p[0]!);
    assert.match(names[0]!, /^coredns-[bcdfghjklmnpqrstvwxz2456789]{9,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.match(names[1]!, /^local-path-provisioner-/);
    assert.match(names[2]!, /^metrics-server-/);
    const all = rows(await ok('get', 'pods', '-A'));
    assert.ok(all.slice(1).every((p) => p[0] === 'kube-system' && p[3] === 'Running'));
    assert.match(
      await ok('get', 'svc', '-n', 'kube-system', 'kube-dns'),
      /10\.43\.0\.10\s+<none>\s+53\/UDP,53\/TCP,9153\/TCP/,
    );
    assert.match(
      await ok(
        'get',
        'deploy',
        '-n',
        'kube-system',
        'coredns',
        '-o',
        'jsonpath={.spec.template.spec.containers[0].image}',
      ),
      /^rancher\/mirrored-coredns-coredns:1\.12\.0$/,
    );
  });

  it('applies a Deployment pinned by nodeSelector; its pods land on that node and become Ready', async () => {
    const applied = await c.kubectl(['apply', '-f', '-'], WEB);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /deployment.apps\/web created\nservice\/web created/);
    const waited = await ok('wait', '--for=condition=Ready', 'pod', '-l', 'app=web', '--timeout=30s');
    assert.match(waited, /pod\/web-[a-z0-9]+-[a-z0-9]{5} condition met/);
    const wide = rows(await ok('get', 'pods', '-o', 'wide'));
    assert.deepEqual(wide[0]!.slice(0, 7), ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE']);
    assert.equal(wide.length, 3);
    for (const r of wide.slice(1)) {
      assert.equal(r[2], 'Running');
      assert.equal(r[6], AGENT1);
      assert.match(r[5]!, /^10\.42\.2\.\d+$/); // agent-1's flannel subnet
    }
    const onNode = rows(await ok('get', 'pods', '--field-selector', `spec.nodeName=${AGENT1}`));
    assert.equal(onNode.length, 3);
    const elsewhere = await c.kubectl(['get', 'pods', '--field-selector', `spec.nodeName=k3d-${NAME}-agent-0`]);
    assert.match(elsewhere.stderr, /No resources found in default namespace/);
  });

  it('reports rollout status as a cluster does', async () => {
    assert.equal(
      (await ok('rollout', 'status', 'deployment/web')).trim().split('\n').pop(),
      'deployment "web" successfully rolled out',
    );
    const d = rows(await ok('get', 'deploy', 'web'));
    assert.deepEqual(d[1]!.slice(0, 4), ['web', '2/2', '2', '2']);
  });

  it('keeps Endpoints and EndpointSlices on the ready pod IPs', async () => {
    const ips = (await ok('get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].status.podIP}')).split(' ').sort();
    const ep = await ok('get', 'endpoints', 'web', '-o', 'jsonpath={.subsets[0].addresses[*].ip}');
    assert.deepEqual(ep.split(' ').sort(), ips);
    assert.match(
      await ok('get', 'endpoints', 'web'),
      new RegExp(`web\\s+${ips.map((ip) => `${ip.replace(/\./g, '\\.')}:80`).join(',')}`),
    );
    const slice = await ok(
      'get',
      'endpointslices',
      '-l',
      'kubernetes.io/service-name=web',
      '-o',
      'jsonpath={.items[0].endpoints[*].addresses[0]}',
    );
    assert.deepEqual(slice.split(' ').sort(), ips);
  });

  it('describes a Service with an unnamed port; a selector with no pods gets the placeholder slice', async () => {
    // kubectl describe dereferences every EndpointSlice port's name: the controller sets "" for an unnamed port
    await ok('expose', 'deployment', 'web', '--name', 'web-plain', '--port', '8080', '--target-port', '80');
    await ok(
      'wait',
      '--for=jsonpath={.endpoints[1].conditions.ready}=true',
      'endpointslice',
      '-l',
      'kubernetes.io/service-name=web-plain',
    );
    const ips = (await ok('get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].status.podIP}')).split(' ').sort();
    const described = await ok('describe', 'svc', 'web-plain');
    const line = described.split('\n').find((l) => l.startsWith('Endpoints:'));
    assert.deepEqual(
      line
        ?.replace(/^Endpoints:\s+/, '')
        .split(',')
        .sort(),
      ips.map((ip) => `${ip}:80`),
    );
    assert.equal(
      await ok(
        'get',
        'endpointslices',
        '-l',
        'kubernetes.io/service-name=web-plain',
        '-o',
        'jsonpath={.items[0].ports[0].name}',
      ),
      '',
    );
    await ok('create', 'service', 'clusterip', 'nobody', '--tcp', '80:80');
    await ok('wait', '--for=create', 'endpointslice', '-l', 'kubernetes.io/service-name=nobody');
    const placeholder = rows(await ok('get', 'endpointslices', '-l', 'kubernetes.io/service-name=nobody'));
    assert.deepEqual(placeholder[1]!.slice(1, 4), ['IPv4', '<unset>', '<unset>']);
    assert.match(
      await ok('get', 'endpointslices', '-l', 'kubernetes.io/service-name=nobody', '-o', 'json'),
      /"endpoints": null,[\s\S]*"ports": null/,
    );
    assert.match(await ok('describe', 'svc', 'nobody'), /^Endpoints:\s+$/m);
    await ok('delete', 'svc', 'web-plain', 'nobody');
  });

  it('records Scheduled, Pulling/Pulled, Created and Started events, shown by describe', async () => {
    const events = await ok('get', 'events');
    for (const reason of [
      'Scheduled',
      'Pulling',
      'Pulled',
      'Created',
      'Started',
      'SuccessfulCreate',
      'ScalingReplicaSet',
    ])
      assert.match(events, new RegExp(`\\s${reason}\\s`), reason);
    assert.match(
      events,
      /Successfully pulled image "nginx:1\.27" in [\d.]+s \([\d.]+s including waiting\)\. Image size: \d+ bytes\./,
    );
    const pod = (await ok('get', 'pods', '-l', 'app=web', '-o', 'name')).split('\n')[0]!;
    const d = await ok('describe', pod);
    assert.match(d, /Controlled By:\s+ReplicaSet\/web-/);
    assert.match(d, /Container ID:\s+containerd:\/\/[0-9a-f]{64}/);
    assert.match(d, /Image ID:\s+docker\.io\/library\/nginx@sha256:[0-9a-f]{64}/);
    assert.match(d, /IP:\s+10\.42\.2\.\d+/);
    assert.match(
      d,
      new RegExp(
        `Normal\\s+Scheduled\\s+\\S+\\s+default-scheduler\\s+Successfully assigned default/${pod.slice(4)} to ${AGENT1}`,
      ),
    );
    assert.match(d, /Normal\s+Started\s+\S+\s+kubelet\s+Started container web/);
  });

  it('scales, and replaces a deleted pod with a new name', async () => {
    assert.match(await ok('scale', 'deployment/web', '--replicas=3'), /deployment.apps\/web scaled/);
    await c.until(
      ['get', 'pods', '-l', 'app=web'],
      (r) =>
        rows(r.stdout)
          .slice(1)
          .filter((p) => p[1] === '1/1').length === 3,
    );
    const before = (await ok('get', 'pods', '-l', 'app=web', '-o', 'name')).trim().split('\n');
    const victim = before[0]!;
    const del = await ok('delete', victim);
    assert.equal(del.trim(), `pod "${victim.slice(4)}" deleted`);
    const after = await c.until(['get', 'pods', '-l', 'app=web', '-o', 'name'], (r) => {
      const names = r.stdout.trim().split('\n');
      return !names.includes(victim) && names.length === 3;
    });
    const fresh = after.stdout
      .trim()
      .split('\n')
      .filter((n) => !before.includes(n));
    assert.equal(fresh.length, 1);
    assert.match(fresh[0]!, /^pod\/web-[a-z0-9]+-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('rolls out a new ReplicaSet on rollout restart', async () => {
    const rsBefore = (await ok('get', 'rs', '-l', 'app=web', '-o', 'name')).trim().split('\n');
    assert.match(await ok('rollout', 'restart', 'deployment/web'), /deployment.apps\/web restarted/);
    const status = await ok('rollout', 'status', 'deployment/web', '--timeout=30s');
    assert.match(status, /deployment "web" successfully rolled out/);
    const rs = rows(await ok('get', 'rs', '-l', 'app=web'));
    assert.equal(rs.length, 3, 'the old and the new ReplicaSet');
    const fresh = rs.slice(1).find((r) => !rsBefore.includes(`replicaset.apps/${r[0]}`))!;
    assert.deepEqual(fresh.slice(1, 4), ['3', '3', '3']);
    const old = rs.slice(1).find((r) => r !== fresh)!;
    assert.deepEqual(old.slice(1, 2), ['0']);
    assert.equal(
      await ok('get', 'deploy', 'web', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}'),
      '2',
    );
  });

  it('runs a DaemonSet pod on every node and a Job to completion', async () => {
    await ok('create', 'namespace', 'demo');
    const ds = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: demo}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: busybox:1.36, command: [sleep, infinity]}]
`;
    assert.equal((await c.kubectl(['apply', '-f', '-'], ds)).code, 0);
    assert.match(
      await ok('create', 'job', 'pi', '-n', 'demo', '--image=perl:5.34', '--', 'perl', '-e', 'print 1'),
      /job.batch\/pi created/,
    );
    assert.match(
      await ok('rollout', 'status', 'ds/agent', '-n', 'demo', '--timeout=30s'),
      /daemon set "agent" successfully rolled out/,
    );
    const nodes = rows(await ok('get', 'pods', '-n', 'demo', '-l', 'app=agent', '-o', 'wide'))
      .slice(1)
      .map((r) => r[6]);
    assert.deepEqual(nodes.sort(), [0, 1, 2, 3].map((i) => `k3d-${NAME}-agent-${i}`).concat(`k3d-${NAME}-server-0`));
    assert.match(
      await ok('wait', '--for=condition=complete', 'job/pi', '-n', 'demo', '--timeout=30s'),
      /job.batch\/pi condition met/,
    );
    const job = rows(await ok('get', 'job', 'pi', '-n', 'demo'));
    assert.deepEqual(job[1]!.slice(0, 3), ['pi', 'Complete', '1/1']);
    const pod = rows(await ok('get', 'pods', '-n', 'demo', '-l', 'job-name=pi'));
    assert.deepEqual(pod[1]!.slice(1, 3), ['0/1', 'Completed']);
    assert.match(await ok('get', 'sa', 'default', '-n', 'demo'), /default\s+0\s+/);
    assert.match(await ok('get', 'configmap', 'kube-root-ca.crt', '-n', 'demo'), /kube-root-ca\.crt\s+1\s+/);
  });

  it('lists everything with get all -A', async () => {
    const all = await ok('get', 'all', '-A');
    for (const what of [
      'pod/coredns-',
      'service/kube-dns',
      'daemonset.apps/agent',
      'deployment.apps/web',
      'replicaset.apps/web-',
      'job.batch/pi',
    ])
      assert.ok(all.includes(what), what);
  });

  it('deletes a namespace: waits while it terminates, and takes its workloads with it', async () => {
    const r = await k('delete', 'ns', 'demo');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'namespace "demo" deleted');
    const gone = await k('get', 'ns', 'demo');
    assert.match(gone.stderr, /namespaces "demo" not found/);
    const left = await k('get', 'pods', '-A', '--field-selector', 'metadata.namespace=demo');
    assert.match(left.stderr, /No resources found/);
  });
});
