import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {NO_KUBECTL, rows, startBackend, type BackendHarness} from '../fixtures/sandbox-backend/harness';

// docker's views of k3d's node containers, through the shims of a real bash: inspect (k3d's labels, the cluster
// network), logs (k3s's own lines), exec into the node's busybox sh and k3s's kubectl.
const L = 'dv';
const CREATE =
  "k3d cluster create lab --agents 2 --k3s-arg '--disable=traefik@server:*' -p '9080:80@loadbalancer' --api-port 6551";

describe('docker inspect, logs and exec sh on k3d nodes', {skip: NO_KUBECTL}, () => {
  let h: BackendHarness;
  const sh = (line: string) => h.sh(L, line);

  before(async () => {
    h = await startBackend();
    const r = await sh(CREATE);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => h?.close());

  it('docker inspect: the address on k3d-lab (as kubectl -o wide says), the labels k3d selects by', async () => {
    const ip = await sh(`docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' k3d-lab-agent-1`);
    assert.equal(ip.code, 0, ip.stderr);
    const wide = rows((await sh('kubectl get node k3d-lab-agent-1 -o wide --no-headers')).stdout)[0]!;
    assert.equal(ip.stdout, `${wide[5]}\n`);
    const doc = JSON.parse((await sh('docker inspect k3d-lab-server-0')).stdout)[0];
    assert.equal(doc.Name, '/k3d-lab-server-0');
    assert.equal(doc.State.Status, 'running');
    assert.equal(doc.Config.Labels['k3d.role'], 'server');
    assert.equal(doc.Config.Labels['k3d.cluster'], 'lab');
    assert.equal(doc.Config.Labels['k3d.server.api.port'], '6551');
    assert.deepEqual(doc.Args, [
      'server',
      '--disable=traefik',
      '--tls-san',
      '0.0.0.0',
      '--tls-san',
      'k3d-lab-serverlb',
    ]);
    const label = await sh(
      `docker inspect -f '{{index .Config.Labels "k3d.role"}} {{.HostConfig.Privileged}}' k3d-lab-agent-0`,
    );
    assert.equal(label.stdout, 'agent true\n');
    const lb = JSON.parse((await sh('docker inspect k3d-lab-serverlb')).stdout)[0];
    assert.deepEqual(lb.NetworkSettings.Ports['6443/tcp'], [{HostIp: '0.0.0.0', HostPort: '6551'}]);
    const missing = await sh('docker inspect nope');
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '[]\n');
    assert.equal(missing.stderr, 'Error: No such object: nope\n');
  });

  it('docker ps: the load balancer publishes the API port the kubeconfig names', async () => {
    const server = (await sh("kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}'")).stdout;
    assert.equal(server, 'https://0.0.0.0:6551');
    const ps = (await sh("docker ps --format '{{.Names}} {{.Ports}}' -f name=serverlb")).stdout;
    assert.match(ps, /^k3d-lab-serverlb 80\/tcp, 0\.0\.0\.0:6551->6443\/tcp, 0\.0\.0\.0:9080->80\/tcp\n$/);
  });

  it("docker logs: k3s's start-up on a server, the registration k3d waits for on an agent", async () => {
    const s = await sh('docker logs k3d-lab-server-0');
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /^time="[\d-]+T[\d:]+Z" level=info msg="Starting k3s v1\.\d+\.\d+\+k3s\d"$/m);
    assert.match(s.stdout, /level=info msg="k3s is up and running"/);
    const a = await sh('docker logs --tail 3 -t k3d-lab-agent-0');
    const lines = a.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.match(
      lines[0]!,
      /^\d{4}-\d\d-\d\dT[\d:.]+Z I\d{4} [\d:.]+ +\d+ kubelet_node_status\.go:76\] "Successfully registered node" node="k3d-lab-agent-0"$/,
    );
    assert.match(lines[2]!, /msg="k3s agent is up and running"$/);
  });

  it("docker exec: the node's busybox sh, k3s's kubectl on the server, none on an agent", async () => {
    const s = await sh(
      `docker exec k3d-lab-server-0 sh -c 'hostname && kubectl get nodes --no-headers | grep -c Ready'`,
    );
    assert.equal(s.code, 0, s.stderr);
    assert.equal(s.stdout, 'k3d-lab-server-0\n3\n');
    const k = await sh('docker exec k3d-lab-server-0 kubectl get ns default --no-headers');
    assert.match(k.stdout, /^default\s+Active\s+/);
    const yaml = await sh('docker exec k3d-lab-server-0 cat /etc/rancher/k3s/k3s.yaml');
    assert.match(yaml.stdout, /server: https:\/\/127\.0\.0\.1:6443/);
    const agent = await sh('docker exec k3d-lab-agent-0 kubectl get nodes');
    assert.equal(agent.code, 1);
    assert.match(
      agent.stderr,
      /The connection to the server localhost:8080 was refused - did you specify the right host or port\?\n$/,
    );
    const missing = await sh(`docker exec k3d-lab-agent-0 sh -c 'nope; echo $?'`);
    assert.equal(missing.stderr, 'sh: nope: not found\n');
    const bash = await sh('docker exec k3d-lab-agent-0 bash');
    assert.equal(bash.code, 126);
    const interactive = await h.sh(L, 'docker exec -i k3d-lab-agent-0 sh', {input: 'hostname\nexit 3\n'});
    assert.equal(interactive.stdout, 'k3d-lab-agent-0\n');
    assert.equal(interactive.code, 3);
  });

  it('k3d image import and a server node are real commands the sandbox declines, with where to try them', async () => {
    const r = await sh('k3d node create extra --cluster lab --role server');
    assert.equal(r.code, 1);
    assert.match(
      r.stderr + r.stdout,
      /FATA\[0000\] "k3d node create --role server" is not simulated in the Ambient Lab sandbox: .*host backend/,
    );
    const i = await sh('k3d image import nginx:1.27 -c lab');
    assert.match(i.stderr + i.stdout, /"k3d image import" is not simulated/);
    assert.match((await sh('k3d node list')).stdout, /^k3d-lab-agent-1\s+agent\s+lab\s+running$/m);
  });
});
