import {Reader, util} from 'protobufjs/minimal.js';
import {ApiError, errors} from '../status';
import {KIND_MESSAGES, MESSAGES, type FieldSpec, type Scalar} from './schemas';

/**
 * kubectl ≥ 1.33 sends `kubectl create namespace|secret|configmap|serviceaccount|deployment|service` bodies as
 * Kubernetes protobuf: the magic `k8s\0`, then a runtime.Unknown {typeMeta{apiVersion, kind}, raw}. There is no
 * JSON fallback on the client, so we decode the known kinds into the same JSON a JSON client would send.
 * The wire format is protobufjs' Reader; the field numbers are ours (schemas.ts), so no .proto files are loaded.
 */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type Json = Record<string, unknown>;

/** the wire type each of our scalars arrives in; a field in another wire type is skipped, as protobuf does */
const WIRE_TYPE: Record<Scalar, number> = {string: 2, bytes: 2, int: 0, bool: 0, time: 2, intstr: 2, quantity: 2};
const LENGTH_DELIMITED = 2;

/** calls each(field, reader) for every field of a message; each returns false to have it skipped */
function forEachField(buf: Uint8Array, each: (field: number, wireType: number, r: Reader) => boolean): void {
  const r = Reader.create(buf);
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (!each(tag >>> 3, tag & 7, r)) r.skipType(tag & 7);
  }
}

/** an int64 as a JS number (protobufjs reads a Long where the long package is present, else a number) */
const int64 = (r: Reader): number => util.LongBits.from(r.int64()).toNumber();

export function decodeProtobufObject(body: Buffer): Json {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC))
    throw errors.badRequest('the body of the request was in an unknown format: missing the protobuf magic prefix');
  try {
    let apiVersion = '';
    let kind = '';
    let raw: Uint8Array | undefined;
    forEachField(body.subarray(4), (field, wireType, r) => {
      if (wireType !== LENGTH_DELIMITED) return false;
      if (field === 1)
        forEachField(r.bytes(), (f, w, t) => {
          if (w !== LENGTH_DELIMITED || (f !== 1 && f !== 2)) return false;
          if (f === 1) apiVersion = t.string();
          else kind = t.string();
          return true;
        });
      else if (field === 2) raw = r.bytes();
      else return false;
      return true;
    });
    const msg = KIND_MESSAGES[kind];
    if (!msg || !raw)
      throw errors.unsupportedMediaType(
        `protobuf bodies for kind "${kind}" are not supported by this sandbox; send JSON (e.g. kubectl create -f with a manifest)`,
      );
    return {apiVersion, kind, ...decodeMessage(raw, msg)};
  } catch (e) {
    // protobufjs throws a RangeError on a truncated body and an Error on an unknown wire type
    if (e instanceof ApiError) throw e;
    throw errors.badRequest(`the body of the request was in an unknown format: ${(e as Error).message}`);
  }
}

/** the seconds of a google.protobuf.Timestamp-shaped message (metav1.Time) */
function seconds(buf: Uint8Array): number {
  let s = 0;
  forEachField(buf, (f, w, r) => f === 1 && w === 0 && ((s = int64(r)), true));
  return s;
}

function scalar(t: Scalar, r: Reader): unknown {
  switch (t) {
    case 'string':
      return r.string();
    case 'bytes':
      return Buffer.from(r.bytes()).toString('base64'); // JSON carries []byte as base64
    case 'int':
      return int64(r);
    case 'bool':
      return r.bool();
    case 'time': {
      const s = seconds(r.bytes());
      return s ? new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : null;
    }
    case 'intstr': {
      // k8s.io/apimachinery/pkg/util/intstr.IntOrString {type, intVal, strVal}
      let type = 0;
      let intVal = 0;
      let strVal = '';
      forEachField(r.bytes(), (f, w, x) => {
        if (f === 1 && w === 0) type = x.int32();
        else if (f === 2 && w === 0) intVal = x.int32();
        else if (f === 3 && w === LENGTH_DELIMITED) strVal = x.string();
        else return false;
        return true;
      });
      return type === 1 ? strVal : intVal;
    }
    case 'quantity': {
      // resource.Quantity {string}
      let q = '';
      forEachField(r.bytes(), (f, w, x) => f === 1 && w === LENGTH_DELIMITED && ((q = x.string()), true));
      return q;
    }
  }
}

function wireTypeOf(type: FieldSpec['type']): number {
  return typeof type === 'string' ? WIRE_TYPE[type] : LENGTH_DELIMITED;
}

function value(type: Scalar | {msg: string}, r: Reader): unknown {
  return typeof type === 'string' ? scalar(type, r) : decodeMessage(r.bytes(), type.msg);
}

/** JSON's omitempty: what Go would not have written to JSON */
function isEmpty(v: unknown, spec: FieldSpec): boolean {
  if (spec.keepZero) return false;
  return v === '' || v === 0 || v === false || v === null;
}

function decodeMessage(buf: Uint8Array, name: string): Json {
  const spec = MESSAGES[name];
  if (!spec) throw new Error(`no schema for ${name}`);
  const out: Json = {};
  forEachField(buf, (field, wireType, r) => {
    const fs = spec[field];
    // a field we do not model is dropped, like an unknown JSON field with fieldValidation=Ignore
    if (!fs || wireType !== wireTypeOf(fs.type)) return false;
    if (typeof fs.type === 'object' && 'map' in fs.type) {
      // a map entry: {1: key, 2: value}
      const valueType = fs.type.map;
      let k = '';
      let v: unknown = valueType === 'string' ? '' : undefined;
      forEachField(r.bytes(), (f, w, e) => {
        if (f === 1 && w === LENGTH_DELIMITED) k = e.string();
        else if (f === 2 && w === wireTypeOf(valueType)) v = value(valueType, e);
        else return false;
        return true;
      });
      ((out[fs.name] ??= {}) as Json)[k] = v;
      return true;
    }
    const v = value(fs.type, r);
    if (fs.inline && v && typeof v === 'object') Object.assign(out, v);
    else if (fs.repeated) ((out[fs.name] ??= []) as unknown[]).push(v);
    else if (!isEmpty(v, fs)) out[fs.name] = v;
    return true;
  });
  return out;
}
