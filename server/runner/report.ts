/** What a person reads at the end of a headless run: a table of steps and, for a failure, why. */
import type {StepResult} from '../../src/core/protocol/messages';

export function resultTable(results: StepResult[], totalMs: number): string {
  const rows = results.map((result) => [
    result.pageId,
    result.stepId,
    result.status,
    ((result.durationMs ?? 0) / 1000).toFixed(1),
  ]);
  const header = ['page', 'step', 'status', 'seconds'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 3 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  const passed = results.filter((result) => result.status === 'passed').length;
  return [
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
    '',
    `${passed}/${results.length} steps passed in ${(totalMs / 1000).toFixed(1)}s`,
  ].join('\n');
}

export function failureReport(result: StepResult): string {
  const failure = result.failure;
  if (!failure) return `step ${result.pageId}/${result.stepId} failed`;
  const indent = (text: string) =>
    text
      .split('\n')
      .map((line) => `    ${line}`)
      .join('\n');
  return [
    `FAILED ${result.pageId}/${result.stepId}: check "${failure.check}"`,
    '  expected:',
    indent(failure.expected),
    '  actual:',
    indent(failure.actual),
  ].join('\n');
}
