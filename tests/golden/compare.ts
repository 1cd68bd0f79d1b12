/**
 * Compares one real transcript with the sandbox's output for the same command: both are normalised, narrowed by
 * the transcript's `select` / `ignore`, diffed line by line, and each hunk is checked against the known
 * differences. A hunk that is not listed is a new difference; a listed one that no longer occurs is stale.
 */
import {diffLines, formatHunk, sameHunk, type Hunk} from './diff';
import type {RealTranscript} from './fixtures';
import type {KnownDifference} from './known-differences';
import {normaliseOutput} from './normalise';

export interface Comparison {
  real: string[];
  sandbox: string[];
  hunks: Hunk[];
  /** differences KNOWN-DIFFERENCES.md does not list */
  unexpected: Hunk[];
  /** entries of KNOWN-DIFFERENCES.md for this transcript that did not occur */
  stale: KnownDifference[];
}

export interface Narrowing {
  select?: string;
  ignore?: string;
  unordered?: string;
}

/** The normalised lines of an output, narrowed as a transcript says: `ignore`, then `select`, then `unordered`. */
export function prepare(text: string, {select, ignore, unordered}: Narrowing = {}): string[] {
  let lines = normaliseOutput(text);
  if (ignore !== undefined) {
    const re = new RegExp(ignore, 'g');
    lines = lines.map((l) => l.replace(re, ''));
  }
  if (select !== undefined) {
    const re = new RegExp(select);
    lines = lines.filter((l) => re.test(l));
  }
  if (unordered !== undefined) {
    const re = new RegExp(unordered);
    const places = lines.flatMap((l, i) => (re.test(l) ? [i] : []));
    const sorted = places.map((i) => lines[i]!).sort();
    places.forEach((at, k) => (lines[at] = sorted[k]!));
  }
  return lines;
}

export function compareTranscript(
  t: RealTranscript,
  sandboxOutput: string,
  known: readonly KnownDifference[],
): Comparison {
  const real = prepare(t.output, t.sandbox);
  const sandbox = prepare(sandboxOutput, t.sandbox);
  const hunks = diffLines(real, sandbox);
  const mine = known.filter((k) => k.transcript === t.id);
  const unexpected = hunks.filter((h) => !mine.some((k) => sameHunk(k.hunk, h)));
  const stale = mine.filter((k) => !hunks.some((h) => sameHunk(k.hunk, h)));
  return {real, sandbox, hunks, unexpected, stale};
}

/** What to tell the developer when a comparison fails: each new hunk as a ready-to-paste ```diff block. */
export function explain(t: RealTranscript, c: Comparison): string {
  const parts: string[] = [];
  for (const h of c.unexpected) {
    parts.push(
      'new difference (not in KNOWN-DIFFERENCES.md): fix the sandbox or the page, or list it under ' +
        `"### ${t.id}: ..." as\n\`\`\`diff\n${formatHunk(h)}\n\`\`\``,
    );
  }
  for (const k of c.stale) {
    const where = `KNOWN-DIFFERENCES.md:${k.line} "${k.transcript}: ${k.title}"`;
    parts.push(`${where} no longer occurs: remove that diff block\n${formatHunk(k.hunk)}`);
  }
  parts.push(`real (normalised):\n${c.real.join('\n')}\n\nsandbox (normalised):\n${c.sandbox.join('\n')}`);
  return `${t.id} (${path(t)}):\n${parts.join('\n\n')}`;
}

const path = (t: RealTranscript) => t.file.replace(/^.*\/tests\//, 'tests/');
