import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import {dirname} from 'node:path';

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

export function readJson<T>(path: string, check: (v: unknown) => v is T): LoadResult<T> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {kind: 'missing'};
    return {kind: 'corrupt', error: (e as Error).message};
  }
  try {
    const v: unknown = JSON.parse(text);
    return check(v) ? {kind: 'ok', value: v} : {kind: 'corrupt', error: 'unexpected shape'};
  } catch (e) {
    return {kind: 'corrupt', error: (e as Error).message};
  }
}
