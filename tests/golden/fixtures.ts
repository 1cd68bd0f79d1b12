/**
 * Reads the real transcripts in tests/fixtures/real (format: tests/fixtures/real/README.md): a YAML header between
 * two `---` lines, then the real output, verbatim, to the end of the file.
 */
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {parse} from 'yaml';

export const REAL_DIR = path.join(import.meta.dirname, '../fixtures/real');

export interface Source {
  /** owner/name on GitHub */
  repo?: string;
  path?: string;
  commit?: string;
  /** a thread or page, when the output was pasted there */
  url?: string;
  /**
   * the id of a public GitHub file in the search index (find_string / read_file) whose repository the index does not
   * name: weaker provenance, used only where no named source was found (see tests/fixtures/real/README.md)
   */
  index?: string;
  /** how the text was taken from it (e.g. asciinema frames joined, escapes removed) */
  note?: string;
}

export interface SandboxRun {
  /** the scenario (tests/golden/scenarios.ts) whose state the command needs */
  scenario: string;
  /** the label of the scenario step after which to run; without `run`, that step's own output is compared */
  at: string;
  /** the command to run in the sandbox, when it is not the step at `at` */
  run?: string;
  /** compare only the normalised lines that match (both sides) */
  select?: string;
  /** removed from every normalised line (both sides) before comparing: for what a transcript leaves out */
  ignore?: string;
  /**
   * lines that match are compared as a set: sorted among themselves, in the places they occupy (rows whose order
   * legitimately varies, such as components finishing in parallel)
   */
  unordered?: string;
  /** why `run`, `select` or `ignore` differ from the real command */
  why?: string;
}

export interface RealTranscript {
  id: string;
  file: string;
  command: string;
  source: Source;
  versions: Record<string, string>;
  /** walkthrough steps (`page/step-id`) that run this command or show this output */
  steps: string[];
  sandbox: SandboxRun;
  /** the real output, verbatim */
  output: string;
}

export class FixtureError extends Error {}

function str(value: unknown, where: string, required = true): string | undefined {
  if (value === undefined || value === null) {
    if (required) throw new FixtureError(`${where} is required`);
    return undefined;
  }
  if (typeof value !== 'string' || value.trim() === '') throw new FixtureError(`${where} must be a non-empty string`);
  return value;
}

export function parseTranscript(file: string, text: string): RealTranscript {
  const where = path.basename(file);
  const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
  if (!m) throw new FixtureError(`${where}: must start with a YAML header between two '---' lines`);
  const head = parse(m[1]!) as Record<string, unknown>;
  const id = str(head.id, `${where}: id`)!;
  if (`${id}.txt` !== where) throw new FixtureError(`${where}: id "${id}" must match the file name`);
  const source = (head.source ?? {}) as Record<string, unknown>;
  const src: Source = {
    repo: str(source.repo, `${where}: source.repo`, false),
    path: str(source.path, `${where}: source.path`, false),
    commit: str(source.commit, `${where}: source.commit`, false),
    url: str(source.url, `${where}: source.url`, false),
    index: str(source.index, `${where}: source.index`, false),
    note: str(source.note, `${where}: source.note`, false),
  };
  if (!src.url && !src.index && !(src.repo && src.path && src.commit)) {
    throw new FixtureError(`${where}: source needs repo + path + commit, or url, or index`);
  }
  if (src.index && (!/^\d+$/.test(src.index) || !src.note)) {
    throw new FixtureError(
      `${where}: source.index is the index's numeric file id, and needs a note saying what the file is`,
    );
  }
  if (src.commit && !/^[0-9a-f]{40}$/.test(src.commit))
    throw new FixtureError(`${where}: source.commit must be 40 hex digits`);
  const sb = (head.sandbox ?? {}) as Record<string, unknown>;
  const sandbox: SandboxRun = {
    scenario: str(sb.scenario, `${where}: sandbox.scenario`)!,
    at: str(sb.at, `${where}: sandbox.at`)!,
    run: str(sb.run, `${where}: sandbox.run`, false),
    select: str(sb.select, `${where}: sandbox.select`, false),
    ignore: str(sb.ignore, `${where}: sandbox.ignore`, false),
    unordered: str(sb.unordered, `${where}: sandbox.unordered`, false),
    why: str(sb.why, `${where}: sandbox.why`, false),
  };
  for (const key of ['select', 'ignore', 'unordered'] as const) {
    const re = sandbox[key];
    if (re !== undefined) {
      try {
        new RegExp(re);
      } catch (e) {
        throw new FixtureError(`${where}: sandbox.${key} is not a regular expression: ${(e as Error).message}`);
      }
    }
  }
  const versions = (head.versions ?? {}) as Record<string, unknown>;
  const steps = head.steps ?? [];
  if (!Array.isArray(steps) || !steps.every((s) => typeof s === 'string' && /^[a-z0-9-]+\/[a-z0-9-]+$/.test(s))) {
    throw new FixtureError(`${where}: steps must be a list of page/step-id`);
  }
  if (m[2]!.trim() === '') throw new FixtureError(`${where}: the real output is empty`);
  return {
    id,
    file,
    command: str(head.command, `${where}: command`)!,
    source: src,
    versions: Object.fromEntries(Object.entries(versions).map(([k, v]) => [k, String(v)])),
    steps: steps as string[],
    sandbox,
    output: m[2]!,
  };
}

export function loadTranscripts(dir = REAL_DIR): RealTranscript[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => parseTranscript(path.join(dir, f), readFileSync(path.join(dir, f), 'utf8')));
}
