/**
 * Terminal server benchmarks: bulk output throughput and keystroke echo round trip through the lab
 * server and a WebSocket client, beside the same thing read directly from node-pty (the floor), plus server
 * memory per idle session. Numbers are printed; nothing here asserts a time.
 */
import {spawn as spawnChild, type ChildProcess} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import * as pty from 'node-pty';
import {LabClient} from './lab-client';
import {fmt, percentile, printTable, rssKiB, type Row} from './stats';

const BULK_BYTES = Number(process.env.BENCH_BULK_BYTES ?? 100_000_000);
const ECHO_SAMPLES = Number(process.env.BENCH_ECHO_SAMPLES ?? 1000);
const IDLE_SESSIONS = Number(process.env.BENCH_IDLE_SESSIONS ?? 20);
const BULK_COMMAND = `yes 'The quick brown fox jumps over the lazy dog 0123456789 ambient lab' | head -c ${BULK_BYTES}`;

interface LabProcess {
  child: ChildProcess;
  url: string;
  token: string;
  dir: string;
}

/** The real server, as `lab start` runs it, in its own process so its memory and CPU are its own. */
async function startLab(): Promise<LabProcess> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-bench-'));
  const siteDir = path.join(dir, 'site');
  mkdirSync(siteDir, {recursive: true}); // the bench serves an empty site
  writeFileSync(path.join(siteDir, 'index.html'), '<!doctype html><title>bench</title>');
  // ...with one page of no steps: the server reads step manifests where a site build would have written them
  const manifestDir = path.join(dir, 'manifests');
  mkdirSync(path.join(manifestDir, 'en'), {recursive: true});
  const page = {pageId: 'bench', locale: 'en', title: 'bench', source: 'docs/bench.mdx', steps: []};
  writeFileSync(path.join(manifestDir, 'en', 'bench.json'), JSON.stringify(page));
  const token = 'bench-token-0123456789abcdef';
  const child = spawnChild(
    process.execPath,
    [
      // BENCH_LAB_CPU_PROF=<dir>: a CPU profile of the lab process (written when it exits)
      ...(process.env.BENCH_LAB_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_LAB_CPU_PROF}`] : []),
      ...['--import', 'tsx', 'server/cli/main.ts', 'start', '--no-build', '--port', '0', '--backend', 'host'],
    ],
    {
      env: {
        ...process.env,
        LAB_TOKEN: token,
        LAB_SITE_DIR: siteDir,
        LAB_MANIFEST_DIR: manifestDir,
        LAB_STATE_DIR: path.join(dir, 'state'),
        LAB_MAX_SESSIONS_PER_LEARNER: String(IDLE_SESSIONS + 10),
        LAB_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^Open (http:\/\/[^\s/]+)\//m.exec(out); // lab start prints its URL last (server/cli)
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`lab start exited with ${code}: ${out}`)));
  });
  return {child, url, token, dir};
}

/** Floor: node-pty read directly, no server, no socket. */
function floorThroughput(): Promise<{bytes: number; seconds: number}> {
  return new Promise((resolve) => {
    const started = performance.now();
    let bytes = 0;
    const p = pty.spawn('bash', ['--norc', '--noprofile', '-c', BULK_COMMAND], {
      cols: 120,
      rows: 40,
      env: process.env as Record<string, string>,
    });
    p.onData((d) => {
      bytes += Buffer.byteLength(d);
    });
    p.onExit(() => resolve({bytes, seconds: (performance.now() - started) / 1000}));
  });
}

async function labThroughput(lab: LabProcess): Promise<{bytes: number; seconds: number}> {
  const client = await LabClient.connect(lab.url, lab.token);
  await client.attach();
  await client.runCommand('true');
  let bytes = 0;
  client.onBinary = (chunk) => {
    bytes += chunk.length;
  };
  const started = performance.now();
  await client.runCommand(BULK_COMMAND, 600_000);
  const seconds = (performance.now() - started) / 1000;
  client.close();
  return {bytes, seconds};
}

/** Type one character and time until its echo arrives; alternate with backspace so the line stays short. */
async function echoSamples(write: (s: string) => void, nextOutput: () => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  const warmup = 200; // JIT and socket warm-up, not counted (same for the floor)
  for (let i = 0; i < ECHO_SAMPLES + warmup; i++) {
    const wait = nextOutput();
    const t0 = performance.now();
    write(i % 2 === 0 ? 'x' : '\x7f');
    await wait;
    if (i >= warmup) samples.push(performance.now() - t0);
  }
  return samples;
}

async function floorEcho(): Promise<number[]> {
  const p = pty.spawn('bash', ['--norc', '--noprofile', '-i'], {
    cols: 120,
    rows: 40,
    env: {...process.env, PS1: '$ '} as Record<string, string>,
  });
  let waiter: (() => void) | undefined;
  p.onData(() => {
    const w = waiter;
    waiter = undefined;
    w?.();
  });
  await new Promise((r) => setTimeout(r, 300)); // let the first prompt arrive
  const samples = await echoSamples(
    (s) => p.write(s),
    () => new Promise<void>((resolve) => (waiter = resolve)),
  );
  p.kill();
  return samples;
}

async function labEcho(lab: LabProcess): Promise<number[]> {
  const client = await LabClient.connect(lab.url, lab.token);
  await client.attach();
  await client.runCommand('true');
  let waiter: (() => void) | undefined;
  client.onBinary = () => {
    const w = waiter;
    waiter = undefined;
    w?.();
  };
  const samples = await echoSamples(
    (s) => client.send({type: 'input', data: s}),
    () => new Promise<void>((resolve) => (waiter = resolve)),
  );
  client.close();
  return samples;
}

async function idleSessionMemory(lab: LabProcess): Promise<{perSessionKiB: number; bashKiB: number}> {
  const pid = lab.child.pid!;
  await new Promise((r) => setTimeout(r, 500));
  const before = rssKiB(pid);
  const clients: LabClient[] = [];
  for (let i = 0; i < IDLE_SESSIONS; i++) {
    const client = await LabClient.connect(lab.url, lab.token);
    await client.attach();
    await client.runCommand('true');
    clients.push(client);
  }
  await new Promise((r) => setTimeout(r, 1500));
  const after = rssKiB(pid);
  // bash's own memory, for context: the newest bash child of the server
  const {execFileSync} = await import('node:child_process');
  const bashPids = execFileSync('pgrep', ['-P', String(pid), 'bash'])
    .toString()
    .trim()
    .split('\n')
    .map(Number);
  const bashKiB = bashPids.length ? bashPids.map(rssKiB).reduce((a, b) => a + b, 0) / bashPids.length : NaN;
  for (const c of clients) c.close();
  return {perSessionKiB: (after - before) / IDLE_SESSIONS, bashKiB};
}

export async function benchTerminal(): Promise<void> {
  const lab = await startLab();
  try {
    const floor = await floorThroughput();
    const through = await labThroughput(lab);
    const floorMBs = floor.bytes / 1e6 / floor.seconds;
    const labMBs = through.bytes / 1e6 / through.seconds;

    const floorLat = await floorEcho();
    const labLat = await labEcho(lab);
    const mem = await idleSessionMemory(lab);

    const rows: Row[] = [
      {
        metric: `bulk output (${fmt(BULK_BYTES / 1e6, 0)} MB), MB/s`,
        value: fmt(labMBs, 1),
        floor: fmt(floorMBs, 1),
        ratio: fmt(labMBs / floorMBs) + '×',
        target: '≥ 0.80×',
      },
      {
        metric: 'echo round trip p50, ms',
        value: fmt(percentile(labLat, 50), 3),
        floor: fmt(percentile(floorLat, 50), 3),
        ratio: fmt(percentile(labLat, 50) / percentile(floorLat, 50)) + '×',
      },
      {
        metric: 'echo round trip p99, ms',
        value: fmt(percentile(labLat, 99), 3),
        floor: fmt(percentile(floorLat, 99), 3),
        ratio: fmt(percentile(labLat, 99) / percentile(floorLat, 99)) + '×',
        target: '≤ 2 ms',
      },
      {
        metric: `server memory per idle session (${IDLE_SESSIONS} sessions), MB`,
        value: fmt(mem.perSessionKiB / 1024),
        floor: `bash itself: ${fmt(mem.bashKiB / 1024)}`,
        target: '≤ 5 MB',
      },
    ];
    printTable('Terminal server (lab server + WebSocket client vs node-pty directly)', rows);
  } finally {
    lab.child.kill('SIGTERM');
    await new Promise((r) => lab.child.once('exit', r));
    rmSync(lab.dir, {recursive: true, force: true});
  }
}
