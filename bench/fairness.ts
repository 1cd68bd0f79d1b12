/**
 * Fairness between sandboxes of one lab process (issue 9 §3): sandbox A reconciles
 * `kubectl create deploy big --image=nginx --replicas=100000` on a 2-node cluster while sandbox B's learner runs
 * `kubectl get ns`; B's p99 over BENCH_FAIRNESS_CALLS calls, busy against idle, is the figure (target <= 2x).
 * Then the time from SIGTERM to exit of a lab process (a child) whose sandbox is that busy. Printed, never asserted.
 * `node --import tsx bench/fairness.ts --child` is that child.
 */
import {execFile, spawn} from 'node:child_process';
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

function sh(shell: Shell, script: string): Promise<number> {
  const t = performance.now();
  return new Promise((resolve, reject) =>
    execFile(
      'bash',
      ['-c', script],
      {env: {...process.env, ...shell.env}, cwd: shell.cwd, maxBuffer: 16 * 1024 * 1024},
      (err, _o, stderr) => (err ? reject(new Error(`${script}: ${stderr}`)) : resolve(performance.now() - t)),
    ),
  );
}

async function p99(shell: Shell, script: string): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < CALLS; i++) xs.push(await sh(shell, script));
  return percentile(xs, 99);
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
  await sh(shell, 'k3d cluster create busy --agents 1 >/dev/null');
  await sh(shell, `kubectl create deploy big --image=nginx --replicas=${REPLICAS} >/dev/null`);
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
    await sh(a, 'k3d cluster create busy --agents 1 >/dev/null');
    await sh(b, 'k3d cluster create quiet --agents 1 >/dev/null');
    await sh(b, 'kubectl get ns >/dev/null'); // discovery cache, as any second command has it
    const idle = await p99(b, 'kubectl get ns >/dev/null');
    await sh(a, `kubectl create deploy big --image=nginx --replicas=${REPLICAS} >/dev/null`);
    const before = objectCount(backend, 'a');
    const t = performance.now();
    const busy = await p99(b, 'kubectl get ns >/dev/null');
    const window = (performance.now() - t) / 1000;
    const after = objectCount(backend, 'a');
    const aGetNs = await p99(a, 'kubectl get ns >/dev/null');
    rows.push(
      {metric: `B: kubectl get ns, p99 of ${CALLS}, idle, ms`, value: fmt(idle, 1)},
      {
        metric: `B: kubectl get ns, p99 of ${CALLS}, A reconciling ${REPLICAS} replicas, ms`,
        value: fmt(busy, 1),
        floor: fmt(idle, 1),
        ratio: `${fmt(busy / idle)}x`,
        target: '<= 2x',
      },
      {metric: 'A: objects stored while B was measured', value: `${before} -> ${after} in ${fmt(window, 1)} s`},
      {metric: `A: kubectl get ns, p99 of ${CALLS}, while busy, ms`, value: fmt(aGetNs, 1)},
    );
  } finally {
    await backend.dispose();
    rmSync(dir, {recursive: true, force: true});
  }
  rows.push({metric: 'SIGTERM to exit of a lab whose sandbox is busy, ms', value: fmt(await sigtermToExit(), 0)});
  printTable('fairness', rows);
}

if (process.argv.includes('--child')) await child();
