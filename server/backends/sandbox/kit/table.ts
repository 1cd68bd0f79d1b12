/** Columns the way Go's tabwriter lays them out for k3d and docker: each as wide as its widest cell plus padding. */
export function formatTable(rows: string[][], padding = 3): string {
  if (!rows.length) return '';
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + padding)))
          .join('')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
