import type {TypeRegistry} from './type-registry';

/** what discovery reads of a registry: a sandbox's types, plus the aggregated APIs that are available to it */
export type ServedTypes = Pick<TypeRegistry, 'all' | 'groups'>;
import type {ResourceType, Verb} from './types';

/**
 * Discovery documents. kubectl asks for aggregated discovery (2 requests) and falls back to the legacy per-group
 * documents; both are served. shortNames and categories reach kubectl only from here (`po`, `all`, `gtw`).
 */
const SUB_VERBS: Record<string, string[]> = {
  status: ['get', 'patch', 'update'],
  scale: ['get', 'patch', 'update'],
  log: ['get'],
  exec: ['create', 'get'],
  attach: ['create', 'get'],
  portforward: ['create', 'get'],
  proxy: ['create', 'delete', 'get', 'patch', 'update'],
  eviction: ['create'],
  binding: ['create'],
  token: ['create'],
  finalize: ['update'],
  approval: ['get', 'patch', 'update'],
  ephemeralcontainers: ['get', 'patch', 'update'],
  resize: ['get', 'patch', 'update'],
};

const SUB_KIND: Record<string, {group: string; version: string; kind: string}> = {
  scale: {group: 'autoscaling', version: 'v1', kind: 'Scale'},
  exec: {group: '', version: 'v1', kind: 'PodExecOptions'},
  attach: {group: '', version: 'v1', kind: 'PodAttachOptions'},
  portforward: {group: '', version: 'v1', kind: 'PodPortForwardOptions'},
  eviction: {group: 'policy', version: 'v1', kind: 'Eviction'},
  binding: {group: '', version: 'v1', kind: 'Binding'},
  token: {group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest'},
};

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** true when the Accept header asks for aggregated discovery v2 */
export function wantsAggregated(accept: string | undefined): boolean {
  return !!accept && /as=APIGroupDiscoveryList/.test(accept) && /v=v2(;|,|$)/.test(accept.replace(/\s/g, ''));
}

function verbsOf(t: ResourceType): Verb[] {
  return [...t.verbs].sort();
}

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress}],
  };
}

export function apiGroupList(types: ServedTypes) {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: types
      .groups()
      .filter((g) => g.name !== '')
      .map((g) => ({
        name: g.name,
        versions: g.versions.map((v) => ({groupVersion: `${g.name}/${v}`, version: v})),
        preferredVersion: {groupVersion: `${g.name}/${g.versions[0]}`, version: g.versions[0]},
      })),
  };
}

export function apiGroup(types: ServedTypes, name: string) {
  const g = types.groups().find((x) => x.name === name);
  if (!g) return undefined;
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: g.name,
    versions: g.versions.map((v) => ({groupVersion: `${g.name}/${v}`, version: v})),
    preferredVersion: {groupVersion: `${g.name}/${g.versions[0]}`, version: g.versions[0]},
  };
}

/** /api/v1 or /apis/<g>/<v>; undefined when the group/version is not served */
export function apiResourceList(types: ServedTypes, group: string, version: string) {
  const list = types.all().filter((t) => t.group === group && t.version === version);
  if (list.length === 0) return undefined;
  const resources: object[] = [];
  for (const t of list) {
    resources.push({
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: verbsOf(t),
      ...(t.shortNames.length ? {shortNames: t.shortNames} : {}),
      ...(t.categories.length ? {categories: t.categories} : {}),
    });
    for (const s of t.subresources) {
      const k = SUB_KIND[s];
      resources.push({
        name: `${t.resource}/${s}`,
        singularName: '',
        namespaced: t.namespaced,
        ...(k ? {group: k.group || undefined, version: k.version, kind: k.kind} : {kind: t.kind}),
        verbs: SUB_VERBS[s] ?? ['get'],
      });
    }
  }
  return {kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources};
}

/** aggregated discovery: the core group alone for /api, every other group for /apis */
export function aggregatedDiscovery(types: ServedTypes, core: boolean) {
  const items = types
    .groups()
    .filter((g) => (g.name === '') === core)
    .map((g) => ({
      metadata: {name: g.name, creationTimestamp: null},
      versions: g.versions.map((v) => ({
        version: v,
        resources: types
          .all()
          .filter((t) => t.group === g.name && t.version === v)
          .map((t) => ({
            resource: t.resource,
            responseKind: {group: t.group, version: t.version, kind: t.kind},
            scope: t.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: t.singular,
            verbs: verbsOf(t),
            ...(t.shortNames.length ? {shortNames: t.shortNames} : {}),
            ...(t.categories.length ? {categories: t.categories} : {}),
            ...(t.subresources.length
              ? {
                  subresources: t.subresources.map((s) => ({
                    subresource: s,
                    responseKind: SUB_KIND[s] ?? {group: t.group, version: t.version, kind: t.kind},
                    verbs: SUB_VERBS[s] ?? ['get'],
                  })),
                }
              : {}),
          })),
        freshness: 'Current',
      })),
    }));
  return {kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items};
}
