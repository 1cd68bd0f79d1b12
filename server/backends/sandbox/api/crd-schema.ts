import {clone, isPlainObject} from './patch-merge';
import {ApiError, errors, type StatusCause} from './status';
import type {KubeObject, ResourceType} from './types';

/**
 * What the apiserver does with a custom resource against its CRD's structural schema: apply `default`s, drop
 * (or, with fieldValidation=Strict, refuse) unknown fields, and reject wrong types, enum values and missing
 * required fields. CEL rules, formats and numeric/length bounds are not checked.
 */
export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
}

type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

interface Walk {
  unknown: string[];
  causes: StatusCause[];
}

const jsonType = (v: unknown) =>
  Array.isArray(v)
    ? 'array'
    : typeof v === 'number'
      ? Number.isInteger(v)
        ? 'integer'
        : 'number'
      : typeof v === 'object'
        ? 'object'
        : typeof v;
const goValue = (v: unknown) => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v));

function typeOk(s: JsonSchema, v: unknown): boolean {
  if (s['x-kubernetes-int-or-string']) return typeof v === 'string' || Number.isInteger(v);
  switch (s.type) {
    case 'object':
      return isPlainObject(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return true;
  }
}

/** returns the value to keep (defaults applied, unknown fields pruned), recording problems in `w` */
function walk(v: unknown, s: JsonSchema, path: string, w: Walk): unknown {
  if (v === null) return s.nullable ? null : undefined;
  if (!typeOk(s, v)) {
    const want = s['x-kubernetes-int-or-string'] ? 'integer or string' : s.type;
    // the apiserver names the type it got on both sides: Invalid value: "string": … must be of type integer: "string"
    const got = jsonType(v);
    w.causes.push({
      reason: 'FieldValueTypeInvalid',
      field: path,
      message: `Invalid value: "${got}": ${path} in body must be of type ${want}: "${got}"`,
    });
    return v;
  }
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v)))
    w.causes.push({
      reason: 'FieldValueNotSupported',
      field: path,
      message: `Unsupported value: ${goValue(v)}: supported values: ${s.enum.map(goValue).join(', ')}`,
    });
  if (Array.isArray(v)) return s.items ? v.map((e, i) => walk(e, s.items!, `${path}[${i}]`, w)) : v;
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  const props = s.properties ?? {};
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  for (const [k, x] of Object.entries(v)) {
    const p = path ? `${path}.${k}` : k;
    const sub = props[k] ?? (isPlainObject(s.additionalProperties) ? s.additionalProperties : undefined);
    if (sub) {
      const kept = walk(x, sub, p, w);
      if (kept !== undefined) out[k] = kept;
    } else if (
      preserve ||
      s.additionalProperties === true ||
      (embedded && ['apiVersion', 'kind', 'metadata'].includes(k)) ||
      (!s.properties && !s.additionalProperties)
    ) {
      out[k] = x;
    } else w.unknown.push(`unknown field "${p}"`);
  }
  for (const [k, sub] of Object.entries(props))
    if (out[k] === undefined && sub.default !== undefined)
      out[k] = walk(clone(sub.default), sub, path ? `${path}.${k}` : k, w);
  for (const r of s.required ?? [])
    if (out[r] === undefined)
      w.causes.push({reason: 'FieldValueRequired', field: path ? `${path}.${r}` : r, message: 'Required value'});
  return out;
}

/** Default, prune and validate a custom resource in place (the object's apiVersion/kind/metadata are untouched). */
export function applyCrdSchema(type: ResourceType, o: KubeObject, fieldValidation: FieldValidation): void {
  const schema = type.schema as JsonSchema | undefined;
  if (!schema || !isPlainObject(schema)) return;
  const w: Walk = {unknown: [], causes: []};
  const {apiVersion, kind, metadata, ...rest} = o;
  const root: JsonSchema = {...schema, properties: {...(schema.properties ?? {})}};
  delete root.properties!.apiVersion;
  delete root.properties!.kind;
  delete root.properties!.metadata;
  const kept = walk(rest, root, '', w) as Record<string, unknown>;
  if (w.unknown.length && fieldValidation === 'Strict')
    throw new ApiError(
      400,
      'BadRequest',
      `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: strict decoding error: ${w.unknown.join(', ')}`,
    );
  if (w.causes.length) throw errors.invalid(type.kind, type.group, String(metadata?.name ?? ''), w.causes);
  for (const k of Object.keys(o)) if (!['apiVersion', 'kind', 'metadata'].includes(k)) delete o[k];
  Object.assign(o, kept, {apiVersion, kind, metadata});
}
