/** `lab doctor`'s output: one aligned row per check, then how to fix what is missing. */
import type {DoctorCheck} from '../backends/types';

export function formatDoctorTable(checks: readonly DoctorCheck[]): string {
  const rows = [
    ['tool', 'status', 'version / detail'],
    ...checks.map((c) => [c.name, c.ok ? 'ok' : 'MISSING', c.detail]),
  ];
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => `${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]}`);
  lines.splice(1, 0, '-'.repeat(Math.min(100, Math.max(...lines.map((l) => l.length)))));
  const fixes = checks.filter((c) => !c.ok && c.fix);
  if (fixes.length > 0) {
    lines.push('', 'To fix:');
    for (const c of fixes) lines.push(`  ${c.name}: ${c.fix}`);
  }
  return lines.join('\n') + '\n';
}
