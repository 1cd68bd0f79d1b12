/**
 * Chunked lists (`?limit=N&continue=…`), as the apiserver's etcd3 store serves them: kubectl asks every `get` in
 * chunks of 500 (`--chunk-size`), so a namespace of 19000 pods is 38 bounded requests, not one 19000-row answer.
 *
 * The continue token is the apiserver's own (k8s.io/apiserver pkg/storage/continue.go at 1.31): base64url (no
 * padding) of {"v":"meta.k8s.io/v1","rv":<list resourceVersion>,"start":"<last key>\u0000"}, the key relative to the
 * list's prefix (`<namespace>/<name>` across namespaces, `<name>` inside one). Its errors are the store's
 * (etcd3/store.go GetList): 400 "invalid continue token: continue key is not valid…".
 *
 * One difference (KNOWN-DIFFERENCES.md): etcd serves every later chunk at the first chunk's revision, a consistent
 * snapshot; the sandbox keeps no old revisions, so later chunks read the objects as they are now (keys after the
 * last one returned), reported under the first chunk's resourceVersion.
 */
import path from 'node:path';
import {errors} from './status';

const TOKEN_VERSION = 'meta.k8s.io/v1';
const INVALID = 'continue key is not valid';

export interface ChunkRequest {
  /** at most this many items; 0 or absent: all */
  limit: number;
  /** where to start, relative to the list's prefix (decoded from the token); absent: from the first key */
  startKey?: string;
  /** the resourceVersion the first chunk reported, carried by the token */
  resourceVersion?: string;
}

/** reads `limit`, `continue` and `resourceVersion` from a list request's query */
export function chunkRequest(query: URLSearchParams): ChunkRequest {
  const limitText = query.get('limit');
  const limit = limitText === null || limitText === '' ? 0 : Number(limitText);
  // the apiserver's conversion (runtime.Convert_Slice_string_To_int64) refuses what is not an integer
  if (!Number.isSafeInteger(limit))
    throw errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(limitText)}: invalid syntax`);
  const token = query.get('continue');
  if (!token) return {limit: Math.max(0, limit)};
  const rv = query.get('resourceVersion');
  if (rv && rv !== '0') throw errors.badRequest('specifying resource version is not allowed when using continue');
  const {startKey, resourceVersion} = decodeContinue(token);
  return {limit: Math.max(0, limit), startKey, resourceVersion};
}

export function encodeContinue(lastKey: string, resourceVersion: string): string {
  const token = {v: TOKEN_VERSION, rv: Number(resourceVersion), start: `${lastKey}\u0000`};
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');
}

function decodeContinue(token: string): {startKey: string; resourceVersion: string} {
  const invalid = (why: string) => errors.badRequest(`invalid continue token: ${why}`);
  if (!/^[A-Za-z0-9_-]*$/.test(token)) throw invalid(`${INVALID}: illegal base64 data at input byte 0`);
  let c: unknown;
  try {
    c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch (e) {
    throw invalid(`${INVALID}: ${(e as Error).message}`);
  }
  const t = (c ?? {}) as {v?: unknown; rv?: unknown; start?: unknown};
  if (t.v !== TOKEN_VERSION)
    throw invalid(`${INVALID}: server does not recognize this encoded version ${JSON.stringify(String(t.v ?? ''))}`);
  if (typeof t.rv !== 'number' || !Number.isSafeInteger(t.rv) || t.rv === 0)
    throw invalid(`${INVALID}: incorrect encoded start resourceVersion (version meta.k8s.io/v1)`);
  if (typeof t.start !== 'string' || t.start === '')
    throw invalid(`${INVALID}: encoded start key empty (version meta.k8s.io/v1)`);
  // as DecodeContinue: a key that path.Clean would change could reach outside the list's prefix
  const rooted = t.start.startsWith('/') ? t.start : `/${t.start}`;
  if (path.posix.normalize(rooted) !== rooted || (rooted.length > 1 && rooted.endsWith('/')))
    throw invalid(`${INVALID}: ${t.start}`);
  return {startKey: rooted.slice(1), resourceVersion: String(t.rv)};
}
