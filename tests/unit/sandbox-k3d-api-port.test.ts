import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {NO_KUBECTL, startBackend, type BackendHarness} from '../fixtures/sandbox-backend/harness';

// A cluster's own API port, as k3d v5.8.3 gives one (cmd/cluster/clusterCreate.go, cmd/util/ports.go GetFreePort,
// pkg/client/kubeconfig.go): without --api-port a free host port, named https://0.0.0.0:<port> in the kubeconfig
// and shown on the serverlb by docker ps; closed while the cluster is stopped. Driven by the real kubectl.
const L = 'ports';
const SERVER = 'kubectl config view -o jsonpath=\'{.clusters[?(@.name=="k3d-free")].cluster.server}\'';

describe("k3d's API port in the sandbox", {skip: NO_KUBECTL}, () => {
  let h: BackendHarness;
  const sh = (line: string) => h.sh(L, line);
  let port = 0;

  before(async () => {
    h = await startBackend();
  });
  after(async () => h?.close());

  it('without --api-port the cluster gets a port of its own, the same in the kubeconfig and docker ps', async () => {
    const created = await sh('k3d cluster create free');
    assert.equal(created.code, 0, created.stderr);
    const server = (await sh(SERVER)).stdout;
    const m = /^https:\/\/0\.0\.0\.0:(\d+)$/.exec(server);
    assert.ok(m, server);
    port = Number(m[1]);
    const shared = Number(new URL(h.backend.sandboxApi.url).port);
    assert.notEqual(port, shared, 'not the lab shared API port');
    const ps = await sh("docker ps --format '{{.Names}} {{.Ports}}' -f name=serverlb");
    assert.equal(ps.stdout, `k3d-free-serverlb 80/tcp, 0.0.0.0:${port}->6443/tcp\n`);
    const inspect = await sh(`docker inspect -f '{{index .Config.Labels "k3d.server.api.port"}}' k3d-free-server-0`);
    assert.equal(inspect.stdout, `${port}\n`);
    const nodes = await sh('kubectl get nodes -o name');
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.equal(nodes.stdout, 'node/k3d-free-server-0\n');
  });

  it("k3d cluster stop closes the port: kubectl's connection is refused, with kubectl's own message", async () => {
    assert.equal((await sh('k3d cluster stop free')).code, 0);
    const r = await sh('kubectl get nodes');
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `The connection to the server 0.0.0.0:${port} was refused - did you specify the right host or port?\n`,
    );
    // the kubeconfig k3d hands out still names the cluster's port
    assert.match((await sh('k3d kubeconfig get free')).stdout, new RegExp(`server: https://0\\.0\\.0\\.0:${port}\\n`));
    // the lab refuses a step only for a kubeconfig that leaves the sandbox: this one does not
    assert.equal(await h.backend.contextProblem(L), null);
  });

  it('k3d cluster start opens the same port again', async () => {
    const start = await sh('k3d cluster start free');
    assert.equal(start.code, 0, start.stderr);
    assert.equal((await sh(SERVER)).stdout, `https://0.0.0.0:${port}`);
    const nodes = await sh('kubectl get nodes -o name');
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.equal(nodes.stdout, 'node/k3d-free-server-0\n');
  });

  it('a lab restart keeps the port, also for a stopped cluster', async () => {
    assert.equal((await sh('k3d cluster stop free')).code, 0);
    await h.restart();
    assert.equal((await sh(SERVER)).stdout, `https://0.0.0.0:${port}`);
    assert.match((await sh('kubectl get nodes')).stderr, /was refused/);
    assert.equal((await sh('k3d cluster start free')).code, 0);
    assert.equal((await sh('kubectl get nodes -o name')).stdout, 'node/k3d-free-server-0\n');
  });

  it('--api-port random takes a free port too; --api-port N keeps N', async () => {
    assert.equal((await sh('k3d cluster delete free')).code, 0);
    assert.equal((await sh('k3d cluster create free --api-port 0.0.0.0:random')).code, 0);
    assert.match((await sh(SERVER)).stdout, /^https:\/\/0\.0\.0\.0:\d+$/);
    assert.equal((await sh('k3d cluster delete free')).code, 0);
    assert.equal((await sh('k3d cluster create free --api-port 29391')).code, 0);
    assert.equal((await sh(SERVER)).stdout, 'https://0.0.0.0:29391');
    assert.equal((await sh('kubectl get nodes -o name')).stdout, 'node/k3d-free-server-0\n');
  });
});
