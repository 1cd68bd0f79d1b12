import {errors} from '../status';
import {KIND_MESSAGES, MESSAGES, type FieldSpec, type Scalar} from './schemas';
import {readFields, WireError, type WireField} from './wire';

/**
 * kubectl ≥ 1.33 sends `kubectl create namespace|secret|configmap|serviceaccount|deployment|service` bodies as
 * Kubernetes protobuf: the magic `k8s\0`, then a runtime.Unknown {typeMeta{apiVersion, kind}, raw}. There is no
 * JSON fallback on the client, so we decode the known kinds into the same JSON a JSON client would send.
 */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type Json = Record<string, unknown>;

export function decodeProtobufObject(body: Buffer): Json {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC))
    throw errors.badRequest('the body of the request was in an unknown format: missing the protobuf magic prefix');
  try {
    let apiVersion = '';
    let kind = '';
    let raw: Buffer | undefined;
    for (const f of readFields(body.subarray(4))) {
      if (f.field === 1 && f.bytes) {
        for (const t of readFields(f.bytes)) {
          if (t.field === 1 && t.bytes) apiVersion = t.bytes.toString('utf8');
          if (t.field === 2 && t.bytes) kind = t.bytes.toString('utf8');
        }
      } else if (f.field === 2 && f.bytes) raw = f.bytes;
    }
    const msg = KIND_MESSAGES[kind];
    if (!msg || !raw)
      throw errors.unsupportedMediaType(
        `protobuf bodies for kind "${kind}" are not supported by this sandbox; send JSON (e.g. kubectl create -f with a manifest)`,
      );
    return {apiVersion, kind, ...decodeMessage(raw, msg)};
  } catch (e) {
    if (e instanceof WireError)
      throw errors.badRequest(`the body of the request was in an unknown format: ${e.message}`);
    throw e;
  }
}

function scalar(t: Scalar, f: WireField): unknown {
  switch (t) {
    case 'string':
      return f.bytes?.toString('utf8') ?? '';
    case 'bytes':
      return (f.bytes ?? Buffer.alloc(0)).toString('base64'); // JSON carries []byte as base64
    case 'int':
      return Number(BigInt.asIntN(64, f.varint ?? 0n));
    case 'bool':
      return (f.varint ?? 0n) !== 0n;
    case 'time': {
      let seconds = 0;
      for (const x of readFields(f.bytes ?? Buffer.alloc(0))) if (x.field === 1) seconds = Number(x.varint ?? 0n);
      return seconds ? new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : null;
    }
    case 'intstr': {
      let type = 0;
      let intVal = 0;
      let strVal = '';
      for (const x of readFields(f.bytes ?? Buffer.alloc(0))) {
        if (x.field === 1) type = Number(x.varint ?? 0n);
        if (x.field === 2) intVal = Number(BigInt.asIntN(32, x.varint ?? 0n));
        if (x.field === 3) strVal = x.bytes?.toString('utf8') ?? '';
      }
      return type === 1 ? strVal : intVal;
    }
    case 'quantity': {
      for (const x of readFields(f.bytes ?? Buffer.alloc(0))) if (x.field === 1) return x.bytes?.toString('utf8') ?? '';
      return '';
    }
  }
}

function value(type: FieldSpec['type'], f: WireField): unknown {
  if (typeof type === 'string') return scalar(type, f);
  if ('msg' in type) return decodeMessage(f.bytes ?? Buffer.alloc(0), type.msg);
  throw new WireError('map value decoded as a field');
}

/** JSON's omitempty: what Go would not have written to JSON */
function isEmpty(v: unknown, spec: FieldSpec): boolean {
  if (spec.keepZero) return false;
  return v === '' || v === 0 || v === false || v === null;
}

function decodeMessage(buf: Buffer, name: string): Json {
  const spec = MESSAGES[name];
  if (!spec) throw new WireError(`no schema for ${name}`);
  const out: Json = {};
  for (const f of readFields(buf)) {
    const fs = spec[f.field];
    if (!fs) continue; // a field we do not model: dropped, like an unknown JSON field with fieldValidation=Ignore
    if (typeof fs.type === 'object' && 'map' in fs.type) {
      let k = '';
      let v: unknown = fs.type.map === 'string' ? '' : undefined;
      for (const e of readFields(f.bytes ?? Buffer.alloc(0))) {
        if (e.field === 1) k = e.bytes?.toString('utf8') ?? '';
        if (e.field === 2) v = value(fs.type.map, e);
      }
      ((out[fs.name] ??= {}) as Json)[k] = v;
      continue;
    }
    const v = value(fs.type, f);
    if (fs.inline && v && typeof v === 'object') {
      Object.assign(out, v);
      continue;
    }
    if (fs.repeated) ((out[fs.name] ??= []) as unknown[]).push(v);
    else if (!isEmpty(v, fs)) out[fs.name] = v;
  }
  return out;
}
