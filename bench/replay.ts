/**
 * The reattach replay's cost (server/sessions/replay-terminal.ts): every byte a shell prints goes through a headless
 * xterm.js, on the server's one event loop. Fed here as node-pty hands output over (16 KiB reads), with and without
 * dropping plain text that scrolls out unparsed; plus what one replay costs to produce
 * (the event loop waits that long on a reattach).
 */
import {performance} from 'node:perf_hooks';
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

/** one reattach: serializing a mirror whose scrollback is full */
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
  printTable(`Reattach replay: output through a headless xterm (${SIZE.cols}x${SIZE.rows}, 16 KiB reads)`, rows);
}
