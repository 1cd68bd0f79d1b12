import {isPlainObject} from './patch-merge';
import type {ResourceType} from './types';

/**
 * The apiserver decodes a body into Go structs before anything reads it, so `metadata: "x"` or labels that are
 * not strings never reach a handler: the decoder refuses them in encoding/json's words. The same check here, for
 * the parts of an object this sandbox's code reads: ObjectMeta, spec/status of built-in kinds, and the data maps
 * of ConfigMaps and Secrets. Returns that message, or undefined when the shape is right.
 */

/** how Go's encoding/json names a JSON value in an UnmarshalTypeError */
export function goJsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // object, string, number (a null decodes into anything)
}

const unmarshal = (v: unknown, struct: string, field: string, goType: string) =>
  `json: cannot unmarshal ${goJsonKind(v)} into Go struct field ${struct}.${field} of type ${goType}`;

type Check = (v: unknown, struct: string, field: string) => string | undefined;

const str: Check = (v, s, f) => (v === null || typeof v === 'string' ? undefined : unmarshal(v, s, f, 'string'));
const int64: Check = (v, s, f) =>
  v === null || (typeof v === 'number' && Number.isInteger(v)) ? undefined : unmarshal(v, s, f, 'int64');
const bool: Check = (v, s, f) => (v === null || typeof v === 'boolean' ? undefined : unmarshal(v, s, f, 'bool'));
/** metav1.Time reads a JSON string (or null) */
const time: Check = (v, s, f) => (v === null || typeof v === 'string' ? undefined : unmarshal(v, s, f, 'string'));

const mapOf =
  (goType: string, value: Check): Check =>
  (v, s, f) => {
    if (v === null) return undefined;
    if (!isPlainObject(v)) return unmarshal(v, s, f, goType);
    for (const x of Object.values(v)) {
      const e = value(x, s, f);
      if (e) return e;
    }
    return undefined;
  };
const stringMap = mapOf('map[string]string', str);

const listOf =
  (goType: string, item: Check): Check =>
  (v, s, f) => {
    if (v === null) return undefined;
    if (!Array.isArray(v)) return unmarshal(v, s, f, goType);
    for (const x of v) {
      const e = item(x, s, f);
      if (e) return e;
    }
    return undefined;
  };

/** a struct: its own name becomes the Struct of errors inside it, the JSON path keeps growing */
const struct =
  (name: string, goType: string, fields: Record<string, Check>): Check =>
  (v, s, f) => {
    if (v === null || v === undefined) return undefined;
    if (!isPlainObject(v)) return unmarshal(v, s, f, goType);
    for (const [k, check] of Object.entries(fields)) {
      if (v[k] === undefined) continue;
      const e = check(v[k], name, `${f}.${k}`);
      if (e) return e;
    }
    return undefined;
  };

const ownerReference = struct('OwnerReference', 'v1.OwnerReference', {
  apiVersion: str,
  kind: str,
  name: str,
  uid: str,
  controller: bool,
  blockOwnerDeletion: bool,
});

const objectMeta = struct('ObjectMeta', 'v1.ObjectMeta', {
  name: str,
  generateName: str,
  namespace: str,
  selfLink: str,
  uid: str,
  resourceVersion: str,
  generation: int64,
  creationTimestamp: time,
  deletionTimestamp: time,
  deletionGracePeriodSeconds: int64,
  labels: stringMap,
  annotations: stringMap,
  ownerReferences: listOf('[]v1.OwnerReference', ownerReference),
  finalizers: listOf('[]string', str),
  managedFields: listOf('[]v1.ManagedFieldsEntry', (v, s, f) =>
    v === null || isPlainObject(v) ? undefined : unmarshal(v, s, f, 'v1.ManagedFieldsEntry'),
  ),
});

/** the Go package a built-in kind's types live in: "v1" for core/v1 and apps/v1 alike */
const goPackage = (type: ResourceType) => type.version;

/**
 * The shape error of an object decoded from a request (or produced by a patch), in Go's words, or undefined.
 * Custom resources are unstructured: only their metadata has a Go type.
 */
export function shapeError(o: Record<string, unknown>, type: ResourceType): string | undefined {
  const kind = type.kind;
  const fields: Record<string, Check> = {metadata: objectMeta};
  if (!type.custom) {
    for (const part of ['spec', 'status'] as const)
      fields[part] = (v, s, f) =>
        v === null || isPlainObject(v)
          ? undefined
          : unmarshal(v, s, f, `${goPackage(type)}.${kind}${part === 'spec' ? 'Spec' : 'Status'}`);
    if (type.resource === 'configmaps') {
      fields.data = stringMap;
      fields.binaryData = mapOf('map[string][]uint8', str);
    }
    if (type.resource === 'secrets') {
      fields.data = mapOf('map[string][]uint8', str);
      fields.stringData = stringMap;
      fields.type = str;
    }
  }
  for (const [k, check] of Object.entries(fields)) {
    if (o[k] === undefined) continue;
    const e = check(o[k], kind, k);
    if (e) return e;
  }
  return undefined;
}
