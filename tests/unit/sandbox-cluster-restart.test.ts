import assert from 'node:assert/strict';
import {after, describe, it} from 'node:test';
import {resumeCluster} from '../../server/backends/sandbox/cluster/index';
import {NO_KUBECTL, rows, startHarness, type Harness} from '../fixtures/sandbox/harness';
import {startCluster, walkthroughSpec, type ClusterHarness} from '../fixtures/sandbox-cluster/cluster-harness';

// A lab restart keeps the cluster: the API comes back from its state file and resumeCluster re-attaches the
// controllers without creating anything twice. Plus the default k3d cluster (traefik enabled) as kubectl sees it.

describe('simulated cluster across a lab restart', {skip: NO_KUBECTL}, () => {
  const open: {close(): Promise<void>}[] = [];
  after(async () => {
    for (const o of open.reverse()) await o.close();
  });

  it('keeps pods, names and IPs, and keeps reconciling afterwards', async () => {
    const c: ClusterHarness = await startCluster('keep');
    open.push(c);
    assert.equal((await c.kubectl(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3'])).code, 0);
    assert.equal((await c.kubectl(['rollout', 'status', 'deployment/web', '--timeout=30s'])).code, 0);
    const snapshot = async (k: (a: string[]) => Promise<{stdout: string}>) =>
      rows((await k(['get', 'pods', '-A', '-o', 'wide'])).stdout)
        .slice(1)
        .map((r) => [r[1], r[3], r[6], r[7]].join(' '))
        .sort();
    const before = await snapshot(c.kubectl);
    c.cluster.dispose();
    await c.h.stop();

    const h2: Harness = await startHarness({stateDir: c.h.stateDir, store: {gracefulPodDeletion: true}});
    open.push(h2);
    const sb = h2.api.sandboxes.get('keep');
    assert.ok(sb, 'the sandbox comes back from its state file');
    const cluster = resumeCluster(sb, walkthroughSpec('keep'));
    open.push({close: async () => cluster.dispose()});
    const k = (a: string[]) => h2.kubectl('keep', a, {timeoutMs: 40_000});
    assert.deepEqual(await snapshot(k), before);
    const victim = (await k(['get', 'pods', '-l', 'app=web', '-o', 'name'])).stdout.trim().split('\n')[0]!;
    assert.equal((await k(['delete', victim])).code, 0);
    assert.equal((await k(['rollout', 'status', 'deployment/web', '--timeout=30s'])).code, 0);
    const end = Date.now() + 10_000;
    let names: string[] = [];
    while (Date.now() < end) {
      names = (await k(['get', 'pods', '-l', 'app=web', '-o', 'name'])).stdout.trim().split('\n');
      if (names.length === 3 && !names.includes(victim)) break;
      await new Promise((r) => setTimeout(r, 150));
    }
    assert.equal(names.length, 3);
    assert.ok(!names.includes(victim));
    assert.equal(rows((await k(['get', 'rs', '-l', 'app=web'])).stdout).length, 2, 'still one ReplicaSet');
  });

  it('boots the default cluster with traefik: install jobs Completed, svclb pods, LoadBalancer on node IPs', async () => {
    const c = await startCluster('full', walkthroughSpec('full', {agents: 2, disableTraefik: false}));
    open.push(c);
    const r = await c.until(['get', 'pods', '-n', 'kube-system'], (x) => {
      const t = rows(x.stdout).slice(1);
      const ready = (p: string[]) => p[1]!.split('/')[0] === p[1]!.split('/')[1];
      return (
        t.length === 9 &&
        t.every((p) => (p[0]!.startsWith('helm-install-') ? p[2] === 'Completed' : p[2] === 'Running' && ready(p)))
      );
    });
    const t = rows(r.stdout).slice(1);
    assert.deepEqual(
      t.filter((p) => p[0]!.startsWith('helm-install-traefik')).map((p) => [p[1], p[2]]),
      [
        ['0/1', 'Completed'],
        ['0/1', 'Completed'],
      ],
    );
    assert.equal(t.filter((p) => /^svclb-traefik-[0-9a-f]{8}-[a-z0-9]{5}$/.test(p[0]!) && p[1] === '2/2').length, 3);
    const svc = await c.until(['get', 'svc', '-n', 'kube-system', 'traefik'], (x) => x.stdout.includes('172.18.0.4'));
    assert.match(
      svc.stdout,
      /traefik\s+LoadBalancer\s+10\.43\.\d+\.\d+\s+172\.18\.0\.2,172\.18\.0\.3,172\.18\.0\.4\s+80:\d+\/TCP,443:\d+\/TCP/,
    );
    const jobs = rows((await c.kubectl(['get', 'jobs', '-n', 'kube-system'])).stdout);
    assert.deepEqual(
      jobs.slice(1).map((j) => [j[0], j[1], j[2]]),
      [
        ['helm-install-traefik', 'Complete', '1/1'],
        ['helm-install-traefik-crd', 'Complete', '1/1'],
      ],
    );
  });
});
