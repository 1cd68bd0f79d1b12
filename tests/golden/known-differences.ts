/**
 * Reads KNOWN-DIFFERENCES.md (repository root): every `### <transcript-id>: title` entry with one or more ```diff
 * blocks is a difference the comparison test expects. In a block, `- ` lines are the real transcript's (normalised)
 * and `+ ` lines the sandbox's; a block is one hunk. Entries without a ```diff block are prose only.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import type {Hunk} from './diff';

export const KNOWN_DIFFERENCES_FILE = path.join(import.meta.dirname, '../../KNOWN-DIFFERENCES.md');

export interface KnownDifference {
  transcript: string;
  title: string;
  /** `sandbox`, `page`, `both` or `none` */
  fix: string;
  hunk: Hunk;
  /** 1-based line of the ```diff fence */
  line: number;
}

export class KnownDifferencesError extends Error {}

export function parseKnownDifferences(text: string, where = 'KNOWN-DIFFERENCES.md'): KnownDifference[] {
  const lines = text.split('\n');
  const out: KnownDifference[] = [];
  let transcript: string | null = null;
  let title = '';
  let fix = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heading = /^### ([a-z0-9-]+): (.+)$/.exec(line);
    if (heading) {
      transcript = heading[1]!;
      title = heading[2]!;
      fix = '';
      continue;
    }
    if (/^#{1,3} /.test(line)) {
      transcript = null;
      continue;
    }
    const fixLine = /^- \*\*fix:\*\* (sandbox|page|both|none)\b/.exec(line);
    if (fixLine && transcript) fix = fixLine[1]!;
    if (line !== '```diff') continue;
    if (!transcript)
      throw new KnownDifferencesError(`${where}:${i + 1}: a diff block outside a "### <transcript-id>: title" entry`);
    if (!fix)
      throw new KnownDifferencesError(
        `${where}:${i + 1}: entry ${transcript} needs a "- **fix:** sandbox|page|both|none" line before its diff`,
      );
    const hunk: Hunk = {real: [], sandbox: []};
    const start = i + 1;
    for (i++; i < lines.length && lines[i] !== '```'; i++) {
      const l = lines[i]!;
      if (l === '-' || l.startsWith('- ')) {
        if (hunk.sandbox.length > 0)
          throw new KnownDifferencesError(`${where}:${i + 1}: write the real (-) lines before the sandbox (+) lines`);
        hunk.real.push(l.slice(2));
      } else if (l === '+' || l.startsWith('+ ')) hunk.sandbox.push(l.slice(2));
      else throw new KnownDifferencesError(`${where}:${i + 1}: a diff line starts with "- " (real) or "+ " (sandbox)`);
    }
    if (hunk.real.length + hunk.sandbox.length === 0)
      throw new KnownDifferencesError(`${where}:${start}: empty diff block`);
    out.push({transcript, title, fix, hunk, line: start});
  }
  return out;
}

export function loadKnownDifferences(file = KNOWN_DIFFERENCES_FILE): KnownDifference[] {
  return parseKnownDifferences(readFileSync(file, 'utf8'));
}
