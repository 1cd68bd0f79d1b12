/**
 * The one table of the resource types the sandbox's own code reads and writes (controllers, the mesh, istioctl,
 * the node views), by their plural resource name as kubectl spells it. Look-ups go through the store's registry
 * at call time, because CRD-defined types (the Gateway API, Istio's) are served only once their CRDs are applied.
 */
import type {ObjectStore} from './store';
import type {KubeObject, ListOptions, ResourceType} from './types';

/** resource → [group, version]; the ones marked CRD are absent until their CustomResourceDefinitions exist */
const WHERE = {
  nodes: ['', 'v1'],
  namespaces: ['', 'v1'],
  pods: ['', 'v1'],
  services: ['', 'v1'],
  endpoints: ['', 'v1'],
  events: ['', 'v1'],
  configmaps: ['', 'v1'],
  secrets: ['', 'v1'],
  serviceaccounts: ['', 'v1'],
  persistentvolumeclaims: ['', 'v1'],
  persistentvolumes: ['', 'v1'],
  endpointslices: ['discovery.k8s.io', 'v1'],
  deployments: ['apps', 'v1'],
  replicasets: ['apps', 'v1'],
  daemonsets: ['apps', 'v1'],
  statefulsets: ['apps', 'v1'],
  jobs: ['batch', 'v1'],
  cronjobs: ['batch', 'v1'],
  storageclasses: ['storage.k8s.io', 'v1'],
  leases: ['coordination.k8s.io', 'v1'],
  customresourcedefinitions: ['apiextensions.k8s.io', 'v1'],
  mutatingwebhookconfigurations: ['admissionregistration.k8s.io', 'v1'],
  validatingwebhookconfigurations: ['admissionregistration.k8s.io', 'v1'],
  clusterroles: ['rbac.authorization.k8s.io', 'v1'],
  clusterrolebindings: ['rbac.authorization.k8s.io', 'v1'],
  roles: ['rbac.authorization.k8s.io', 'v1'],
  rolebindings: ['rbac.authorization.k8s.io', 'v1'],
  poddisruptionbudgets: ['policy', 'v1'],
  horizontalpodautoscalers: ['autoscaling', 'v2'],
  // CRD: the Gateway API
  gateways: ['gateway.networking.k8s.io', 'v1'],
  gatewayclasses: ['gateway.networking.k8s.io', 'v1'],
  httproutes: ['gateway.networking.k8s.io', 'v1'],
  // CRD: Istio
  authorizationpolicies: ['security.istio.io', 'v1'],
  peerauthentications: ['security.istio.io', 'v1'],
  telemetries: ['telemetry.istio.io', 'v1'],
} as const satisfies Record<string, readonly [string, string]>;

export type KindName = keyof typeof WHERE;

type CrdKind =
  'gateways' | 'gatewayclasses' | 'httproutes' | 'authorizationpolicies' | 'peerauthentications' | 'telemetries';
const CRD_KINDS: ReadonlySet<KindName> = new Set<CrdKind>([
  'gateways',
  'gatewayclasses',
  'httproutes',
  'authorizationpolicies',
  'peerauthentications',
  'telemetries',
]);
/** the kinds every sandbox serves from the start (the rest come with CRDs) */
export type BuiltInKind = Exclude<KindName, CrdKind>;

/** the built-in types, resolved once (what the cluster's controllers hold) */
export type Kinds = Record<BuiltInKind, ResourceType>;

/** the served type, or undefined when the cluster does not serve it (Gateway before the Gateway API CRDs) */
export function typeOf(store: ObjectStore, kind: KindName): ResourceType | undefined {
  const [group, version] = WHERE[kind];
  // CRDs of older releases serve v1beta1 only
  return store.types.lookup(group, version, kind) ?? (group ? store.types.lookup(group, 'v1beta1', kind) : undefined);
}

export function mustType(store: ObjectStore, kind: KindName): ResourceType {
  const t = typeOf(store, kind);
  if (!t) throw new Error(`the sandbox serves no ${WHERE[kind][0] || 'core'}/${WHERE[kind][1]} ${kind}`);
  return t;
}

/** list, or nothing when the type is not served */
export function listOf(store: ObjectStore, kind: KindName, opts: ListOptions = {}): KubeObject[] {
  const t = typeOf(store, kind);
  return t ? store.list(t, opts).items : [];
}

/** get (the namespace is ignored for cluster-scoped kinds), or undefined when absent or not served */
export function getOf(
  store: ObjectStore,
  kind: KindName,
  namespace: string | undefined,
  name: string,
): KubeObject | undefined {
  const t = typeOf(store, kind);
  return t ? store.get(t, t.namespaced ? namespace : undefined, name) : undefined;
}

/** every built-in kind, resolved now; a missing one is a bug in the API's built-in resources */
export function resolveKinds(store: ObjectStore): Kinds {
  const out = {} as Kinds;
  for (const kind of Object.keys(WHERE) as KindName[])
    if (!CRD_KINDS.has(kind)) out[kind as BuiltInKind] = mustType(store, kind);
  return out;
}
