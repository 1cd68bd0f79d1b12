import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {K3S_VERSION} from '../../server/backends/sandbox/versions';
import {k3dLines, NO_KUBECTL, rows, startBackend, type BackendHarness} from '../fixtures/sandbox-backend/harness';

// The sandbox's k3d and docker, run by a real bash through the shims on PATH, beside the real kubectl.
const L = 't1';
const CREATE =
  "k3d cluster create ambient --agents 4 --k3s-arg '--disable=traefik@server:*' -p '9080:80@loadbalancer' --api-port 6550";

describe('k3d and docker in the sandbox shell', {skip: NO_KUBECTL}, () => {
  let h: BackendHarness;
  const sh = (line: string) => h.sh(L, line);

  before(async () => {
    h = await startBackend();
  });
  after(async () => h?.close());

  it('before any cluster, kubectl fails as on a fresh laptop (no kubeconfig: localhost:8080 refused)', async () => {
    const r = await sh('kubectl get nodes');
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /The connection to the server localhost:8080 was refused - did you specify the right host or port\?/,
    );
    assert.equal((await sh('k3d cluster list')).stdout, 'NAME   SERVERS   AGENTS   LOADBALANCER\n');
  });

  it('k3d version: the k3d release and its default k3s', async () => {
    const r = await sh('k3d version');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `k3d version v5.8.3\nk3s version ${K3S_VERSION.replace('+', '-')} (default)\n`);
  });

  it("k3d cluster create prints k3d's lines in order and selects the k3d-ambient context", async () => {
    const r = await sh(CREATE);
    assert.equal(r.code, 0, r.stderr);
    const lines = k3dLines(r.stdout);
    assert.deepEqual(lines.slice(0, 6), [
      "INFO portmapping '9080:80' targets the loadbalancer: defaulting to [servers:*:proxy agents:*:proxy]",
      'INFO Prep: Network',
      "INFO Created network 'k3d-ambient'",
      'INFO Created image volume k3d-ambient-images',
      'INFO Starting new tools node...',
      "INFO Starting node 'k3d-ambient-tools'",
    ]);
    for (const n of ['server-0', 'agent-0', 'agent-3']) {
      assert.ok(lines.includes(`INFO Creating node 'k3d-ambient-${n}'`), n);
      assert.ok(lines.includes(`INFO Starting node 'k3d-ambient-${n}'`), n);
    }
    assert.ok(lines.indexOf('INFO Starting servers...') < lines.indexOf('INFO Starting agents...'));
    assert.ok(
      lines.includes(
        'INFO Injecting records for hostAliases (incl. host.k3d.internal) and for 6 network members into CoreDNS configmap...',
      ),
    );
    assert.deepEqual(lines.slice(-3), [
      "INFO Cluster 'ambient' created successfully!",
      'INFO You can now use it like this:',
      'kubectl cluster-info',
    ]);
    assert.match(r.stdout, /^INFO\[0000\] /m);
    assert.equal((await sh('kubectl config current-context')).stdout, 'k3d-ambient\n');
  });

  it('kubectl get nodes: one server and four agents, as k3d names them', async () => {
    const r = await sh('kubectl get nodes');
    assert.equal(r.code, 0, r.stderr);
    const t = rows(r.stdout);
    assert.deepEqual(t[0], ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    assert.deepEqual(
      t.slice(1).map((x) => x[0]),
      ['agent-0', 'agent-1', 'agent-2', 'agent-3', 'server-0'].map((n) => `k3d-ambient-${n}`),
    );
    assert.equal(t.find((x) => x[0] === 'k3d-ambient-server-0')?.[2], 'control-plane,master');
  });

  it('k3d cluster list and node list (the serverlb included)', async () => {
    assert.equal(
      (await sh('k3d cluster list')).stdout,
      'NAME      SERVERS   AGENTS   LOADBALANCER\nambient   1/1       4/4      true\n',
    );
    const nodes = await sh('k3d node list');
    assert.deepEqual(rows(nodes.stdout), [
      ['NAME', 'ROLE', 'CLUSTER', 'STATUS'],
      ...['agent-0', 'agent-1', 'agent-2', 'agent-3'].map((n) => [`k3d-ambient-${n}`, 'agent', 'ambient', 'running']),
      ['k3d-ambient-server-0', 'server', 'ambient', 'running'],
      ['k3d-ambient-serverlb', 'loadbalancer', 'ambient', 'running'],
    ]);
  });

  it("creating it again fails with k3d's FATA line", async () => {
    const r = await sh('k3d cluster create ambient');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      "FATA[0000] Failed to create cluster 'ambient' because a cluster with that name already exists\n",
    );
  });

  it('unknown flags and bad values fail the way cobra and k3d do', async () => {
    const r = await sh('k3d --foo');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: unknown flag: --foo\nUsage:\n {2}k3d \[flags\]/);
    assert.match(r.stderr, /FATA\[0000\] unknown flag: --foo\n$/);
    const bad = await sh('k3d cluster create x --agents many');
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      /Error: invalid argument "many" for "-a, --agents" flag: strconv.ParseInt: parsing "many": invalid syntax/,
    );
    const unknown = await sh('k3d clsuter list');
    assert.match(unknown.stderr, /Error: unknown command "clsuter" for "k3d"\nRun 'k3d --help' for usage./);
  });

  it('docker ps lists the node containers, newest first, ports on the serverlb', async () => {
    const r = await sh('docker ps');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(/\s+/).pop()),
      ['serverlb', 'agent-3', 'agent-2', 'agent-1', 'agent-0', 'server-0'].map((n) => `k3d-ambient-${n}`),
    );
    assert.match(
      lines[1]!,
      /^[0-9a-f]{12}\s+ghcr\.io\/k3d-io\/k3d-proxy:5\.8\.3\s+"\/bin\/sh -c nginx-pr…".*Up .*0\.0\.0\.0:6550->6443\/tcp, 0\.0\.0\.0:9080->80\/tcp\s+k3d-ambient-serverlb$/,
    );
    assert.match(lines[2]!, /rancher\/k3s:v1\.31\.5-k3s1\s+"\/bin\/k3d-entrypoint…"/);
    assert.equal((await sh("docker ps --format '{{.Names}}' | head -1")).stdout, 'k3d-ambient-serverlb\n');
  });

  it('docker exec NODE ps shows k3s, containerd and the processes of the pods on that node, with stable PIDs', async () => {
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: pinned, namespace: default}
spec:
  nodeName: k3d-ambient-agent-0
  containers:
  - {name: web, image: nginx:1.27}
  - {name: side, image: curlimages/curl:8.10.1, command: [sleep, "3600"]}
`;
    const r = await h.sh(L, 'kubectl apply -f -', {input: pod});
    assert.equal(r.code, 0, r.stderr);
    const store = h.backend.sandboxApi.sandboxes.get('t1')!.store;
    const pods = store.types.lookup('', 'v1', 'pods')!;
    assert.equal((await sh('kubectl wait --for=condition=Ready pod/pinned --timeout=10s')).code, 0);
    const ps = await sh('docker exec k3d-ambient-agent-0 ps');
    assert.equal(ps.code, 0, ps.stderr);
    const lines = ps.stdout.trim().split('\n');
    assert.equal(lines[0], 'PID   USER     TIME  COMMAND');
    assert.match(lines[1]!, /^\s+1 root\s+\S+ \/bin\/k3s agent$/);
    assert.ok(
      lines.some((l) => / containerd -c \/var\/lib\/rancher\/k3s\/agent\/etc\/containerd\/config.toml/.test(l)),
    );
    const uid = store.mustGet(pods, 'default', 'pinned').metadata.uid!;
    const shim = lines.find((l) => /containerd-shim-runc-v2 -namespace k8s.io -id [0-9a-f]{64}/.test(l));
    assert.ok(shim, 'a shim per pod');
    const web = lines.find((l) => l.endsWith('nginx: master process nginx -g daemon off;'));
    const side = lines.find((l) => l.endsWith('sleep 3600'));
    assert.ok(web && side && lines.some((l) => l.endsWith('/pause')), ps.stdout);
    assert.ok(uid);
    // the same PIDs the second time
    assert.equal((await sh('docker exec k3d-ambient-agent-0 ps aux')).stdout, ps.stdout);
    // not on another node
    assert.doesNotMatch((await sh('docker exec k3d-ambient-agent-1 ps')).stdout, /sleep 3600/);
    assert.match(
      (await sh('docker exec k3d-ambient-server-0 ps')).stdout,
      /^\s+1 root\s+\S+ \/bin\/k3s server --disable=traefik$/m,
    );
  });

  it('docker exec fails like docker and runc for missing containers and executables; other docker verbs say what works', async () => {
    const missing = await sh('docker exec k3d-ambient-agent-9 ps');
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error response from daemon: No such container: k3d-ambient-agent-9\n');
    const exe = await sh('docker exec k3d-ambient-agent-0 htop');
    assert.equal(exe.code, 126);
    assert.equal(
      exe.stderr,
      'OCI runtime exec failed: exec failed: unable to start container process: exec: "htop": executable file not found in $PATH: unknown\n',
    );
    const run = await sh('docker run hello-world');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /This is the Ambient Lab sandbox's docker/);
  });

  it('kubectl apply -f <Gateway API URL> works offline; an unknown URL fails as with no network', async () => {
    const r = await sh(
      'kubectl apply -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.2.1/standard-install.yaml',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^customresourcedefinition.apiextensions.k8s.io\/gateways.gateway.networking.k8s.io created$/m,
    );
    const crds = await sh('kubectl get crd');
    assert.ok(
      rows(crds.stdout).some((x) => x[0] === 'gateways.gateway.networking.k8s.io'),
      crds.stdout,
    );
    const bundle = await sh(
      "kubectl get crd gateways.gateway.networking.k8s.io -o jsonpath='{.metadata.annotations.gateway\\.networking\\.k8s\\.io/bundle-version}'",
    );
    assert.equal(bundle.stdout, 'v1.2.1');
    const offline = await sh('kubectl apply -f https://example.com/manifest.yaml');
    assert.equal(offline.code, 1);
    assert.match(offline.stderr, /dial tcp: lookup example\.com: no such host/);
    assert.doesNotMatch(offline.stderr, /proxy/i);
  });

  it('Argo CD install: its seven workloads', async () => {
    const r = await sh(
      'kubectl create namespace argocd >/dev/null && kubectl apply -n argocd -f https://raw.githubusercontent.com/argoproj/argo-cd/stable/manifests/install.yaml',
    );
    assert.equal(r.code, 0, r.stderr);
    for (const w of [
      'statefulset.apps/argocd-application-controller',
      ...['applicationset-controller', 'dex-server', 'notifications-controller', 'redis', 'repo-server', 'server'].map(
        (n) => `deployment.apps/argocd-${n}`,
      ),
    ])
      assert.match(r.stdout, new RegExp(`^${w} created$`, 'm'));
    assert.match(r.stdout, /^customresourcedefinition.apiextensions.k8s.io\/applications.argoproj.io created$/m);
  });

  it('k3d cluster delete removes the cluster, its objects and its kubeconfig entries', async () => {
    const r = await sh('k3d cluster delete ambient');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(k3dLines(r.stdout), [
      "INFO Deleting cluster 'ambient'",
      "INFO Deleting cluster network 'k3d-ambient'",
      'INFO Deleting 1 attached volumes...',
      'INFO Removing cluster details from default kubeconfig...',
      'INFO Removing standalone kubeconfig file (if there is one)...',
      'INFO Successfully deleted cluster ambient!',
    ]);
    assert.equal((await sh('k3d cluster list --no-headers')).stdout, '');
    assert.equal((await sh('docker ps -q')).stdout, '');
    assert.equal((await sh('kubectl config get-contexts -o name')).stdout, '');
    // as k3d v5.8.3's getClusters/Run word it (cmd/cluster/clusterDelete.go)
    assert.equal(
      (await sh('k3d cluster delete ambient')).stdout,
      "INFO[0000] No nodes found for cluster 'ambient', nothing to delete.\nINFO[0000] No clusters found\n",
    );
    assert.equal(
      (await sh('k3d cluster delete --all')).stdout,
      'INFO[0000] Deleting all clusters...\nINFO[0000] No clusters found\n',
    );
  });
});
