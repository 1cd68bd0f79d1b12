import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {fileURLToPath} from 'node:url';
import {createSandboxBackend, StateLockedError} from '../../server/backends/sandbox/index';
import {formatExports} from '../../server/cli/sandbox-command';
import {NO_KUBECTL, rows, startBackend, type BackendHarness} from '../fixtures/sandbox-backend/harness';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

describe('sandbox backend', {skip: NO_KUBECTL}, () => {
  let h: BackendHarness;

  before(async () => {
    h = await startBackend();
  });
  after(async () => h?.close());

  it('gives each learner a shell environment: shims first on PATH, its own kubeconfig, workspace and token', async () => {
    const a = await h.backend.shellEnvironment('t1');
    const b = await h.backend.shellEnvironment('Learner_2');
    assert.match(a.env.PATH!, /\/server\/backends\/sandbox\/commands\/bin:/);
    assert.ok(a.env.PATH!.endsWith(process.env.PATH!));
    assert.equal(a.env.LAB_SANDBOX, 't1');
    assert.match(b.env.LAB_SANDBOX!, /^learner-2-[0-9a-f]{8}$/, 'ids that are not DNS labels get a hashed name');
    assert.notEqual(a.env.KUBECONFIG, b.env.KUBECONFIG);
    assert.notEqual(a.env.LAB_SANDBOX_TOKEN, b.env.LAB_SANDBOX_TOKEN);
    assert.ok(a.cwd.startsWith(h.stateDir) && existsSync(a.cwd));
    assert.ok(!existsSync(a.env.KUBECONFIG!), 'no kubeconfig before k3d cluster create');
    assert.match(a.env.HTTPS_PROXY!, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(existsSync(a.env.SSL_CERT_FILE!));
    assert.match(a.env.NO_PROXY!, /127\.0\.0\.1/);
  });

  it('doctor: self-contained, the real kubectl and bash found', async () => {
    const checks = await h.backend.doctor();
    assert.ok(checks.find((c) => c.name === 'kubectl')?.ok);
    assert.ok(checks.find((c) => c.name === 'bash')?.ok);
    assert.match(checks.find((c) => c.name === 'sandbox API')!.detail, /no Docker needed/);
  });

  it("doctor: Google Cloud SDK's kubectl dispatcher is named, with what it costs", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fake-kubectl-'));
    const fake = path.join(dir, 'kubectl');
    writeFileSync(fake, `#!/bin/sh\necho '{"clientVersion":{"gitVersion":"v1.32.4-dispatcher"}}'\n`, {mode: 0o755});
    const before = process.env.PATH;
    process.env.PATH = `${dir}:${before}`;
    try {
      const kubectl = (await h.backend.doctor()).find((c) => c.name === 'kubectl')!;
      assert.ok(kubectl.ok);
      assert.match(
        kubectl.detail,
        /^v1\.32\.4-dispatcher \(Google Cloud SDK's dispatcher: .*a plain kubectl first on PATH/,
      );
    } finally {
      process.env.PATH = before;
      rmSync(dir, {recursive: true, force: true});
    }
  });

  it("two learners' sandboxes are isolated", async () => {
    assert.equal((await h.sh('t1', 'k3d cluster create one >/dev/null && kubectl create namespace only-one')).code, 0);
    assert.equal((await h.sh('t2', 'k3d cluster create two >/dev/null')).code, 0);
    const ns2 = await h.sh('t2', 'kubectl get ns -o name');
    assert.doesNotMatch(ns2.stdout, /only-one/);
    assert.equal((await h.sh('t2', 'k3d cluster list --no-headers')).stdout.split(/\s+/)[0], 'two');
    // a shell holding another sandbox's token reaches only that one; a made-up token reaches nothing
    const forged = await h.sh('t1', 'LAB_SANDBOX_TOKEN=nope k3d cluster list');
    assert.equal(forged.code, 1);
    assert.match(forged.stderr, /refused/);
  });

  it('the shim needs a sandbox shell', async () => {
    const bin = path.join(REPO, 'server/backends/sandbox/commands/bin/k3d');
    const r = await new Promise<{code: number; stderr: string}>((resolve) =>
      execFile(bin, ['version'], {env: {PATH: process.env.PATH}}, (err, _o, stderr) =>
        resolve({code: (err as {code?: number} | null)?.code ?? 0, stderr}),
      ),
    );
    assert.equal(r.code, 127);
    assert.match(r.stderr, /runs only in a sandbox shell/);
  });

  it('a second process cannot own the same state dir (lock with a clear error)', async () => {
    await assert.rejects(
      createSandboxBackend({stateDir: h.stateDir}),
      (e: unknown) => e instanceof StateLockedError && /in use by another lab process/.test(e.message),
    );
  });

  it('lab sandbox env prints exports for a running lab; eval-ing them gives a working sandbox shell', async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        'node',
        ['--import', 'tsx', 'server/cli/main.ts', 'sandbox', 'env', '--name', 't1'],
        {cwd: REPO, env: {...process.env, LAB_STATE_DIR: h.stateDir}},
        (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout)),
      ),
    );
    assert.match(out, /^export PATH='.*\/server\/backends\/sandbox\/commands\/bin:/m);
    assert.match(out, /^export KUBECONFIG='.*'$/m);
    assert.match(out, /^export LAB_SANDBOX='t1'$/m);
    assert.match(out, /^cd '.*workspaces\/t1'$/m);
    assert.equal(formatExports({env: {A: "it's"}, cwd: '/w'}), `export A='it'\\''s'\ncd '/w'\n`);
    const r = await new Promise<string>((resolve) =>
      execFile(
        'bash',
        ['-c', `${out}\nk3d cluster list --no-headers; kubectl config current-context`],
        {env: {PATH: process.env.PATH, HOME: process.env.HOME}},
        (_e, stdout) => resolve(stdout),
      ),
    );
    assert.match(r, /^one\s+1\/1\s+0\/0\s+true\nk3d-one\n$/);
  });

  it('a restart keeps the clusters, their objects, kubeconfigs and tokens', async () => {
    const before = await h.backend.shellEnvironment('t1');
    await h.restart();
    const after = await h.backend.shellEnvironment('t1');
    assert.equal(after.env.LAB_SANDBOX_TOKEN, before.env.LAB_SANDBOX_TOKEN);
    assert.equal((await h.sh('t1', 'kubectl config current-context')).stdout, 'k3d-one\n');
    assert.equal((await h.sh('t1', 'kubectl get ns only-one -o name')).stdout, 'namespace/only-one\n');
    assert.deepEqual(rows((await h.sh('t2', 'k3d cluster list')).stdout)[1], ['two', '1/1', '0/0', 'true']);
    assert.deepEqual(
      h.backend
        .list()
        .filter((s) => s.name.startsWith('t'))
        .map((s) => [s.name, s.cluster, s.state]),
      [
        ['t1', 'one', 'running'],
        ['t2', 'two', 'running'],
      ],
    );
  });

  it("an attendee's cluster never publishes on the host's ports, also after a restart before their shell is back", async () => {
    const listening = (port: number) =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
    const uid = process.getuid?.() ?? 0;
    await h.backend.prepareIsolated!('att1', {uid, gid: uid});
    const created = await h.sh('att1', "k3d cluster create pub -p '29381:80@loadbalancer' --api-port 29382");
    assert.equal(created.code, 0, created.stderr);
    const lone = await h.sh('lone', "k3d cluster create own -p '29383:80@loadbalancer'");
    assert.equal(lone.code, 0, lone.stderr);
    assert.deepEqual(await Promise.all([29381, 29382, 29383].map(listening)), [false, false, true]);

    await h.restart();
    assert.deepEqual(await Promise.all([29381, 29382, 29383].map(listening)), [false, false, true]);
    await h.backend.delete('lone');
    await h.backend.delete('att1');
  });

  it('a host port something else holds is left unpublished, and k3d says so; a start after it is freed publishes it', async () => {
    const holder = net.createServer((socket) => socket.end('not-the-cluster'));
    await new Promise<void>((resolve) => holder.listen(29384, '127.0.0.1', resolve));
    try {
      const created = await h.sh('busy-port', "k3d cluster create held -p '29384:80@loadbalancer'");
      assert.equal(created.code, 0, created.stderr);
      assert.match(
        created.stderr,
        /^WARN\[\d{4}\] Port mapping '29384:80' is not published: host port 29384 is already in use on this machine/m,
      );
      assert.match(created.stdout, /Cluster 'held' created successfully!/);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
    await h.sh('busy-port', 'k3d cluster stop held');
    const started = await h.sh('busy-port', 'k3d cluster start held');
    assert.equal(started.code, 0, started.stderr);
    assert.doesNotMatch(started.stderr, /not published/);
    await h.backend.delete('busy-port');
  });

  it('k3d cluster stop/start, and reset/delete from the lab', async () => {
    assert.equal(
      (await h.sh('t2', 'k3d cluster stop two')).stdout.replace(/\[\d+\]/g, ''),
      "INFO Stopping cluster 'two'\nINFO Stopped cluster 'two'\n",
    );
    assert.deepEqual(rows((await h.sh('t2', 'k3d node list')).stdout)[1], [
      'k3d-two-server-0',
      'server',
      'two',
      'exited',
    ]);
    assert.equal((await h.sh('t2', 'docker ps -q')).stdout, '');
    const start = await h.sh('t2', 'k3d cluster start two');
    assert.match(start.stdout, /Started cluster 'two'\n$/);
    await h.backend.reset('t2');
    assert.equal((await h.sh('t2', 'k3d cluster list --no-headers')).stdout, '');
    await h.backend.delete('t2');
    assert.deepEqual(
      h.backend
        .list()
        .map((s) => s.name)
        .filter((n) => n.startsWith('t')),
      ['t1'],
    );
  });
});
