/**
 * What the instructor's board computes from a BoardSnapshot before drawing it: totals per step, column groups per
 * page, how far an attendee got, and times ("2 min ago", "1 h 05 min left") as numbers the page words in its locale.
 * Platform-free and pure: the page and the unit tests share it.
 */
import type {BoardRow, BoardSnapshot, BoardStepState} from '../protocol/workshop';

export type BoardColumn = BoardSnapshot['columns'][number];

/** the key of a step in BoardRow.steps and BoardRow.reached */
export function stepKey(pageId: string, stepId: string): string {
  return `${pageId}/${stepId}`;
}

export interface StepTotal {
  passed: number;
  caughtUp: number;
  failed: number;
  running: number;
}

/** How many attendees are in each state, per column, in column order. A caught-up step is not a pass. */
export function stepTotals(board: Pick<BoardSnapshot, 'columns' | 'rows'>): StepTotal[] {
  return board.columns.map((column) => {
    const total: StepTotal = {passed: 0, caughtUp: 0, failed: 0, running: 0};
    const key = stepKey(column.pageId, column.stepId);
    for (const row of board.rows) {
      const state: BoardStepState | undefined = row.steps[key]?.state;
      if (state === 'passed') total.passed++;
      else if (state === 'caught-up') total.caughtUp++;
      else if (state === 'failed') total.failed++;
      else if (state === 'running') total.running++;
    }
    return total;
  });
}

export interface ColumnGroup {
  pageId: string;
  /** index of the group's first column */
  start: number;
  span: number;
}

/** Consecutive columns of one page, for the header row that names the pages above their steps. */
export function columnGroups(columns: readonly BoardColumn[]): ColumnGroup[] {
  const groups: ColumnGroup[] = [];
  columns.forEach((column, i) => {
    const last = groups[groups.length - 1];
    if (last && last.pageId === column.pageId) last.span++;
    else groups.push({pageId: column.pageId, start: i, span: 1});
  });
  return groups;
}

/** The column of the furthest step an attendee passed or was caught up to, or -1. */
export function reachedColumn(row: Pick<BoardRow, 'reached'>, columns: readonly BoardColumn[]): number {
  if (!row.reached) return -1;
  return columns.findIndex((c) => stepKey(c.pageId, c.stepId) === row.reached);
}

export type Elapsed =
  | {unit: 'now'}
  | {unit: 'seconds'; value: number}
  | {unit: 'minutes'; value: number}
  | {unit: 'hours'; value: number}
  | {unit: 'days'; value: number};

/** How long ago `then` was: under 10 s is "now"; then whole seconds, minutes, hours, days (rounded down). */
export function elapsedSince(then: number, now: number): Elapsed {
  const seconds = Math.max(0, Math.floor((now - then) / 1000));
  if (seconds < 10) return {unit: 'now'};
  if (seconds < 60) return {unit: 'seconds', value: seconds};
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return {unit: 'minutes', value: minutes};
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return {unit: 'hours', value: hours};
  return {unit: 'days', value: Math.floor(hours / 24)};
}

/** Time left until `deadline` as "h:mm" parts (minutes rounded up, so "0:01" until the very end), or null when past. */
export function timeLeft(deadline: number, now: number): {hours: number; minutes: number} | null {
  const ms = deadline - now;
  if (ms <= 0) return null;
  const totalMinutes = Math.ceil(ms / 60_000);
  return {hours: Math.floor(totalMinutes / 60), minutes: totalMinutes % 60};
}

/** "ACD-EFG": a six-character join code in two halves, as read off a projector. Other lengths are left whole. */
export function displayJoinCode(code: string): string {
  const compact = compactJoinCode(code);
  return compact.length === 6 ? `${compact.slice(0, 3)}-${compact.slice(3)}` : compact;
}

/** What a person typed, as the server compares it: upper case, no spaces or dashes (the server normalises too). */
export function compactJoinCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s\-‐-―]/g, '');
}

/** The typed code has the six letters or digits a join code has (the form says so before asking the server). */
export function looksLikeJoinCode(typed: string): boolean {
  return /^[A-Z0-9]{6}$/.test(compactJoinCode(typed));
}

/** Attendees needing the instructor first (a raised hand, earliest first; then stuck), the rest in join order. */
export function attentionOrder(rows: readonly BoardRow[]): BoardRow[] {
  const rank = (row: BoardRow) => (row.handRaisedAt !== undefined ? 0 : row.stuck ? 1 : 2);
  return rows
    .map((row, i) => ({row, i}))
    .sort((a, b) => {
      const byRank = rank(a.row) - rank(b.row);
      if (byRank) return byRank;
      if (a.row.handRaisedAt !== undefined && b.row.handRaisedAt !== undefined) {
        return a.row.handRaisedAt - b.row.handRaisedAt || a.i - b.i;
      }
      return a.i - b.i;
    })
    .map((x) => x.row);
}
