import {readFileSync} from 'node:fs';
import {gunzipSync} from 'node:zlib';

/**
 * The OpenAPI v3 documents of the built-in group-versions, as kube-apiserver 1.31 serves them under
 * /openapi/v3/<gv>. They are upstream's `api/openapi-spec/v3/*.json` of the release-1.31 branch, vendored in
 * `openapi-v3/` (see its SOURCE.md), minified and gzipped; each is read on first use and kept.
 */
const DIR = new URL('./openapi-v3/', import.meta.url);

/** the served group-versions with a vendored document, as the /openapi/v3 root names them */
export const BUILTIN_OPENAPI_GVS: readonly string[] = [
  'api/v1',
  'apis/admissionregistration.k8s.io/v1',
  'apis/apiextensions.k8s.io/v1',
  'apis/apiregistration.k8s.io/v1',
  'apis/apps/v1',
  'apis/authentication.k8s.io/v1',
  'apis/authorization.k8s.io/v1',
  'apis/autoscaling/v1',
  'apis/autoscaling/v2',
  'apis/batch/v1',
  'apis/certificates.k8s.io/v1',
  'apis/coordination.k8s.io/v1',
  'apis/discovery.k8s.io/v1',
  'apis/events.k8s.io/v1',
  'apis/flowcontrol.apiserver.k8s.io/v1',
  'apis/networking.k8s.io/v1',
  'apis/node.k8s.io/v1',
  'apis/policy/v1',
  'apis/rbac.authorization.k8s.io/v1',
  'apis/scheduling.k8s.io/v1',
  'apis/storage.k8s.io/v1',
];

const loaded = new Map<string, Buffer>();

/** upstream's file name: `apis/apps/v1` → `apis__apps__v1_openapi.json` */
const fileOf = (gv: string) => `${gv.split('/').join('__')}_openapi.json.gz`;

/** the document's JSON bytes, or undefined for a group-version without one */
export function builtinOpenApiDoc(gv: string): Buffer | undefined {
  if (!BUILTIN_OPENAPI_GVS.includes(gv)) return undefined;
  let doc = loaded.get(gv);
  if (!doc) loaded.set(gv, (doc = gunzipSync(readFileSync(new URL(fileOf(gv), DIR)))));
  return doc;
}

/** the same document parsed (a fresh copy each call: callers may change it) */
export function builtinOpenApiJson(gv: string): OpenApiDoc {
  const doc = builtinOpenApiDoc(gv);
  if (!doc) throw new Error(`no vendored OpenAPI document for ${gv}`);
  return JSON.parse(doc.toString('utf8')) as OpenApiDoc;
}

export interface OpenApiDoc {
  openapi: string;
  info: {title: string; version: string};
  paths: Record<string, Record<string, unknown>>;
  components: {schemas: Record<string, Record<string, unknown>>; securitySchemes?: Record<string, unknown>};
}
