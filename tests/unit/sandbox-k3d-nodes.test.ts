import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {k3dLines, NO_KUBECTL, rows, startBackend, type BackendHarness} from '../fixtures/sandbox-backend/harness';

// `k3d node create|delete|stop|start` as k3d v5.8.3 does them (cmd/node/*.go, pkg/client/node.go), seen through
// k3d's own lists, docker ps and the real kubectl. A deleted node's container goes, its Node stays NotReady: k3s
// keeps it (k3d-io/k3d#267).
const L = 'nodes';

describe('k3d node commands in the sandbox', {skip: NO_KUBECTL}, () => {
  let h: BackendHarness;
  const sh = (line: string) => h.sh(L, line);
  const nodeRow = async (name: string) =>
    rows((await sh('kubectl get nodes --no-headers')).stdout).find((r) => r[0] === name);

  before(async () => {
    h = await startBackend();
    const created = await sh('k3d cluster create lab --agents 1');
    assert.equal(created.code, 0, created.stderr);
  });
  after(async () => h?.close());

  it("k3d node create adds an agent k3d-NAME-0 with k3d's lines; kubectl sees it Ready with k3s's labels", async () => {
    const r = await sh('k3d node create extra --cluster lab');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(k3dLines(r.stdout), [
      "INFO Adding 1 node(s) to the runtime local cluster 'lab'...",
      'INFO Using the k3d-tools node to gather environment information',
      'INFO Starting new tools node...',
      "INFO Starting node 'k3d-lab-tools'",
      'INFO HostIP: using network gateway 172.18.0.1 address',
      "INFO Starting node 'k3d-extra-0'",
      'INFO Successfully created 1 node(s)!',
    ]);
    const row = (await nodeRow('k3d-extra-0'))!;
    assert.deepEqual([row[1], row[2], row[4]], ['Ready', '<none>', (await nodeRow('k3d-lab-agent-0'))![4]]);
    const labels = JSON.parse(
      (await sh('kubectl get node k3d-extra-0 -o jsonpath={.metadata.labels}')).stdout,
    ) as Record<string, string>;
    assert.equal(labels['k3s.io/hostname'], 'k3d-extra-0');
    assert.equal(labels['node.kubernetes.io/instance-type'], 'k3s');
    assert.equal(labels['kubernetes.io/hostname'], 'k3d-extra-0');
    // docker's next address after the serverlb's, and flannel's next pod CIDR
    assert.equal(
      (await sh("kubectl get node k3d-extra-0 -o jsonpath='{.status.addresses[0].address} {.spec.podCIDR}'")).stdout,
      '172.18.0.5 10.42.2.0/24',
    );
    assert.equal(
      (await sh("docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' k3d-extra-0")).stdout,
      '172.18.0.5\n',
    );
    assert.deepEqual(
      rows((await sh('k3d node list --no-headers')).stdout).map((x) => x.join(' ')),
      [
        'k3d-extra-0 agent lab running',
        'k3d-lab-agent-0 agent lab running',
        'k3d-lab-server-0 server lab running',
        'k3d-lab-serverlb loadbalancer lab running',
      ],
    );
    assert.match((await sh("docker ps --format '{{.Names}}'")).stdout, /^k3d-extra-0\n/);
    assert.deepEqual(rows((await sh('k3d cluster list --no-headers')).stdout)[0], ['lab', '1/1', '2/2', 'true']);
  });

  it('the scheduler places pods on it', async () => {
    const r = await sh(
      'kubectl create deployment pinned --image=nginx --replicas=1 >/dev/null && kubectl patch deployment pinned -p \'{"spec":{"template":{"spec":{"nodeSelector":{"kubernetes.io/hostname":"k3d-extra-0"}}}}}\' >/dev/null && kubectl rollout status deployment pinned --timeout=60s >/dev/null && kubectl get pods -l app=pinned -o jsonpath={.items[0].spec.nodeName}',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'k3d-extra-0');
  });

  it('k3d node stop and start: the container exits, the Node goes NotReady and comes back Ready', async () => {
    const stop = await sh('k3d node stop k3d-extra-0');
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(stop.stdout + stop.stderr, '');
    assert.equal((await nodeRow('k3d-extra-0'))![1], 'NotReady');
    // the node controller marks its pods unready and taints it unreachable (the 300 s eviction is a cluster test's)
    const unready = await sh('kubectl wait --for=condition=Ready=false pod -l app=pinned --timeout=60s');
    assert.equal(unready.code, 0, unready.stderr);
    assert.equal(
      (await sh("kubectl get node k3d-extra-0 -o jsonpath='{range .spec.taints[*]}{.key}:{.effect} {end}'")).stdout,
      'node.kubernetes.io/unreachable:NoSchedule node.kubernetes.io/unreachable:NoExecute ',
    );
    assert.doesNotMatch((await sh("docker ps --format '{{.Names}}'")).stdout, /k3d-extra-0/);
    assert.match((await sh("docker ps -a --format '{{.Names}} {{.State}}'")).stdout, /^k3d-extra-0 exited$/m);
    assert.deepEqual(rows((await sh('k3d cluster list --no-headers')).stdout)[0], ['lab', '1/1', '1/2', 'true']);
    const start = await sh('k3d node start extra-0');
    assert.equal(start.code, 0, start.stderr);
    assert.deepEqual(k3dLines(start.stdout), ["INFO Starting node 'extra-0'"]);
    assert.equal((await nodeRow('k3d-extra-0'))![1], 'Ready');
    const ready = await sh('kubectl rollout status deployment pinned --timeout=60s');
    assert.equal(ready.code, 0, ready.stderr);
  });

  it('a node stopped on its own starts with its cluster (k3d cluster start starts every node)', async () => {
    assert.equal((await sh('k3d node stop extra-0')).code, 0);
    assert.equal((await sh('k3d cluster stop lab')).code, 0);
    assert.equal((await sh('k3d cluster start lab')).code, 0);
    assert.equal((await nodeRow('k3d-extra-0'))![1], 'Ready');
    assert.match((await sh("docker ps --format '{{.Names}}'")).stdout, /^k3d-extra-0$/m);
  });

  it('k3d node delete: the container goes from k3d and docker; the Node stays NotReady, as k3s keeps it', async () => {
    const r = await sh('k3d node delete k3d-extra-0');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(k3dLines(r.stdout), ['INFO Successfully deleted 1 node(s)!']);
    assert.doesNotMatch((await sh('k3d node list')).stdout, /extra/);
    assert.doesNotMatch((await sh("docker ps -a --format '{{.Names}}'")).stdout, /extra/);
    assert.deepEqual(rows((await sh('k3d cluster list --no-headers')).stdout)[0], ['lab', '1/1', '1/1', 'true']);
    assert.equal((await nodeRow('k3d-extra-0'))![1], 'NotReady');
    // a cluster restart does not bring it back
    assert.equal((await sh('k3d cluster stop lab && k3d cluster start lab')).code, 0);
    assert.equal((await nodeRow('k3d-extra-0'))![1], 'NotReady');
    assert.equal((await nodeRow('k3d-lab-agent-0'))![1], 'Ready');
    // kubectl delete node is how an operator lets it go; PodGC then removes the pods bound to it
    const pod = (await sh('kubectl get pods -l app=pinned -o name')).stdout.trim();
    assert.equal((await sh('kubectl delete node k3d-extra-0')).stdout, 'node "k3d-extra-0" deleted\n');
    assert.equal(await nodeRow('k3d-extra-0'), undefined);
    const gone = await sh(`kubectl wait --for=delete ${pod} --timeout=60s`);
    assert.equal(gone.code, 0, gone.stderr);
  });

  it('the same name can be created again, and survives a lab restart', async () => {
    const r = await sh('k3d node create extra -c lab --replicas 2');
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await nodeRow('k3d-extra-1'))![1], 'Ready');
    await h.restart();
    assert.deepEqual(rows((await sh('k3d cluster list --no-headers')).stdout)[0], ['lab', '1/1', '3/3', 'true']);
    assert.equal((await nodeRow('k3d-extra-0'))![1], 'Ready');
  });

  it("errors read as k3d's", async () => {
    const cases: [string, RegExp][] = [
      ['k3d node create', /^Error: accepts 1 arg\(s\), received 0$/m],
      [
        'k3d node create extra -c lab',
        /FATA\[\d+\] failed to add 1 node\(s\) to the runtime local cluster 'lab': failed to add one or more nodes: failed to run node 'k3d-extra-0': .*Conflict\. The container name "\/k3d-extra-0" is already in use by container "[0-9a-f]{64}"/,
      ],
      [
        'k3d node create x -c nope',
        /FATA\[\d+\] failed to add 1 node\(s\) to the runtime local cluster 'nope': Failed to find specified cluster 'nope': No nodes found for given cluster$/m,
      ],
      ['k3d node create x -c lab --role boss', /FATA\[\d+\] Unknown node role 'boss'$/m],
      [
        'k3d node delete ghost',
        /FATA\[\d+\] failed to get node 'ghost': failed to get container for node 'ghost': Didn't find container for node 'ghost'$/m,
      ],
      [
        'k3d node stop ghost',
        /FATA\[\d+\] failed to get container for node 'ghost': Didn't find container for node 'ghost'$/m,
      ],
      ['k3d node delete k3d-lab-server-0', /FATA\[\d+\] "k3d node delete" is not simulated in the Ambient Lab sandbox/],
    ];
    for (const [line, want] of cases) {
      const r = await sh(line);
      assert.equal(r.code, 1, line);
      assert.match(r.stderr, want, line);
    }
  });
});
