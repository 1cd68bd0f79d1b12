import {applyPatch, Pointer, type Operation} from 'rfc6902';
import {goJsonKind} from './object-shape';
import {isPlainObject} from './patch-merge';
import {ApiError, errors} from './status';

/**
 * RFC 6902 JSON patch (kubectl patch --type=json), applied by rfc6902, answered as the API server answers.
 * Upstream (k8s.io/apiserver/pkg/endpoints/handlers/patch.go, jsonPatcher.applyJSPatch) runs
 * gopkg.in/evanphx/json-patch.v4, whose few departures from the RFC are resolved here before rfc6902 sees an
 * operation: see upstreamOperation.
 */

/** handlers.maxJSONPatchOperations */
const MAX_OPERATIONS = 10000;

/**
 * Every failure while applying: errors.NewGenericServerResponse(422, …, err.Error(), …) keeps the reason and a
 * generic message but drops the library's text, so kubectl prints
 * "The request is invalid: the server rejected our request due to an error in our request".
 */
const applyFailed = () =>
  new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});

/**
 * The strict decode into []handlers.jsonPatchOp that runs first (fieldValidation defaults to Warn, so also for
 * kubectl patch): its errors are 400s in Go encoding/json's words, byte for byte what kubectl prints.
 */
function decodeOperations(patch: unknown): Record<string, unknown>[] {
  const fail = (what: string) => errors.badRequest(`error decoding patch: json: cannot unmarshal ${what}`);
  if (patch === null) return []; // a nil slice: nothing to do
  if (!Array.isArray(patch)) throw fail(`${goJsonKind(patch)} into Go value of type []handlers.jsonPatchOp`);
  for (const op of patch) {
    if (op === null) continue;
    if (!isPlainObject(op)) throw fail(`${goJsonKind(op)} into Go value of type handlers.jsonPatchOp`);
    for (const field of ['op', 'path', 'from'])
      if (op[field] !== undefined && op[field] !== null && typeof op[field] !== 'string')
        throw fail(`${goJsonKind(op[field])} into Go struct field jsonPatchOp.${field} of type string`);
  }
  if (patch.length > MAX_OPERATIONS)
    throw new ApiError(
      413,
      'RequestEntityTooLarge',
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_OPERATIONS}, got ${patch.length}`,
    );
  return patch.map((op: Record<string, unknown> | null) => op ?? {});
}

/** where a pointer leads in doc: the container it ends in, its last token, and the pointer with array indices as Go reads them */
function locate(doc: unknown, pointer: string, inserting: boolean) {
  const tokens = Pointer.fromJSON(pointer).tokens.slice(1);
  let cur = doc;
  for (let i = 0; i < tokens.length; i++) {
    const last = i === tokens.length - 1;
    if (Array.isArray(cur) && /^-?\d+$/.test(tokens[i]!)) {
      // strconv.Atoi: "01" is 1; SupportNegativeIndices (default true): -1 is the last element, for add the end
      let n = Number(tokens[i]);
      if (n < 0) n += cur.length + (inserting && last ? 1 : 0);
      if (n >= 0) tokens[i] = String(n);
    }
    if (last) return {pointer: new Pointer(['', ...tokens]).toString(), parent: cur, key: tokens[i]!};
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[tokens[i]!] : undefined;
  }
  return undefined;
}

/**
 * The operation as rfc6902 must see it to do what evanphx/json-patch v4 does (its patch.go):
 * - a path of "" works for replace and test only (findObject needs a parent), a from of "" never;
 * - array indices are read by strconv.Atoi, and negative ones count from the end;
 * - replace of a missing object member adds it (partialDoc.get gives no error for a missing key);
 * - test of a missing member passes when the value is null or absent (a JSON null is nil there too).
 * undefined: nothing to do.
 */
function upstreamOperation(doc: unknown, raw: Record<string, unknown>): Operation | undefined {
  const op: Record<string, unknown> = {...raw};
  const {path, from} = raw;
  if (path === '' && op.op !== 'replace' && op.op !== 'test') throw applyFailed();
  if (typeof path === 'string' && path !== '') {
    const at = locate(doc, path, op.op === 'add' || op.op === 'move' || op.op === 'copy');
    if (at) {
      op.path = at.pointer;
      const missing = isPlainObject(at.parent) && !Object.hasOwn(at.parent, at.key);
      if (op.op === 'replace' && missing) op.op = 'add';
      if (op.op === 'test' && missing && (op.value ?? null) === null) return undefined;
    }
  }
  if (op.op === 'move' || op.op === 'copy') {
    if (from === '') throw applyFailed();
    if (typeof from === 'string') op.from = locate(doc, from, false)?.pointer ?? from;
  }
  return op as unknown as Operation;
}

/** doc with the patch applied; doc itself is not changed */
export function jsonPatch(doc: unknown, patch: unknown): unknown {
  const ops = decodeOperations(patch);
  let out = structuredClone(doc);
  for (const raw of ops) {
    try {
      const op = upstreamOperation(out, raw);
      if (!op) continue;
      // rfc6902 changes a document in place, so it cannot replace the root: v4 takes an object or an array there
      if (op.op === 'replace' && op.path === '') {
        if (!isPlainObject(op.value) && !Array.isArray(op.value)) throw applyFailed();
        out = structuredClone(op.value);
        continue;
      }
      if (applyPatch(out, [op])[0]) throw applyFailed();
    } catch (e) {
      // rfc6902's Pointer throws on a malformed pointer: an operation that does not apply, like any other
      throw e instanceof ApiError ? e : applyFailed();
    }
  }
  return out;
}
