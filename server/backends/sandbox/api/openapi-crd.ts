import {builtinOpenApiJson, type OpenApiDoc} from './openapi-builtin';
import type {ResourceType} from './types';

/**
 * The OpenAPI v3 document of one custom group-version, built from its CRDs' stored openAPIV3Schema as
 * apiextensions-apiserver 1.31 does (pkg/controller/openapi/builder/builder.go): the kind's schema named
 * `<reversed group>.<version>.<Kind>` with apiVersion/kind from TypeMeta and metadata as a reference to ObjectMeta,
 * a `<Kind>List`, both tagged with x-kubernetes-group-version-kind, and the REST paths of the resource.
 *
 * The paths are the built-in Deployment's (the same endpoint installer makes both) renamed, without the deprecated
 * /watch/ paths and without strategic merge patch, which custom resources do not accept — so kubectl's `apply`
 * sends them a JSON merge patch, as against a real cluster.
 */
const TEMPLATE_GV = 'apis/apps/v1';
const TEMPLATE_KIND = 'Deployment';
const TEMPLATE_SCHEMA = 'io.k8s.api.apps.v1.Deployment';
const OBJECT_META = '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const LIST_META = '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
/** swaggerPartialObjectMetadataDescriptions["metadata"] (apimachinery meta/v1) */
const METADATA_DESCRIPTION =
  "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const SMP = 'application/strategic-merge-patch+json';

type Json = Record<string, unknown>;

let template: OpenApiDoc | undefined;
const templateDoc = () => (template ??= builtinOpenApiJson(TEMPLATE_GV));

/** util.ToRESTFriendlyName: `gateway.networking.k8s.io/v1/Gateway` → `io.k8s.networking.gateway.v1.Gateway` */
export function restFriendlyName(group: string, version: string, kind: string): string {
  return [group.split('.').reverse().join('.'), version, kind].join('.');
}

/** `gateway.networking.k8s.io` + `v1` → `GatewayNetworkingK8sIoV1`, as operation ids spell a group-version */
function opIdPrefix(group: string, version: string): string {
  const up = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return [...group.split('.'), version].map(up).join('');
}

function withGvk(schema: Json, group: string, version: string, kind: string): Json {
  return {...schema, 'x-kubernetes-group-version-kind': [{group, kind, version}]};
}

/** the stored structural schema plus TypeMeta's apiVersion/kind and ObjectMeta, as buildKubeNative adds them */
function kindSchema(t: ResourceType, typeMeta: Json): Json {
  const stored = (t.schema && typeof t.schema === 'object' ? structuredClone(t.schema) : {type: 'object'}) as Json;
  if (!t.schema) return withGvk(stored, t.group, t.version, t.kind);
  const properties = {...((stored.properties as Json | undefined) ?? {})};
  properties.apiVersion = typeMeta.apiVersion;
  properties.kind = typeMeta.kind;
  properties.metadata = {allOf: [{$ref: OBJECT_META}], description: METADATA_DESCRIPTION};
  return withGvk({...stored, properties}, t.group, t.version, t.kind);
}

/** buildListSchema */
function listSchema(t: ResourceType, typeMeta: Json): Json {
  return withGvk(
    {
      description: `${t.listKind} is a list of ${t.kind}`,
      properties: {
        apiVersion: typeMeta.apiVersion,
        items: {
          description: `List of ${t.resource}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
          items: {$ref: `#/components/schemas/${restFriendlyName(t.group, t.version, t.kind)}`},
          type: 'array',
        },
        kind: typeMeta.kind,
        metadata: {allOf: [{$ref: LIST_META}], description: METADATA_DESCRIPTION},
      },
      required: ['items'],
      type: 'object',
    },
    t.group,
    t.version,
    t.listKind,
  );
}

/** the template's Deployment paths, renamed for `t` */
function pathsOf(t: ResourceType): Record<string, Json> {
  const doc = templateDoc();
  const name = restFriendlyName(t.group, t.version, t.kind);
  const listName = restFriendlyName(t.group, t.version, t.listKind);
  const out: Record<string, Json> = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    const m = /^\/apis\/apps\/v1\/(namespaces\/\{namespace\}\/)?deployments(\/\{name\})?(\/status|\/scale)?$/.exec(
      path,
    );
    if (!m) continue;
    const sub = m[3]?.slice(1);
    if (sub && !t.subresources.includes(sub)) continue;
    const namespacedPath = Boolean(m[1]);
    // a cluster-scoped resource has the namespaced paths without their namespace (not the all-namespaces list)
    if (!t.namespaced && !namespacedPath) continue;
    const text = JSON.stringify(item)
      .replaceAll(`${TEMPLATE_SCHEMA}List`, listName)
      .replaceAll(TEMPLATE_SCHEMA, name)
      .replaceAll('AppsV1', opIdPrefix(t.group, t.version))
      .replaceAll('"apps_v1"', JSON.stringify(`${t.group}_${t.version}`))
      .replaceAll(TEMPLATE_KIND, t.kind)
      .replaceAll('deployments', t.resource);
    const renamed = JSON.parse(text) as Json;
    for (const [method, op] of Object.entries(renamed)) {
      if (method === 'parameters' || !op || typeof op !== 'object') continue;
      const o = op as Json;
      const gvk = o['x-kubernetes-group-version-kind'] as Json | undefined;
      if (gvk && gvk.kind === t.kind)
        o['x-kubernetes-group-version-kind'] = {group: t.group, kind: t.kind, version: t.version};
      const content = (o.requestBody as {content?: Json} | undefined)?.content;
      if (content) delete content[SMP];
    }
    let p = path.replace('/apis/apps/v1/', `/apis/${t.group}/${t.version}/`).replace('/deployments', `/${t.resource}`);
    if (!t.namespaced) {
      p = p.replace('/namespaces/{namespace}', '');
      dropNamespaceParam(renamed);
    }
    out[p] = renamed;
  }
  return out;
}

function dropNamespaceParam(item: Json): void {
  const params = item.parameters as Json[] | undefined;
  if (params) item.parameters = params.filter((p) => p.name !== 'namespace');
  for (const [method, op] of Object.entries(item)) {
    if (method === 'parameters' || !op || typeof op !== 'object') continue;
    const o = op as Json;
    if (typeof o.operationId === 'string') o.operationId = o.operationId.replace('Namespaced', '');
  }
}

/** every `$ref` under `value` */
function refsIn(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, into));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') into.add(v.replace('#/components/schemas/', ''));
      else refsIn(v, into);
    }
}

/** the document of one custom group-version; `types` are its served resources (one per CRD) */
export function crdOpenApiDoc(types: readonly ResourceType[]): OpenApiDoc {
  const doc = templateDoc();
  const typeMeta = (doc.components.schemas[TEMPLATE_SCHEMA]!.properties ?? {}) as Json;
  const schemas: Record<string, Record<string, unknown>> = {};
  const paths: Record<string, Record<string, unknown>> = {};
  for (const t of types) {
    schemas[restFriendlyName(t.group, t.version, t.kind)] = kindSchema(t, typeMeta);
    schemas[restFriendlyName(t.group, t.version, t.listKind)] = listSchema(t, typeMeta);
    Object.assign(paths, pathsOf(t));
  }
  // the shared meta/v1 (and autoscaling/v1 Scale) schemas the paths and kinds refer to, with what they refer to
  const pending = new Set<string>();
  refsIn(paths, pending);
  refsIn(schemas, pending);
  for (const name of pending) {
    if (schemas[name]) continue;
    const s = doc.components.schemas[name];
    if (!s) continue;
    schemas[name] = s;
    refsIn(s, pending);
  }
  const sorted = Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const sortedPaths = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    openapi: '3.0.0',
    info: {title: 'Kubernetes CRD Swagger', version: 'v0.1.0'},
    paths: sortedPaths,
    components: {schemas: sorted, securitySchemes: doc.components.securitySchemes},
  };
}
