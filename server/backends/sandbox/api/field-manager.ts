import {clone, isPlainObject, mergePatch} from './patch-merge';
import {strategicMergePatch} from './patch-strategic';
import {ApiError} from './status';
import {apiVersionOf, type KubeObject, type ResourceType} from './types';

/**
 * Field ownership, as the apiserver's field manager records it in metadata.managedFields
 * (k8s.io/apimachinery/pkg/util/managedfields, sigs.k8s.io/structured-merge-diff/v4 merge/update.go):
 *
 * - every write is an operation by a manager: `Update` (create, update, patch) or `Apply` (server-side apply);
 *   the manager is the request's `fieldManager`, else the User-Agent's product (`kubectl`), and in-process writers
 *   (the sandbox's k3s controllers) are `k3s`, as on a k3s node;
 * - an Update takes the fields it added or changed from everyone else (Updater.Update, force);
 * - an Apply owns exactly the fields of its configuration; changing a field another manager owns is a 409 conflict
 *   unless forced, and the fields it applied last time but not now are removed when nobody else owns them.
 *
 * Paths are structured-merge-diff's: `f:<field>`, `k:{"name":"web"}` for keyed list items, `v:"x"` for set members;
 * a list is keyed by the listMapKeys of the Go types (name, containerPort+protocol, …), atomic otherwise.
 * The schema is a table of field names, not the OpenAPI document: see KNOWN-DIFFERENCES.md.
 */

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** listMapKeys per list field (x-kubernetes-list-map-keys of the built-in types) */
const LIST_KEYS: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  env: ['name'],
  volumes: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  imagePullSecrets: ['name'],
  ownerReferences: ['uid'],
  conditions: ['type'],
  hostAliases: ['ip'],
  topologySpreadConstraints: ['topologyKey', 'whenUnsatisfiable'],
  taints: ['key', 'effect'],
  resourceClaims: ['name'],
  schedulingGates: ['name'],
  containerStatuses: ['name'],
  initContainerStatuses: ['name'],
  secrets: ['name'],
};

/** x-kubernetes-list-type: set */
const SET_LISTS = new Set(['finalizers']);

/** structs the Go types hold by value: never "added" as a whole by an Update (the zero object has them) */
const VALUE_STRUCTS = new Set([
  'metadata',
  'spec',
  'template',
  'status',
  'strategy',
  'updateStrategy',
  'resources',
  'loadBalancer',
]);

/** server-owned metadata, never in a field set */
const SERVER_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

type Json = Record<string, unknown>;

/** the keys of a list's items, or undefined for an atomic list */
function listKeys(field: string, items: unknown[]): string[] | undefined {
  if (field === 'ports') {
    const first = items.find(isPlainObject);
    return first && 'containerPort' in first ? ['containerPort', 'protocol'] : ['port', 'protocol'];
  }
  return LIST_KEYS[field];
}

function itemKey(keys: string[], item: Json): string {
  const k: Json = {};
  for (const name of [...keys].sort()) {
    let v = item[name];
    // protocol defaults to TCP: the key of an applied port without one is the defaulted key
    if (v === undefined && name === 'protocol') v = 'TCP';
    if (v !== undefined) k[name] = v;
  }
  return `k:${JSON.stringify(k)}`;
}

interface Node {
  /**
   * leaf: a scalar, an atomic map or list; empty: a granular map without fields; map: one with fields;
   * list: a keyed or set list (never a member itself); item: a keyed list item or a set member
   */
  kind: 'leaf' | 'empty' | 'map' | 'list' | 'item';
  /** a leaf's value (JSON), to see modifications */
  value?: string;
  /** the field name the node is under (for VALUE_STRUCTS) */
  field: string;
}

const SEP = '\u0000';

/** every node of an object as structured-merge-diff sees it, by path (elements joined by SEP) */
function walk(type: ResourceType, obj: KubeObject, include: (top: string) => boolean): Map<string, Node> {
  const out = new Map<string, Node>();
  const serviceSelector = type.resource === 'services' && !type.custom;
  // keys are built as strings (not arrays): a write walks every field of its object
  const visit = (v: unknown, key: string, field: string, topLevelSpec: boolean) => {
    if (isPlainObject(v)) {
      const atomic =
        (field === 'selector' || field === 'labelSelector' || field === 'namespaceSelector') &&
        !(serviceSelector && topLevelSpec);
      if (atomic) {
        out.set(key, {kind: 'leaf', value: JSON.stringify(v), field});
        return;
      }
      let any = false;
      for (const k in v) {
        const x = v[k];
        if (x === undefined) continue;
        if (!any) out.set(key, {kind: 'map', field});
        any = true;
        visit(x, `${key}${SEP}f:${k}`, k, false);
      }
      if (!any) out.set(key, {kind: 'empty', value: '{}', field});
      return;
    }
    if (Array.isArray(v)) {
      if (v.length > 0 && SET_LISTS.has(field) && v.every((x) => !isPlainObject(x) && !Array.isArray(x))) {
        out.set(key, {kind: 'list', field});
        for (const x of v) out.set(`${key}${SEP}v:${JSON.stringify(x)}`, {kind: 'item', field: ''});
        return;
      }
      const keys = v.length > 0 ? listKeys(field, v) : undefined;
      if (!keys || !v.every(isPlainObject)) {
        out.set(key, {kind: 'leaf', value: JSON.stringify(v), field});
        return;
      }
      out.set(key, {kind: 'list', field});
      for (const item of v as Json[]) {
        const ik = `${key}${SEP}${itemKey(keys, item)}`;
        out.set(ik, {kind: 'item', field: ''});
        for (const k in item) if (item[k] !== undefined) visit(item[k], `${ik}${SEP}f:${k}`, k, false);
      }
      return;
    }
    out.set(key, {kind: 'leaf', value: v === null ? 'null' : typeof v === 'string' ? `"${v}"` : String(v), field});
  };
  for (const top in obj) {
    const v = obj[top];
    if (top === 'apiVersion' || top === 'kind' || v === undefined || !include(top)) continue;
    if (top === 'metadata' && isPlainObject(v)) {
      for (const k in v)
        if (!SERVER_METADATA.has(k) && v[k] !== undefined) visit(v[k], `f:metadata${SEP}f:${k}`, k, false);
      continue;
    }
    if (top === 'spec' && isPlainObject(v)) {
      // a Service's spec.selector is a plain map, every other selector a LabelSelector (atomic)
      out.set('f:spec', {kind: 'map', field: 'spec'});
      for (const k in v) if (v[k] !== undefined) visit(v[k], `f:spec${SEP}f:${k}`, k, true);
      if (Object.keys(v).length === 0) out.set('f:spec', {kind: 'empty', value: '{}', field: 'spec'});
      continue;
    }
    visit(v, `f:${top}`, top, false);
  }
  return out;
}

/** a field set: paths that are members (leaves, list items, maps added as a whole) */
type FieldSet = Set<string>;

/** the set of an applied configuration (typed.ToFieldSet): leaves, list items and set members */
function applySet(nodes: Map<string, Node>): FieldSet {
  const s = new Set<string>();
  for (const [p, n] of nodes) if (n.kind === 'leaf' || n.kind === 'item') s.add(p);
  return s;
}

interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** typed.Compare of two objects' nodes */
function compare(before: Map<string, Node>, after: Map<string, Node>): Comparison {
  const added = new Set<string>();
  const modified = new Set<string>();
  const removed = new Set<string>();
  for (const [p, n] of after) {
    if (n.kind === 'list') continue;
    const o = before.get(p);
    if (!o) {
      // a struct held by value exists in the zero object: only its fields are new
      if ((n.kind === 'map' || n.kind === 'empty') && VALUE_STRUCTS.has(n.field)) continue;
      added.add(p);
    } else if (n.value !== o.value || n.kind !== o.kind) modified.add(p);
  }
  for (const [p, o] of before) if (o.kind !== 'list' && !after.has(p)) removed.add(p);
  return {added, modified, removed};
}

// ---- FieldsV1 <-> sets -------------------------------------------------------------------------------------------

export function toFieldsV1(set: FieldSet): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const members = [...set].map((p) => p.split(SEP));
  const childOf = (node: Record<string, unknown>, k: string) => {
    let c = node[k] as Record<string, unknown> | undefined;
    if (!c) node[k] = c = {};
    return c;
  };
  for (const path of members) {
    let node = root;
    for (const el of path) node = childOf(node, el);
  }
  // a member with children carries ".": {} (fieldpath.Set serialization)
  for (const path of members) {
    let node = root;
    for (const el of path) node = node[el] as Record<string, unknown>;
    if (Object.keys(node).some((k) => k !== '.')) node['.'] = {};
  }
  return sortKeys(root) as Record<string, unknown>;
}

function sortKeys(v: unknown): unknown {
  if (!isPlainObject(v)) return v;
  const out: Json = {};
  for (const k of Object.keys(v).sort((a, b) => (a === '.' ? -1 : b === '.' ? 1 : a < b ? -1 : a > b ? 1 : 0)))
    out[k] = sortKeys(v[k]);
  return out;
}

export function fromFieldsV1(f: unknown): FieldSet {
  const s = new Set<string>();
  const visit = (node: unknown, path: string[]) => {
    if (!isPlainObject(node)) return;
    const keys = Object.keys(node);
    if (path.length > 0 && (keys.length === 0 || keys.includes('.'))) s.add(path.join(SEP));
    for (const k of keys) if (k !== '.') visit(node[k], [...path, k]);
  };
  visit(f, []);
  return s;
}

/** fieldpath.Path.String(): `.spec.template.spec.containers[name="web"].image` */
export function pathString(p: string): string {
  return p
    .split(SEP)
    .map((el) => {
      if (el.startsWith('f:')) return `.${el.slice(2)}`;
      if (el.startsWith('v:')) return `[=${el.slice(2)}]`;
      if (el.startsWith('i:')) return `[${el.slice(2)}]`;
      const k = JSON.parse(el.slice(2)) as Json;
      return `[${Object.entries(k)
        .map(([n, x]) => `${n}=${JSON.stringify(x)}`)
        .join(',')}]`;
    })
    .join('');
}

// ---- managers ----------------------------------------------------------------------------------------------------

/** the manager of a request: ?fieldManager=, else the User-Agent's product (fieldmanager.prefixFromUserAgent) */
export function managerOf(query: URLSearchParams, userAgent: string | undefined): string {
  const m = query.get('fieldManager');
  if (m) return m;
  const ua = (userAgent ?? '').split('/')[0]!.trim();
  return ua.slice(0, 128) || 'unknown';
}

/** the manager of in-process writers: the k3s binary runs the controllers and the kubelet */
export const IN_PROCESS_MANAGER = 'k3s';

interface Manager {
  entry: ManagedFieldsEntry;
  set: FieldSet;
  /** not decoded: the stored entry is written back unchanged */
  kept?: boolean;
}

const keyOf = (e: Pick<ManagedFieldsEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>) =>
  JSON.stringify([e.manager, e.operation, e.operation === 'Update' ? e.apiVersion : '', e.subresource ?? '']);

/** is a path a member of a FieldsV1 tree (a leaf, or a node with ".")? Without decoding the tree. */
function treeHas(tree: unknown, path: string): boolean {
  let node = tree;
  for (const el of path.split(SEP)) {
    if (!isPlainObject(node)) return false;
    node = node[el];
  }
  return isPlainObject(node) && (Object.keys(node).length === 0 || '.' in node);
}

/**
 * The managers of stored entries. Only those `touched` (owning one of those paths, or `always`) are decoded into
 * sets; the others keep their encoded fields as they were, which keeps a write cheap when it touches few managers.
 */
function decode(entries: unknown, touched?: Set<string>, always?: string): Map<string, Manager> {
  const out = new Map<string, Manager>();
  if (!Array.isArray(entries)) return out;
  for (const e of entries as ManagedFieldsEntry[]) {
    if (!isPlainObject(e) || typeof e.manager !== 'string') continue;
    const k = keyOf(e);
    const hit = !touched || k === always || [...touched].some((p) => treeHas(e.fieldsV1, p));
    out.set(k, hit ? {entry: e, set: fromFieldsV1(e.fieldsV1)} : {entry: e, set: new Set(), kept: true});
  }
  return out;
}

/** encodeManagedFields + sortEncodedManagedFields: Apply before Update, then oldest first, then by manager */
function encode(managers: Map<string, Manager>): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  for (const m of managers.values()) {
    if (m.kept) {
      out.push(m.entry);
      continue;
    }
    if (m.set.size === 0) continue;
    const e: ManagedFieldsEntry = {
      manager: m.entry.manager,
      operation: m.entry.operation,
      apiVersion: m.entry.apiVersion,
      time: m.entry.time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(m.set),
    };
    if (m.entry.subresource) e.subresource = m.entry.subresource;
    out.push(e);
  }
  const sec = (t?: string) => (t ? Date.parse(t) : 0);
  return out.sort(
    (p, q) =>
      (p.operation < q.operation ? -1 : p.operation > q.operation ? 1 : 0) ||
      sec(p.time) - sec(q.time) ||
      (p.manager < q.manager ? -1 : p.manager > q.manager ? 1 : 0) ||
      (p.apiVersion < q.apiVersion ? -1 : p.apiVersion > q.apiVersion ? 1 : 0) ||
      ((p.subresource ?? '') < (q.subresource ?? '') ? -1 : (p.subresource ?? '') > (q.subresource ?? '') ? 1 : 0),
  );
}

export interface Writer {
  manager: string;
  /** "status", "scale" … for subresource writes */
  subresource?: string;
  /** RFC 3339 time of the write */
  time: string;
}

/** the part of an object a write may own: the status subresource owns .status, the main resource the rest */
function includeFor(type: ResourceType, subresource: string | undefined): (top: string) => boolean {
  const statusIsSub = type.subresources.includes('status') || type.resource === 'namespaces';
  if (subresource === 'status') return (top) => top === 'status';
  return (top) => !(statusIsSub && top === 'status');
}

/**
 * The managedFields after an Update (create, update, patch) from `before` (undefined on create) to `after`.
 * `base` is what the request carried (kubectl's csaupgrade rewrites them; `[{}]` resets), else the stored ones.
 */
export function updateManagedFields(
  type: ResourceType,
  before: KubeObject | undefined,
  after: KubeObject,
  writer: Writer,
  base: unknown,
): ManagedFieldsEntry[] | undefined {
  if (Array.isArray(base) && base.length === 1 && isPlainObject(base[0]) && Object.keys(base[0]).length === 0)
    return undefined;
  const include = includeFor(type, writer.subresource);
  const cmp = compare(before ? walk(type, before, include) : new Map(), walk(type, after, include));
  const changed = new Set([...cmp.added, ...cmp.modified]);
  const self = {
    manager: writer.manager,
    operation: 'Update' as const,
    apiVersion: apiVersionOf(type),
    subresource: writer.subresource,
  };
  const selfKey = keyOf(self);
  const managers = decode(
    Array.isArray(base) && base.length > 0 ? base : before?.metadata.managedFields,
    new Set([...changed, ...cmp.removed]),
    selfKey,
  );
  for (const [k, m] of managers) {
    if (k === selfKey || m.kept) continue;
    m.set = new Set([...m.set].filter((p) => !changed.has(p) && !cmp.removed.has(p)));
  }
  const mine = managers.get(selfKey);
  const set = new Set([...(mine?.set ?? [])].filter((p) => !cmp.removed.has(p)));
  for (const p of changed) set.add(p);
  if (changed.size > 0 || cmp.removed.size > 0 || !mine)
    managers.set(selfKey, {entry: {...self, time: writer.time, fieldsType: 'FieldsV1', fieldsV1: {}}, set});
  const out = encode(managers);
  return out.length > 0 ? out : undefined;
}

export interface ApplyResult {
  object: KubeObject;
  managedFields: ManagedFieldsEntry[];
}

/** remove one path from an object (structured-merge-diff RemoveItems) */
function removePath(obj: Json, path: string[]): void {
  let node: unknown = obj;
  let parent: unknown;
  let parentKey = '';
  for (let i = 0; i < path.length; i++) {
    const el = path[i]!;
    const last = i === path.length - 1;
    if (isPlainObject(node) && el.startsWith('f:')) {
      if (last) delete node[el.slice(2)];
      else {
        parent = node;
        parentKey = el.slice(2);
        node = node[parentKey];
      }
    } else if (Array.isArray(node) && (el.startsWith('k:') || el.startsWith('v:'))) {
      const want = JSON.parse(el.slice(2)) as unknown;
      const idx = node.findIndex((item) => {
        if (el.startsWith('v:')) return JSON.stringify(item) === JSON.stringify(want);
        if (!isPlainObject(item)) return false;
        return Object.entries(want as Json).every(
          ([k, v]) => JSON.stringify(item[k] ?? (k === 'protocol' ? 'TCP' : undefined)) === JSON.stringify(v),
        );
      });
      if (idx < 0) return;
      if (last) {
        node.splice(idx, 1);
        // Go's omitempty: an emptied list is not serialized
        if (node.length === 0 && isPlainObject(parent) && parentKey) delete parent[parentKey];
      } else {
        parent = undefined;
        node = node[idx];
      }
    } else return;
  }
}

function conflictError(
  conflicts: {manager: ManagedFieldsEntry; path: string}[],
  type: ResourceType,
  name: string,
): ApiError {
  const who = (e: ManagedFieldsEntry) =>
    `"${e.manager}"${e.subresource ? ` with subresource "${e.subresource}"` : ''}${e.operation === 'Update' ? ` using ${e.apiVersion}` : ''}`;
  let message: string;
  if (conflicts.length === 1)
    message = `Apply failed with 1 conflict: conflict with ${who(conflicts[0]!.manager)}: ${pathString(conflicts[0]!.path)}`;
  else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts)
      byManager.set(who(c.manager), [...(byManager.get(who(c.manager)) ?? []), pathString(c.path)]);
    const lines: string[] = [];
    for (const m of [...byManager.keys()].sort())
      lines.push(`conflicts with ${m}:`, ...byManager.get(m)!.map((p) => `- ${p}`));
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  // errors.NewApplyConflict: 409 Conflict, one FieldManagerConflict cause per field
  return new ApiError(409, 'Conflict', message, {
    causes: conflicts.map((c) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with ${who(c.manager)}`,
      field: pathString(c.path),
    })),
    name,
    group: type.group || undefined,
    kind: type.resource,
  } as never);
}

/**
 * Server-side apply of `config` by `writer` onto `live` (undefined: the apply creates it): Updater.Apply.
 * Throws the 409 of a conflict unless `force`.
 */
export function serverSideApply(
  type: ResourceType,
  live: KubeObject | undefined,
  config: Json,
  writer: Writer,
  force: boolean,
): ApplyResult {
  const include = includeFor(type, writer.subresource);
  const configNodes = walk(type, config as KubeObject, include);
  const set = applySet(configNodes);
  const self = {
    manager: writer.manager,
    operation: 'Apply' as const,
    apiVersion: apiVersionOf(type),
    subresource: writer.subresource,
  };
  const selfKey = keyOf(self);
  const managers = decode(live?.metadata.managedFields);
  const lastSet = managers.get(selfKey)?.set ?? new Set<string>();
  const merged = (
    live ? (type.custom ? mergePatch(live, config) : strategicMergePatch(live, config)) : clone(config)
  ) as KubeObject;
  const liveNodes = live ? walk(type, live, include) : new Map<string, Node>();
  const cmp = compare(liveNodes, walk(type, merged, include));
  const changed = new Set([...cmp.added, ...cmp.modified]);
  const conflicts: {manager: ManagedFieldsEntry; path: string}[] = [];
  for (const [k, m] of managers) {
    if (k === selfKey) continue;
    for (const p of m.set) if (changed.has(p)) conflicts.push({manager: m.entry, path: p});
  }
  if (conflicts.length > 0 && !force) throw conflictError(conflicts, type, String(live?.metadata.name ?? ''));
  for (const [k, m] of managers) if (k !== selfKey) m.set = new Set([...m.set].filter((p) => !changed.has(p)));
  // prune: what this manager applied before, no longer applies, and nobody else owns
  const others = new Set<string>();
  for (const [k, m] of managers) if (k !== selfKey) for (const p of m.set) others.add(p);
  const ownedBelow = (p: string) => [...others].some((o) => o === p || o.startsWith(p + SEP));
  const pruned = [...lastSet].filter(
    (p) => !set.has(p) && !ownedBelow(p) && ![...set].some((s) => s.startsWith(p + SEP)),
  );
  // outermost first: a list item goes with its fields
  for (const p of pruned.filter((x) => !pruned.some((y) => x.startsWith(y + SEP))))
    removePath(merged as Json, p.split(SEP));
  managers.set(selfKey, {entry: {...self, time: writer.time, fieldsType: 'FieldsV1', fieldsV1: {}}, set});
  return {object: merged, managedFields: encode(managers)};
}
