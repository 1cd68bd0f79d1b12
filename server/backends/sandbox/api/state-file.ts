import {closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import {dirname} from 'node:path';
import type {z} from 'zod';
import {explainIssues} from './explain-issues';
import {fsyncDir} from './write-ahead-log';

/** A JSON file replaced durably: temp file, fsync, rename, fsync of the directory. A crash leaves old or new. */
export function writeJsonAtomic(path: string, value: unknown): void {
  // the state holds the sandbox's bearer token: owner-only
  mkdirSync(dirname(path), {recursive: true, mode: 0o700});
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeFileSync(fd, JSON.stringify(value));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDir(dirname(path));
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
