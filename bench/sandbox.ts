/**
 * Sandbox benchmarks: the real kubectl's round trip against the sandbox (get pods -A with 100 pods)
 * beside `kubectl version --client` (kubectl's own start-up, the floor); memory per idle sandbox (RSS of a child
 * process running the backend, before and after creating sandboxes); sandboxes created per second; `k3d cluster
 * create` wall time through the shim; a new Deployment's pods Ready after apply. Numbers are printed, never asserted.
 * `node --import tsx bench/sandbox.ts --child` is the memory probe's child.
 */
import {execFile, spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {createInterface} from 'node:readline';
import {createSandboxBackend, type SandboxBackend} from '../server/backends/sandbox/index';
import {fmt, percentile, printTable, rssKiB, type Row} from './stats';

const SAMPLES = Number(process.env.BENCH_SANDBOX_SAMPLES ?? 15);
const IDLE_SANDBOXES = Number(process.env.BENCH_IDLE_SANDBOXES ?? 20);
const CREATE_SANDBOXES = Number(process.env.BENCH_CREATE_SANDBOXES ?? 200);

function run(cmd: string, args: string[], env: Record<string, string>, cwd?: string): Promise<number> {
  const t = performance.now();
  return new Promise((resolve, reject) =>
    execFile(cmd, args, {env: {...process.env, ...env}, cwd, maxBuffer: 64 * 1024 * 1024}, (err, _o, stderr) =>
      err ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr}`)) : resolve(performance.now() - t),
    ),
  );
}

async function median(n: number, f: () => Promise<number>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(await f());
  return percentile(xs, 50);
}

/** 100 running pods spread over the nodes, written straight into the store (the bench measures reads) */
function seedPods(backend: SandboxBackend, sandbox: string, count: number): void {
  const store = backend.sandboxApi.sandboxes.get(sandbox)!.store;
  const pods = store.types.lookup('', 'v1', 'pods')!;
  for (let i = 0; i < count; i++) {
    const p = store.create(pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: `bench-${i}`, namespace: 'default', labels: {app: 'bench'}},
      spec: {nodeName: `k3d-bench-agent-${i % 4}`, containers: [{name: 'c', image: 'nginx:1.27'}]},
    });
    store.updateStatus(pods, {
      ...p,
      status: {phase: 'Running', podIP: `10.42.${i % 4}.${10 + i}`, conditions: [{type: 'Ready', status: 'True'}]},
    });
  }
}

async function idleSandboxMemory(): Promise<number> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/sandbox.ts', '--child'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({input: child.stdout!});
  const next = () => new Promise<string>((resolve) => lines.once('line', resolve));
  await next(); // ready
  const before = rssKiB(child.pid!);
  child.stdin!.write(`${IDLE_SANDBOXES}\n`);
  await next(); // created
  const after = rssKiB(child.pid!);
  child.stdin!.end();
  await new Promise((r) => child.once('exit', r));
  return (after - before) / IDLE_SANDBOXES / 1024;
}

/** the memory probe: a backend, then N sandboxes on request; settles and collects garbage before each answer */
async function child(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sandbox-bench-child-'));
  const backend = await createSandboxBackend({stateDir: dir});
  const settle = async () => {
    await new Promise((r) => setTimeout(r, 500));
    (globalThis as {gc?: () => void}).gc?.();
    await new Promise((r) => setTimeout(r, 200));
  };
  await backend.shellEnvironment('warm-up');
  await settle();
  process.stdout.write('ready\n');
  const rl = createInterface({input: process.stdin});
  for await (const line of rl) {
    for (let i = 0; i < Number(line); i++) await backend.shellEnvironment(`idle-${i}`);
    await settle();
    process.stdout.write('created\n');
  }
  await backend.dispose();
  rmSync(dir, {recursive: true, force: true});
}

async function deploymentReady(backend: SandboxBackend, env: Record<string, string>, cwd: string): Promise<number> {
  const store = backend.sandboxApi.sandboxes.get('bench')!.store;
  const pods = store.types.lookup('', 'v1', 'pods')!;
  const manifest = `apiVersion: apps/v1
kind: Deployment
metadata: {name: fresh, namespace: default}
spec:
  replicas: 3
  selector: {matchLabels: {app: fresh}}
  template:
    metadata: {labels: {app: fresh}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
`;
  const t = performance.now();
  const ready = new Promise<number>((resolve) => {
    const check = () => {
      const items = store.list(pods, {namespace: 'default', labelSelector: 'app=fresh'}).items;
      const n = items.filter((p) =>
        ((p as {status?: {conditions?: Array<{type: string; status: string}>}}).status?.conditions ?? []).some(
          (c) => c.type === 'Ready' && c.status === 'True',
        ),
      ).length;
      if (n === 3) {
        sub.dispose();
        resolve(performance.now() - t);
      }
    };
    const sub = store.watch(check, {resource: pods});
  });
  await new Promise<void>((resolve, reject) => {
    const c = execFile('kubectl', ['apply', '-f', '-'], {env: {...process.env, ...env}, cwd}, (err) =>
      err ? reject(err) : resolve(),
    );
    c.stdin!.end(manifest);
  });
  // a timer that does not keep the bench alive once the pods are Ready
  return Promise.race([ready, new Promise<number>((r) => setTimeout(() => r(NaN), 30_000).unref())]);
}

export async function benchSandbox(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sandbox-bench-'));
  const backend = await createSandboxBackend({stateDir: dir});
  const rowsOut: Row[] = [];
  try {
    const {env, cwd} = await backend.shellEnvironment('bench');
    // k3d cluster create, through bash and the shim, deleted between samples
    const createMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      createMs.push(await run('bash', ['-c', 'k3d cluster create bench --agents 4 >/dev/null'], env, cwd));
      if (i < 2) await run('bash', ['-c', 'k3d cluster delete bench >/dev/null'], env, cwd);
    }
    seedPods(backend, 'bench', 100);
    await run('kubectl', ['get', 'pods', '-A'], env, cwd); // warm the discovery cache, as any second command would
    const floor = await median(SAMPLES, () => run('kubectl', ['version', '--client'], env, cwd));
    const getPods = await median(SAMPLES, () => run('kubectl', ['get', 'pods', '-A'], env, cwd));
    const k3dList = await median(SAMPLES, () => run('bash', ['-c', 'k3d cluster list'], env, cwd));
    const bashFloor = await median(SAMPLES, () => run('bash', ['-c', 'true'], env, cwd));
    const readyMs = await deploymentReady(backend, env, cwd);
    const t = performance.now();
    for (let i = 0; i < CREATE_SANDBOXES; i++) await backend.shellEnvironment(`rate-${i}`);
    const perSecond = CREATE_SANDBOXES / ((performance.now() - t) / 1000);
    rowsOut.push(
      {
        metric: 'kubectl get pods -A (100 pods), median ms',
        value: fmt(getPods, 1),
        floor: `${fmt(floor, 1)} (version --client)`,
        ratio: `${fmt(getPods / floor)}x`,
        target: '<= 1.2x',
      },
      {
        metric: 'k3d cluster list via the shim, median ms',
        value: fmt(k3dList, 1),
        floor: `${fmt(bashFloor, 1)} (bash -c true)`,
      },
      {metric: 'k3d cluster create --agents 4, median ms', value: fmt(percentile(createMs, 50), 0), target: '<= 3000'},
      {metric: "new Deployment's 3 pods Ready after apply, ms", value: fmt(readyMs, 0), target: '<= 3000'},
      {metric: 'sandboxes created per second', value: fmt(perSecond, 0)},
    );
  } finally {
    await backend.dispose();
    rmSync(dir, {recursive: true, force: true});
  }
  rowsOut.push({
    metric: `memory per idle sandbox (${IDLE_SANDBOXES}), MiB`,
    value: fmt(await idleSandboxMemory()),
    target: '<= 5',
  });
  printTable('sandbox', rowsOut);
}

if (process.argv.includes('--child')) await child();
