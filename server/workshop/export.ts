/**
 * The workshop's results as files: one row per attendee and step in scope (ResultRow), as CSV for a spreadsheet and
 * as JSON for anything else. Names are the attendees' own typing: a cell that a spreadsheet would run as a formula
 * (starting with = + - @, tab or CR) is prefixed with a quote (OWASP's CSV injection advice).
 */
import type {ResultRow} from '../../src/core/protocol/workshop';

const COLUMNS = ['attendee', 'attendeeId', 'pageId', 'stepId', 'status', 'attempts', 'timeTakenSeconds'] as const;

export function resultsCsv(rows: readonly ResultRow[]): string {
  const lines = [COLUMNS.join(',')];
  for (const row of rows) lines.push(COLUMNS.map((c) => csvCell(row[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

export function resultsJson(workshopId: string, rows: readonly ResultRow[], exportedAt: number): string {
  return JSON.stringify({workshopId, exportedAt: new Date(exportedAt).toISOString(), results: rows}, null, 2) + '\n';
}

function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
