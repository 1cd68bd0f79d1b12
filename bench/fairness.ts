/**
 * Fairness between sandboxes of one lab process (issue 9 §3): sandbox A reconciles
 * `kubectl create deploy big --image=nginx --replicas=100000` on a 2-node cluster while sandbox B's learner runs
 * `kubectl get ns`; B's p99 over BENCH_FAIRNESS_CALLS calls, busy against idle, is the figure (target <= 2x).
 * Then the time from SIGTERM to exit of a lab process (a child) whose sandbox is that busy. Printed, never asserted.
 * `node --import tsx bench/fairness.ts --child` is that child.
 */
import {execFile, spawn} from 'node:child_process';
import {request} from 'node:https';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {createInterface} from 'node:readline';
import {createSandboxBackend, type SandboxBackend} from '../server/backends/sandbox/index';
import {fmt, percentile, printTable, type Row} from './stats';

const CALLS = Number(process.env.BENCH_FAIRNESS_CALLS ?? 50);
const REPLICAS = Number(process.env.BENCH_FAIRNESS_REPLICAS ?? 100000);

interface Shell {
  env: Record<string, string>;
  cwd: string;
}

/** run a command of the learner's shell (kubectl, or the k3d shim) without a shell around it; ms it took */
function sh(shell: Shell, command: string): Promise<number> {
  const [cmd, ...args] = command.split(' ');
  const t = performance.now();
  return new Promise((resolve, reject) =>
    execFile(
      cmd!,
      args,
      {env: {...process.env, ...shell.env}, cwd: shell.cwd, maxBuffer: 16 * 1024 * 1024},
      (err, _o, stderr) => (err ? reject(new Error(`${command}: ${stderr}`)) : resolve(performance.now() - t)),
    ),
  );
}

async function p99(f: () => Promise<number>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < CALLS; i++) xs.push(await f());
  return percentile(xs, 99);
}

/** GET /api/v1/namespaces of a sandbox over HTTPS from this process: the API's own latency, without kubectl's start */
function apiGet(backend: SandboxBackend, sandbox: string): Promise<number> {
  const api = backend.sandboxApi;
  const url = new URL(`${api.serverUrl(sandbox)}/api/v1/namespaces`);
  const token = api.sandboxes.get(sandbox)!.token;
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, {ca: api.caCert, headers: {authorization: `Bearer ${token}`}}, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - t));
    });
    req.on('error', reject);
    req.end();
  });
}

/** objects stored in a sandbox (its quota's count: everything but Events) */
const objectCount = (backend: SandboxBackend, sandbox: string) =>
  backend.sandboxApi.sandboxes.get(sandbox)?.store.quota.usage.objects ?? 0;

async function shellOf(backend: SandboxBackend, learner: string): Promise<Shell> {
  const {env, cwd} = await backend.shellEnvironment(learner);
  return {env, cwd};
}

/** time from SIGTERM to exit of a child lab process whose sandbox A is reconciling the big Deployment */
async function sigtermToExit(): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/fairness.ts', '--child'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({input: child.stdout!});
  const shell = await new Promise<Shell>((resolve) => lines.once('line', (l) => resolve(JSON.parse(l) as Shell)));
  await sh(shell, 'k3d cluster create busy --agents 1');
  await sh(shell, `kubectl create deploy big --image=nginx --replicas=${REPLICAS}`);
  // let the controllers get going
  await new Promise((r) => setTimeout(r, 2000));
  const exited = new Promise<number>((resolve) => child.once('exit', () => resolve(performance.now())));
  const t = performance.now();
  child.kill('SIGTERM');
  return (await exited) - t;
}

/** the child: a lab process (backend + SIGTERM handler as `lab`'s) printing the shell environment of sandbox A */
async function child(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fairness-child-'));
  const backend = await createSandboxBackend({stateDir: dir});
  process.once('SIGTERM', () => {
    void backend.dispose().finally(() => {
      rmSync(dir, {recursive: true, force: true});
      process.exit(0);
    });
  });
  process.stdout.write(JSON.stringify(await shellOf(backend, 'a')) + '\n');
}

export async function benchFairness(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fairness-bench-'));
  const backend = await createSandboxBackend({stateDir: dir});
  const rows: Row[] = [];
  try {
    const a = await shellOf(backend, 'a');
    const b = await shellOf(backend, 'b');
    await sh(a, 'k3d cluster create busy --agents 1');
    await sh(b, 'k3d cluster create quiet --agents 1');
    await sh(b, 'kubectl get ns'); // discovery cache, as any second command has it
    const getNs = () => sh(b, 'kubectl get ns');
    const idle = await p99(getNs);
    const idleApi = await p99(() => apiGet(backend, 'b'));
    await sh(a, `kubectl create deploy big --image=nginx --replicas=${REPLICAS}`);
    const before = objectCount(backend, 'a');
    const t = performance.now();
    const busy = await p99(getNs);
    const busyApi = await p99(() => apiGet(backend, 'b'));
    const window = (performance.now() - t) / 1000;
    const after = objectCount(backend, 'a');
    // A lists and deletes what it made: the list comes in kubectl's 500-object chunks, the DELETE is answered before
    // the garbage collector deletes the ReplicaSet's pods in batches on A's lane, while B is measured again
    const listed = await sh(a, 'kubectl get pods --no-headers');
    const deleted = await sh(a, 'kubectl delete deploy big --wait=false');
    const collecting = await p99(getNs);
    rows.push(
      {metric: `B: kubectl get ns, p99 of ${CALLS}, A idle, ms`, value: fmt(idle, 1)},
      {
        metric: `B: kubectl get ns, p99 of ${CALLS}, A reconciling ${REPLICAS} replicas, ms`,
        value: fmt(busy, 1),
        floor: fmt(idle, 1),
        ratio: `${fmt(busy / idle)}x`,
        target: '<= 2x',
      },
      {
        metric: `B: GET /api/v1/namespaces over HTTPS, p99 of ${CALLS}, A busy, ms`,
        value: fmt(busyApi, 1),
        floor: `${fmt(idleApi, 1)} (A idle)`,
        ratio: `${fmt(busyApi / idleApi)}x`,
      },
      {metric: 'A: objects stored while B was measured', value: `${before} -> ${after} in ${fmt(window, 1)} s`},
      {metric: `A: kubectl get pods of ~${after} objects (chunks of 500), ms`, value: fmt(listed, 0)},
      {metric: 'A: kubectl delete deploy big --wait=false (the DELETE answered), ms', value: fmt(deleted, 0)},
      {
        metric: `B: kubectl get ns, p99 of ${CALLS}, while A's garbage collector runs, ms`,
        value: fmt(collecting, 1),
        floor: fmt(idle, 1),
        ratio: `${fmt(collecting / idle)}x`,
        target: '<= 2x',
      },
    );
  } finally {
    await backend.dispose();
    rmSync(dir, {recursive: true, force: true});
  }
  rows.push({metric: 'SIGTERM to exit of a lab whose sandbox is busy, ms', value: fmt(await sigtermToExit(), 0)});
  printTable('fairness', rows);
}

if (process.argv.includes('--child')) await child();
