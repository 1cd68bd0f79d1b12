import {clone, isPlainObject} from './patch-merge';

/**
 * Strategic merge patch, as kubectl sends for built-in kinds (`apply` updates, `patch` by default).
 * Lists merge by the key the Go types declare (patchMergeKey), looked up by field name here — the same field name
 * has the same key across the built-in kinds we serve, except `ports` which is resolved from the elements.
 * Directives: $patch (replace|delete|merge), $setElementOrder/<f>, $deleteFromPrimitiveList/<f>, $retainKeys.
 * Hand-written: strategic merge exists only in Go (k8s.io/apimachinery/pkg/util/strategicpatch); no maintained npm package.
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  ownerReferences: 'uid',
  conditions: 'type',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  secrets: 'name',
  taints: 'key',
  resourceClaims: 'name',
  schedulingGates: 'name',
  ephemeralContainerStatuses: 'name',
};

/** primitive lists with patchStrategy=merge: union rather than replace */
const MERGED_PRIMITIVE_LISTS = new Set(['finalizers']);

function mergeKeyFor(field: string, a: unknown[], b: unknown[]): string | undefined {
  if (field === 'ports') {
    const any = [...a, ...b].find(isPlainObject) as Record<string, unknown> | undefined;
    return any && 'containerPort' in any ? 'containerPort' : 'port';
  }
  return MERGE_KEYS[field];
}

/** Remove directive keys from a value that is inserted as is. */
function strip(v: unknown): unknown {
  if (Array.isArray(v))
    return v.filter((e) => !(isPlainObject(e) && e.$patch !== undefined && Object.keys(e).length === 1)).map(strip);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('$')) continue;
    if (x === null) continue;
    out[k] = strip(x);
  }
  return out;
}

export function strategicMergePatch(original: unknown, patch: unknown): unknown {
  return mergeValue(original, patch, '');
}

function mergeValue(orig: unknown, patch: unknown, field: string): unknown {
  if (isPlainObject(patch)) return mergeMap(isPlainObject(orig) ? orig : {}, patch);
  if (Array.isArray(patch) && Array.isArray(orig)) return mergeList(orig, patch, field, undefined);
  return strip(clone(patch));
}

function mergeMap(orig: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> | undefined {
  if (patch.$patch === 'replace') return strip(clone(patch)) as Record<string, unknown>;
  if (patch.$patch === 'delete') return undefined;
  const out: Record<string, unknown> = clone(orig);
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const f = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[f]) && Array.isArray(v)) out[f] = (out[f] as unknown[]).filter((x) => !v.includes(x));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    if (Array.isArray(v) && Array.isArray(out[k])) {
      const order = patch[`$setElementOrder/${k}`];
      out[k] = mergeList(out[k] as unknown[], v, k, Array.isArray(order) ? order : undefined);
      continue;
    }
    if (Array.isArray(v) && MERGED_PRIMITIVE_LISTS.has(k)) {
      out[k] = strip(v);
      continue;
    }
    const merged = mergeValue(out[k], v, k);
    if (merged === undefined) delete out[k];
    else out[k] = merged;
  }
  // $setElementOrder for a list the patch did not touch still orders it (kubectl sends it with removals)
  for (const [k, order] of Object.entries(patch)) {
    if (!k.startsWith('$setElementOrder/')) continue;
    const f = k.slice('$setElementOrder/'.length);
    if (!(f in patch) && Array.isArray(out[f]) && Array.isArray(order))
      out[f] = reorder(out[f] as unknown[], order, mergeKeyFor(f, out[f] as unknown[], order));
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[]);
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  return out;
}

function mergeList(orig: unknown[], patch: unknown[], field: string, order: unknown[] | undefined): unknown[] {
  if (patch.some((e) => isPlainObject(e) && e.$patch === 'replace')) return strip(patch) as unknown[];
  if (MERGED_PRIMITIVE_LISTS.has(field)) {
    const out = [...orig];
    for (const v of patch) if (!out.includes(v)) out.push(v);
    return order ? reorder(out, order, undefined) : out;
  }
  const key = mergeKeyFor(field, orig, patch);
  if (!key) return strip(clone(patch)) as unknown[];
  const out: unknown[] = clone(orig);
  const idx = (v: unknown) => out.findIndex((o) => isPlainObject(o) && isPlainObject(v) && o[key] === v[key]);
  for (const p of patch) {
    if (!isPlainObject(p)) continue;
    const i = idx(p);
    if (p.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    if (i >= 0) out[i] = mergeMap(out[i] as Record<string, unknown>, p);
    else out.push(strip(clone(p)));
  }
  return order ? reorder(out, order, key) : out;
}

/** Items named in `order` come first, in that order; items only the server has keep their relative order after. */
function reorder(list: unknown[], order: unknown[], key: string | undefined): unknown[] {
  const id = (v: unknown) => (key && isPlainObject(v) ? JSON.stringify(v[key]) : JSON.stringify(v));
  const rank = new Map(order.map((o, i) => [id(o), i]));
  const known = list.filter((v) => rank.has(id(v))).sort((a, b) => rank.get(id(a))! - rank.get(id(b))!);
  return [...known, ...list.filter((v) => !rank.has(id(v)))];
}
