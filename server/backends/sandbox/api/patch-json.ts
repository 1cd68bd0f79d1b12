import {clone} from './patch-merge';
import {errors} from './status';

/** RFC 6902 JSON patch (kubectl patch --type=json). Failures are 422-free BadRequests worded like the server's. */
interface Op {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/'))
    throw errors.badRequest(
      `the server rejected our request due to an error in our request: invalid JSON pointer "${path}"`,
    );
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

function parentOf(doc: unknown, segs: string[], path: string): {parent: Container; key: string} {
  let cur: unknown = doc;
  for (const s of segs.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(s)];
    else if (cur && typeof cur === 'object') cur = (cur as Record<string, unknown>)[s];
    else cur = undefined;
    if (cur === undefined)
      throw errors.badRequest(`jsonpatch operation does not apply: doc is missing path: "${path}": missing value`);
  }
  if (!cur || typeof cur !== 'object')
    throw errors.badRequest(`jsonpatch operation does not apply: doc is missing path: "${path}": missing value`);
  return {parent: cur as Container, key: segs[segs.length - 1]!};
}

function getAt(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const s of pointer(path)) {
    if (Array.isArray(cur)) cur = cur[Number(s)];
    else if (cur && typeof cur === 'object') cur = (cur as Record<string, unknown>)[s];
    else cur = undefined;
    if (cur === undefined)
      throw errors.badRequest(`jsonpatch operation does not apply: doc is missing path: "${path}": missing value`);
  }
  return cur;
}

function remove(doc: unknown, path: string): unknown {
  const {parent, key} = parentOf(doc, pointer(path), path);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!(i >= 0 && i < parent.length))
      throw errors.badRequest(`jsonpatch remove operation does not apply: doc is missing path: "${path}"`);
    return parent.splice(i, 1)[0];
  }
  if (!(key in parent))
    throw errors.badRequest(`jsonpatch remove operation does not apply: doc is missing path: "${path}"`);
  const v = parent[key];
  delete parent[key];
  return v;
}

function add(doc: unknown, path: string, value: unknown): unknown {
  const segs = pointer(path);
  if (segs.length === 0) return value;
  const {parent, key} = parentOf(doc, segs, path);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!(i >= 0 && i <= parent.length))
      throw errors.badRequest(`jsonpatch add operation does not apply: doc is missing path: "${path}"`);
    parent.splice(i, 0, value);
  } else parent[key] = value;
  return doc;
}

export function jsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops))
    throw errors.badRequest(
      'the server rejected our request due to an error in our request: json patch must be an array of operations',
    );
  let out = clone(doc);
  for (const raw of ops as Op[]) {
    switch (raw.op) {
      case 'add':
        out = add(out, raw.path, clone(raw.value));
        break;
      case 'remove':
        remove(out, raw.path);
        break;
      case 'replace':
        if (raw.path === '') out = clone(raw.value);
        else {
          remove(out, raw.path);
          out = add(out, raw.path, clone(raw.value));
        }
        break;
      case 'move': {
        const v = remove(out, raw.from ?? '');
        out = add(out, raw.path, v);
        break;
      }
      case 'copy':
        out = add(out, raw.path, clone(getAt(out, raw.from ?? '')));
        break;
      case 'test':
        if (JSON.stringify(getAt(out, raw.path)) !== JSON.stringify(raw.value))
          throw errors.badRequest(`testing value ${raw.path} failed: test failed`);
        break;
      default:
        throw errors.badRequest(`Unexpected kind: ${raw.op}`);
    }
  }
  return out;
}
