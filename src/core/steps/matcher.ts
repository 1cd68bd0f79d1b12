/**
 * Compares a command's output with a step's expected output, tolerant in the ways istio.io's verify.sh is
 * (`_verify_contains`, `_verify_not_contains`, `_verify_like`, `_verify_elided`), so documented output keeps
 * matching across runs: pod hashes, IPs, ages, versions, dates and column widths change; shape does not.
 * Platform-free.
 */
import type {OutputCheck} from './types';

export interface MatchResult {
  ok: boolean;
  /** why it failed (first difference, with line numbers), or a short confirmation */
  message: string;
}

export interface LikeOptions {
  /** `<pending>` matches an IP (istio's CMP_MATCH_IP_PENDING) */
  matchIpPending?: boolean;
  /** `<none>` matches an IP (istio's CMP_MATCH_IP_NONE) */
  matchIpNone?: boolean;
}

// CSI, OSC (ended by BEL or ST), other two-byte escapes.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** Removes ANSI escape sequences (colours, cursor moves, OSC markers) and nothing else. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Strips ANSI sequences and \r, trims trailing whitespace of each line and trailing blank lines. */
export function normalizeOutput(text: string): string {
  return text
    .replace(ANSI, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .join('\n')
    .replace(/\n+$/, '');
}

export function matchOutput(check: OutputCheck, actual: string, options: LikeOptions = {}): MatchResult {
  switch (check.kind) {
    case 'contains':
      return matchContains(check.pattern, actual);
    case 'not-contains':
      return matchNotContains(check.pattern, actual);
    case 'regex':
      return matchRegex(check.pattern, actual);
    case 'like':
      return matchLike(check.pattern, actual, options);
  }
}

/** The expected text (one or several lines) appears as one contiguous block. */
export function matchContains(expected: string, actual: string): MatchResult {
  const want = normalizeOutput(expected).replace(/^\n+/, '');
  const got = normalizeOutput(actual);
  if (got.includes(want)) return {ok: true, message: 'output contains the expected text'};
  const lines = want.split('\n');
  // Point at the first expected line that is missing, which is usually what the author needs to fix.
  const missing = lines.find((line) => !got.includes(line));
  const detail =
    missing !== undefined && lines.length > 1 ? ` (line ${lines.indexOf(missing) + 1} "${missing}" is missing)` : '';
  return {ok: false, message: `output does not contain ${quote(want)}${detail}`};
}

export function matchNotContains(unwanted: string, actual: string): MatchResult {
  const text = normalizeOutput(unwanted);
  const got = normalizeOutput(actual);
  const at = got.indexOf(text);
  if (at < 0) return {ok: true, message: 'output does not contain the unwanted text'};
  const line = got.slice(0, at).split('\n').length;
  return {ok: false, message: `output contains ${quote(text)} at line ${line}, which it must not`};
}

/** JavaScript regex with the multiline flag, so ^ and $ anchor lines. */
export function matchRegex(pattern: string, actual: string): MatchResult {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, 'm');
  } catch (error) {
    return {ok: false, message: `invalid regular expression /${pattern}/: ${(error as Error).message}`};
  }
  return regex.test(normalizeOutput(actual))
    ? {ok: true, message: `output matches /${pattern}/`}
    : {ok: false, message: `output does not match /${pattern}/`};
}

// ------------------------------------------------------------------------------------------------ like

const DURATION = /^([0-9]+[smhd])+$/; // kubectl ages: 5m10s, 2d3h, 45s
const VERSION = /^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/; // 1.27.1, v1.31.5+k3s1, 1.24.0-distroless
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?$/;
const TIME = /^\d{2}:\d{2}:\d{2}(?:\.\d+)?$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?(?:\/\d{1,2})?$/;
// The part two names share up to their last `-` must be name segments (istio: ^([a-zA-Z0-9_/]+-)+; we also
// allow `.` so `deployment.apps/istiod-...` qualifies); what differs after it must look like generated
// suffixes (alphanumeric, same number of segments) so host names such as `a-b.default.svc` stay exact.
const NAME_PREFIX = /^([a-zA-Z0-9_./]+-)+$/;
const GENERATED_SUFFIX = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/;

type TokenKind = 'duration' | 'version' | 'date' | 'timestamp' | 'time' | 'ip';

function tokenKind(token: string, options: LikeOptions): TokenKind | null {
  if (DURATION.test(token) || token === '<invalid>') return 'duration';
  if (VERSION.test(token)) return 'version';
  if (TIMESTAMP.test(token)) return 'timestamp';
  if (DATE.test(token)) return 'date';
  if (TIME.test(token)) return 'time';
  if (IPV4.test(token)) return 'ip';
  if (token === '<pending>' && options.matchIpPending) return 'ip';
  if (token === '<none>' && options.matchIpNone) return 'ip';
  return null;
}

/** Whether an actual token is "like" an expected one. */
export function tokenLike(expected: string, actual: string, options: LikeOptions = {}): boolean {
  if (expected === actual || expected === '...') return true;
  // Our extension: `istiod-...` matches any token that starts with `istiod-`.
  if (expected.length > 3 && expected.endsWith('...') && actual.startsWith(expected.slice(0, -3))) return true;
  const kind = tokenKind(expected, options);
  if (kind !== null && kind === tokenKind(actual, options)) return true;
  return sameGeneratedName(expected, actual);
}

function sameGeneratedName(expected: string, actual: string): boolean {
  let common = 0;
  while (common < expected.length && expected[common] === actual[common]) common++;
  const cut = expected.lastIndexOf('-', common - 1) + 1;
  if (cut === 0) return false;
  const prefix = expected.slice(0, cut);
  const restExpected = expected.slice(cut);
  const restActual = actual.slice(cut);
  return (
    NAME_PREFIX.test(prefix) &&
    GENERATED_SUFFIX.test(restExpected) &&
    GENERATED_SUFFIX.test(restActual) &&
    restExpected.split('-').length === restActual.split('-').length
  );
}

function tokens(line: string): string[] {
  return line
    .trim()
    .split(/\s+/)
    .filter((token) => token !== '');
}

/** null when the lines are alike; otherwise what differs (1-based token number). */
function lineDifference(expected: string, actual: string, options: LikeOptions): string | null {
  const want = tokens(expected);
  const got = tokens(actual);
  if (want.length !== got.length) {
    return `expected ${want.length} tokens, got ${got.length}:\n  expected: ${expected.trim()}\n  actual:   ${actual.trim()}`;
  }
  for (let i = 0; i < want.length; i++) {
    if (!tokenLike(want[i]!, got[i]!, options)) {
      return `token ${i + 1}: expected "${want[i]}", got "${got[i]}":\n  expected: ${expected.trim()}\n  actual:   ${actual.trim()}`;
    }
  }
  return null;
}

function linesOf(text: string): string[] {
  const normalized = normalizeOutput(text).replace(/^(\s*\n)+/, '');
  return normalized === '' ? [] : normalized.split('\n');
}

/**
 * istio.io `_verify_like`: same number of lines and of whitespace-separated tokens per line; tokens compare by
 * kind (durations, versions, dates, times, IPs), by generated-name prefix (pod hashes), or exactly; an expected
 * token `...` matches any token, and an expected line `...` matches any run of lines (as in `_verify_elided`).
 */
export function matchLike(expected: string, actual: string, options: LikeOptions = {}): MatchResult {
  const want = linesOf(expected);
  const got = linesOf(actual);
  // Chunks of consecutive expected lines, separated by `...` lines (gaps).
  const chunks: {start: number; lines: string[]}[] = [{start: 0, lines: []}];
  want.forEach((line, index) => {
    if (line.trim() === '...') chunks.push({start: index + 1, lines: []});
    else chunks[chunks.length - 1]!.lines.push(line);
  });

  const chunkAt = (chunk: {lines: string[]}, at: number): {line: number; why: string} | null => {
    for (let k = 0; k < chunk.lines.length; k++) {
      const actualLine = got[at + k];
      if (actualLine === undefined) return {line: k, why: 'output ended'};
      const why = lineDifference(chunk.lines[k]!, actualLine, options);
      if (why !== null) return {line: k, why};
    }
    return null;
  };

  const first = chunks[0]!;
  const last = chunks[chunks.length - 1]!;
  if (chunks.length === 1) {
    // No gaps: line by line, then the line count (report the first differing line before a count mismatch).
    for (let i = 0; i < Math.min(want.length, got.length); i++) {
      const why = lineDifference(want[i]!, got[i]!, options);
      if (why !== null) return {ok: false, message: `line ${i + 1}: ${why}`};
    }
    if (want.length !== got.length) {
      const extra =
        got.length > want.length
          ? `first extra line ${want.length + 1}: ${got[want.length]!.trim()}`
          : `missing from line ${got.length + 1}: ${want[got.length]!.trim()}`;
      return {ok: false, message: `expected ${want.length} lines, got ${got.length} (${extra})`};
    }
    return {ok: true, message: 'output is like the expected output'};
  }

  // The first chunk is anchored at the top, the last at the bottom, middle ones float: the leftmost place
  // where each fits is always a safe choice because later chunks only need room after it.
  const firstMiss = chunkAt(first, 0);
  if (firstMiss) return {ok: false, message: `line ${firstMiss.line + 1}: ${firstMiss.why}`};
  let cursor = first.lines.length;
  const lastStart = got.length - last.lines.length;
  for (const chunk of chunks.slice(1, -1)) {
    if (chunk.lines.length === 0) continue;
    let found = -1;
    for (let at = cursor; at + chunk.lines.length <= lastStart; at++) {
      if (chunkAt(chunk, at) === null) {
        found = at;
        break;
      }
    }
    if (found < 0) {
      return {
        ok: false,
        message: `expected line ${chunk.start + 1} "${chunk.lines[0]!.trim()}" (and the ${chunk.lines.length - 1} after it) was not found after output line ${cursor}`,
      };
    }
    cursor = found + chunk.lines.length;
  }
  if (lastStart < cursor) {
    return {ok: false, message: `expected at least ${cursor + last.lines.length} lines, got ${got.length}`};
  }
  const lastMiss = chunkAt(last, lastStart);
  if (lastMiss) {
    return {
      ok: false,
      message: `line ${lastStart + lastMiss.line + 1} (expected line ${last.start + lastMiss.line + 1}): ${lastMiss.why}`,
    };
  }
  return {ok: true, message: 'output is like the expected output'};
}

function quote(text: string): string {
  return text.includes('\n') ? `\n${text}\n` : `"${text}"`;
}
