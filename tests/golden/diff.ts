/**
 * A line diff (longest common subsequence) between a real transcript and the sandbox's output, both normalised.
 * Each hunk is a run of changed lines between two equal ones: what the real cluster printed there and what the
 * sandbox printed instead. One of the two sides may be empty (a line only one of them prints).
 */
export interface Hunk {
  real: string[];
  sandbox: string[];
}

export function diffLines(real: readonly string[], sandbox: readonly string[]): Hunk[] {
  const n = real.length;
  const m = sandbox.length;
  // lcs[i][j]: length of the LCS of real[i..] and sandbox[j..]
  const lcs: number[][] = Array.from({length: n + 1}, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = real[i] === sandbox[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const hunks: Hunk[] = [];
  let current: Hunk | null = null;
  const flush = () => {
    if (current) hunks.push(current);
    current = null;
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && real[i] === sandbox[j]) {
      flush();
      i++;
      j++;
    } else if (j >= m || (i < n && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      current ??= {real: [], sandbox: []};
      current.real.push(real[i++]!);
    } else {
      current ??= {real: [], sandbox: []};
      current.sandbox.push(sandbox[j++]!);
    }
  }
  flush();
  return hunks;
}

/** A hunk as a ```diff block body: `- ` real lines, then `+ ` sandbox lines. */
export function formatHunk(h: Hunk): string {
  return [...h.real.map((l) => `- ${l}`), ...h.sandbox.map((l) => `+ ${l}`)].join('\n');
}

export function sameHunk(a: Hunk, b: Hunk): boolean {
  const same = (x: string[], y: string[]) => x.length === y.length && x.every((l, i) => l === y[i]);
  return same(a.real, b.real) && same(a.sandbox, b.sandbox);
}
