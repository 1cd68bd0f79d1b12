import {parse as parseYaml} from 'yaml';
import {jsonTooDeep, MAX_NESTING, yamlMayBeTooDeep} from './nesting';
import {goJsonKind, shapeError} from './object-shape';
import {decodeProtobufObject, PROTOBUF_MEDIA_TYPE} from './protobuf/decode';
import {isPlainObject} from './patch-merge';
import {errors} from './status';
import type {KubeObject, ResourceType} from './types';

/**
 * Turns a create/update body into an object: JSON (what kubectl sends almost always), YAML, or the Kubernetes
 * protobuf envelope that kubectl 1.33+ uses for `kubectl create namespace|secret|configmap|…` generators.
 * What cannot be decoded gets the apiserver's 400 in its words (handlers' transformDecodeError around the
 * serializer's errors), before any other code looks at it.
 */
export function decodeObjectBody(mediaType: string, body: Buffer, type: ResourceType): KubeObject {
  const unrecognized = (why: string) =>
    errors.badRequest(
      `the object provided is unrecognized (must be of type ${type.kind}): ${why} (${summarizeData(body)})`,
    );
  let v: unknown;
  if (mediaType === PROTOBUF_MEDIA_TYPE) v = decodeProtobufObject(body);
  else if (mediaType === 'application/yaml' || mediaType === 'application/x-yaml') {
    const text = body.toString('utf8');
    if (yamlMayBeTooDeep(text))
      throw unrecognized(`error converting YAML to JSON: yaml: exceeded max depth of ${MAX_NESTING}`);
    try {
      v = parseYaml(text);
    } catch (e) {
      throw unrecognized(`error converting YAML to JSON: yaml: ${firstLine((e as Error).message)}`);
    }
  } else if (mediaType === 'application/json' || mediaType === '') {
    v = parseJson(body.toString('utf8'), (why) => unrecognized(`couldn't get version/kind; json parse error: ${why}`));
  } else
    throw errors.unsupportedMediaType(
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`,
    );
  return checkObject(v, type, unrecognized);
}

/** a server-side apply configuration that creates its object: the checks of a create body */
export function decodeApplyConfiguration(v: unknown, type: ResourceType): KubeObject {
  return checkObject(v, type, (why) => errors.badRequest(`error decoding YAML: ${why}`));
}

/** JSON.parse behind the depth limit, its errors in encoding/json's words */
export function parseJson(text: string, fail: (why: string) => Error): unknown {
  const deep = jsonTooDeep(text);
  if (deep) throw fail(`invalid character '${deep}' exceeded max depth`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw fail(goSyntaxError(text, e as Error));
  }
}

const FIND_KIND =
  'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

function checkObject(v: unknown, type: ResourceType, unrecognized: (why: string) => Error): KubeObject {
  // null decodes into the zero object: no kind (the URL's is used), no name (validation says so)
  if (v === null || v === undefined) v = {};
  if (!isPlainObject(v))
    throw unrecognized(
      `couldn't get version/kind; json parse error: json: cannot unmarshal ${goJsonKind(v)} into Go value of type ${FIND_KIND}`,
    );
  for (const f of ['apiVersion', 'kind'])
    if (v[f] !== undefined && v[f] !== null && typeof v[f] !== 'string')
      throw unrecognized(
        `couldn't get version/kind; json parse error: json: cannot unmarshal ${goJsonKind(v[f])} into Go struct field .${f} of type string`,
      );
  const shape = shapeError(v, type);
  if (shape) {
    const kind = typeof v.kind === 'string' && v.kind ? v.kind : type.kind;
    const version = typeof v.apiVersion === 'string' && v.apiVersion ? v.apiVersion.split('/').pop() : type.version;
    throw errors.badRequest(`${kind} in version "${version}" cannot be handled as a ${type.kind}: ${shape}`);
  }
  const o = v as KubeObject;
  o.metadata = isPlainObject(o.metadata) ? o.metadata : {};
  return o;
}

/** handlers.summarizeData: a body quoted in a decode error, JSON as text, anything else in hex */
function summarizeData(data: Buffer, max = 30): string {
  if (data.length === 0) return '<empty>';
  const part = data.subarray(0, max);
  const text = data[0] === 0x7b ? part.toString('utf8') : part.toString('hex');
  return data.length > max ? `${text} ...` : text;
}

const firstLine = (s: string) => s.split('\n')[0]!;

/** V8's JSON.parse message as encoding/json words the same fault */
export function goSyntaxError(text: string, e: Error): string {
  if (text.trim() === '' || /end of (JSON|data)|Unterminated/i.test(e.message)) return 'unexpected end of JSON input';
  const at = /position (\d+)/.exec(e.message);
  const c = at ? text[Number(at[1])] : /token '?(.)/.exec(e.message)?.[1];
  return c === undefined
    ? 'unexpected end of JSON input'
    : `invalid character ${goQuoteChar(c)} looking for beginning of value`;
}

function goQuoteChar(c: string): string {
  if (c === "'") return `'\\''`;
  if (c === '"') return `'"'`;
  const code = c.charCodeAt(0);
  if (code < 0x20) return `'\\x${code.toString(16).padStart(2, '0')}'`;
  return `'${c}'`;
}
