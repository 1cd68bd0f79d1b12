/** Small numeric helpers for the benchmarks. */
import {readFileSync} from 'node:fs';
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function fmt(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

export function rssKiB(pid: number): number {
  // VmRSS from /proc: resident memory of that process only (bash children are separate processes)
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) : NaN;
}

/**
 * Proportional set size from /proc/<pid>/smaps_rollup: private pages plus this process's share of pages it shares
 * (every attendee's bash and relay map the same binaries). Summed over processes it counts shared code once, where
 * RSS would count it once per process. NaN when the process is gone or the kernel lacks smaps_rollup.
 */
export function pssKiB(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

export interface Row {
  metric: string;
  value: string;
  floor?: string;
  ratio?: string;
  target?: string;
}

export function printTable(title: string, rows: Row[]): void {
  const head = ['metric', 'value', 'floor', 'ratio', 'target'];
  const cells = rows.map((r) => [r.metric, r.value, r.floor ?? '', r.ratio ?? '', r.target ?? '']);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(`\n${title}\n${line(head)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const c of cells) process.stdout.write(line(c) + '\n');
}
