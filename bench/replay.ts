/**
 * The reattach replay's cost (server/sessions/replay-terminal.ts): every byte a shell prints goes through a headless
 * xterm.js, on the server's one event loop. Fed here as node-pty hands output over (16 KiB reads), with and without
 * dropping plain text that scrolls out unparsed; plus what one replay costs to produce
 * (the event loop waits that long on a reattach).
 */
import {monitorEventLoopDelay, performance} from 'node:perf_hooks';
import {ReplayTerminal} from '../server/sessions/replay-terminal';
import {fmt, printTable, type Row} from './stats';

const BYTES = Number(process.env.BENCH_REPLAY_BYTES ?? 50_000_000);
const READ = 16 * 1024;
const SIZE = {cols: 120, rows: 40};
const LIMIT = 2 * 1024 * 1024; // scrollbackBytes' default

/** what floods a learner's terminal: `kubectl get pods -A`, `yes`, and coloured logs (an escape on every line) */
const OUTPUTS: Record<string, string> = {
  'kubectl get pods -A': Array.from(
    {length: 200},
    (_, i) =>
      `${['istio-system', 'kube-system', 'default', 'bookinfo'][i % 4]!.padEnd(15)}${`reviews-v${i % 3}-6d8b5f4c9-${(i * 7919).toString(36).padStart(5, 'x')}`.padEnd(38)}${'2/2'.padEnd(8)}${'Running'.padEnd(10)}${String(i % 3).padEnd(11)}${(i % 50) + 1}m\r\n`,
  ).join(''),
  yes: 'y\r\n'.repeat(4096),
  'coloured log lines': Array.from(
    {length: 200},
    (_, i) =>
      `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z \x1b[32mINFO\x1b[0m request ${i} served in ${i % 97} ms\r\n`,
  ).join(''),
};

function feed(text: string, dropScrolledOut: boolean): {mbps: number; cpuSeconds: number} {
  const replay = new ReplayTerminal({...SIZE, maxBytes: LIMIT, dropScrolledOut});
  const block = text.repeat(Math.ceil((READ * 4) / text.length));
  const cpu = process.cpuUsage();
  const start = performance.now();
  let sent = 0;
  for (let at = 0; sent < BYTES; at = (at + READ) % (block.length - READ)) {
    const chunk = block.slice(at, at + READ);
    replay.write(chunk);
    sent += chunk.length;
  }
  replay.serialize(); // whatever was held back is parsed too
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  replay.dispose();
  return {mbps: sent / 1e6 / seconds, cpuSeconds: (used.user + used.system) / 1e6};
}

/** one reattach: serializing a mirror whose scrollback is full (the second time: kept scrollback reused) */
function serializeMs(text: string): {ms: number; bytes: number} {
  const replay = new ReplayTerminal({...SIZE, maxBytes: LIMIT, dropScrolledOut: false});
  for (let i = 0; i < 60; i++) replay.write(text);
  replay.serialize(); // warm-up
  const samples: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    bytes = Buffer.byteLength(replay.serialize());
    samples.push(performance.now() - start);
  }
  replay.dispose();
  return {ms: samples.sort((a, b) => a - b)[2]!, bytes};
}

const STORM = Number(process.env.BENCH_REPLAY_STORM ?? 50);

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Storm {
  maxMs: number;
  p99Ms: number;
  lastMs: number;
  cpuMs: number;
  serializeMs: number;
}

/**
 * A room reconnecting at once (workshop mode, the venue's Wi-Fi blips): STORM sessions with full mirrors reattach
 * in the same event-loop turn, each as the server does it (ws-connection.ts: prepareReplay() in slices, then
 * SessionChannel.join: serialize and encode in one turn). `quietMs`: how long the mirrors were left alone after
 * their output (what each could serialize ahead on its own).
 */
async function storm(text: string, quietMs: number): Promise<Storm> {
  const mirrors = Array.from({length: STORM}, () => {
    const replay = new ReplayTerminal({...SIZE, maxBytes: LIMIT, dropScrolledOut: false});
    replay.serialize(); // attached once when the session began
    for (let i = 0; i < 60; i++) replay.write(text);
    return replay;
  });
  await sleep(quietMs);
  const delay = monitorEventLoopDelay({resolution: 1});
  delay.enable();
  await sleep(20); // the monitor's timer is running before the storm
  const cpu = process.cpuUsage();
  const start = performance.now();
  let serializeMs = 0;
  await turn();
  await Promise.all(
    mirrors.map(async (replay) => {
      await replay.prepare();
      const t = performance.now();
      Buffer.from(replay.serialize(), 'utf8');
      serializeMs += performance.now() - t;
    }),
  );
  const lastMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  await sleep(20); // the monitor sees the last hold
  delay.disable();
  for (const replay of mirrors) replay.dispose();
  return {
    maxMs: delay.max / 1e6,
    p99Ms: delay.percentile(99) / 1e6,
    lastMs,
    cpuMs: (used.user + used.system) / 1000 / STORM,
    serializeMs: serializeMs / STORM,
  };
}

export async function benchReplay(): Promise<void> {
  const rows: Row[] = [];
  for (const [name, text] of Object.entries(OUTPUTS)) {
    const parsed = feed(text, false);
    const dropped = feed(text, true);
    rows.push({
      metric: `${name}: MB/s (CPU-s for ${fmt(BYTES / 1e6, 0)} MB)`,
      value: `${fmt(dropped.mbps, 1)} (${fmt(dropped.cpuSeconds, 1)})`,
      floor: `every byte parsed: ${fmt(parsed.mbps, 1)} (${fmt(parsed.cpuSeconds, 1)})`,
    });
  }
  const full = serializeMs(OUTPUTS['kubectl get pods -A']!);
  rows.push({
    metric: `one replay of a full mirror (${SIZE.cols}x${SIZE.rows}, 10,000 rows), ms`,
    value: fmt(full.ms, 0),
    floor: `${fmt(full.bytes / 1e6)} MB sent`,
  });
  for (const [label, quietMs] of [
    ['right after their output', 0],
    ['after 2 s quiet', 2000],
    ['after 10 s quiet', 10_000],
  ] as const) {
    const s = await storm(OUTPUTS['kubectl get pods -A']!, quietMs);
    rows.push({
      metric: `${STORM} full mirrors reattach at once, ${label}: event loop max / p99 delay, ms`,
      value: `${fmt(s.maxMs, 0)} / ${fmt(s.p99Ms, 0)}`,
      floor: `last replay sent after ${fmt(s.lastMs, 0)} ms; per reattach ${fmt(s.cpuMs, 1)} ms CPU, ${fmt(s.serializeMs, 1)} ms in one turn`,
      target: 'max <= 50',
    });
  }
  printTable(`Reattach replay: output through a headless xterm (${SIZE.cols}x${SIZE.rows}, 16 KiB reads)`, rows);
}
