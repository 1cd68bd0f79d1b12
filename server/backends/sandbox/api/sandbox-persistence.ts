import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {explainIssues} from './explain-issues';
import {logRecord, sandboxStateFile, type LogRecord, type SandboxStateFile} from './sandbox-state';
import {readJson} from './state-file';
import type {StoreSnapshot} from './store';
import type {StoreEvent} from './types';
import {listSegments} from './write-ahead-log';

/**
 * A sandbox on disk: `state.json` (a snapshot: token, creation time, every object at one resourceVersion) plus
 * the write-ahead log segments written since (`wal-NNNNNN.jsonl`). Loading replays the log over the snapshot.
 */
export const STATE_FILE = 'state.json';

/**
 * `state.json`'s text in pieces, one per object: the same JSON as `JSON.stringify(state)`, produced lazily so
 * that compaction can serialize a large store a slice at a time. Everything but the objects' own text is read
 * now; the object list is the one given (the store replaces stored objects, it does not change them).
 */
export function* stateFileText(state: SandboxStateFile): Generator<string> {
  const {store, ...rest} = state;
  const head = JSON.stringify({...rest, store: {resourceVersion: store.resourceVersion, objects: []}});
  // the head ends in `[]}}`: the objects go between the brackets
  yield head.slice(0, -3);
  let first = true;
  for (const x of store.objects) {
    yield (first ? '' : ',') + JSON.stringify(x);
    first = false;
  }
  yield head.slice(-3);
}

/** the log line for a change the store published */
export function logLine(e: StoreEvent): string {
  const {apiVersion, kind, metadata} = e.object;
  const object =
    e.type === 'DELETED'
      ? {apiVersion, kind, metadata: {name: metadata.name, namespace: metadata.namespace, uid: metadata.uid}}
      : e.object;
  const r: LogRecord = {
    rv: e.resourceVersion,
    type: e.type,
    group: e.resource.group,
    resource: e.resource.resource,
    object,
  };
  return JSON.stringify(r);
}

export type LoadedSandbox =
  | {kind: 'missing'}
  | {kind: 'corrupt'; error: string}
  | {
      kind: 'ok';
      state: SandboxStateFile;
      /** the newest segment on disk (0 when none): new records go to the next */
      lastSegment: number;
      /** records applied over the snapshot */
      replayed: number;
      /** complete lines that did not parse or pass the schema (not a torn tail): skipped, worth reporting */
      skipped: string[];
    };

/**
 * The snapshot with every logged change after it applied. A segment's last line without its newline is a write
 * cut short by a crash (never acknowledged: acknowledgement waits for the fsync after the newline) and is ignored.
 */
export function loadSandbox(dir: string): LoadedSandbox {
  const r = readJson(join(dir, STATE_FILE), sandboxStateFile);
  if (r.kind !== 'ok') return r;
  const state = r.value;
  const objects = new Map<string, StoreSnapshot['objects'][number]>();
  const id = (group: string, resource: string, o: {metadata: {namespace?: string; name: string}}) =>
    `${group}/${resource}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  for (const x of state.store.objects) objects.set(id(x.group, x.resource, x.object as never), x);
  let rv = state.store.resourceVersion;
  let replayed = 0;
  const skipped: string[] = [];
  const segments = listSegments(dir);
  for (const seg of segments) {
    let text: string;
    try {
      text = readFileSync(seg.path, 'utf8');
    } catch (e) {
      return {kind: 'corrupt', error: `${seg.path}: ${(e as Error).message}`};
    }
    const lines = text.split('\n');
    lines.pop(); // '' after the last newline, or a torn tail
    lines.forEach((line, i) => {
      const rec = parseRecord(line);
      if (typeof rec === 'string') {
        skipped.push(`${seg.path}:${i + 1}: ${rec}`);
        return;
      }
      if (rec.rv <= rv) return; // already in the snapshot (or written twice around a compaction)
      rv = rec.rv;
      replayed++;
      const k = id(rec.group, rec.resource, rec.object as never);
      if (rec.type === 'DELETED') objects.delete(k);
      else objects.set(k, {group: rec.group, resource: rec.resource, object: rec.object});
    });
  }
  return {
    kind: 'ok',
    state: {...state, store: {resourceVersion: rv, objects: [...objects.values()]}},
    lastSegment: segments.at(-1)?.seq ?? 0,
    replayed,
    skipped,
  };
}

function parseRecord(line: string): LogRecord | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    return (e as Error).message;
  }
  const p = logRecord.safeParse(v);
  return p.success ? p.data : explainIssues(p.error);
}
