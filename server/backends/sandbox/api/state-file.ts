import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import {dirname} from 'node:path';
import type {z} from 'zod';
import {explainIssues} from './explain-issues';

/**
 * A JSON file written after changes settle (debounced) and atomically (temp file + rename), so a crash mid-write
 * leaves the previous state, never half a file.
 */
export class DebouncedJsonFile {
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    readonly path: string,
    private readonly state: () => unknown,
    private readonly debounceMs = 250,
    private readonly onError: (e: Error) => void = () => {},
  ) {}

  /** a change happened: save soon */
  touch(): void {
    if (this.disposed || this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.debounceMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    try {
      writeJsonAtomic(this.path, this.state());
    } catch (e) {
      this.onError(e as Error);
    }
  }

  /** write what is pending, then stop */
  dispose(): void {
    if (this.timer) this.flush();
    this.disposed = true;
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  // the state holds the sandbox's bearer token: owner-only
  mkdirSync(dirname(path), {recursive: true, mode: 0o700});
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value), {mode: 0o600});
  renameSync(tmp, path);
}

export type LoadResult<T> = {kind: 'missing'} | {kind: 'ok'; value: T} | {kind: 'corrupt'; error: string};

/** a JSON file checked against its schema; corrupt says why in one line (the file, the JSON, or the first issues) */
export function readJson<T>(path: string, schema: z.ZodType<T>): LoadResult<T> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {kind: 'missing'};
    return {kind: 'corrupt', error: (e as Error).message};
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return {kind: 'corrupt', error: (e as Error).message};
  }
  const r = schema.safeParse(v);
  return r.success ? {kind: 'ok', value: r.data} : {kind: 'corrupt', error: explainIssues(r.error)};
}
