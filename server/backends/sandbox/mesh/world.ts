import {DEFAULT_VERSIONS} from '../../../../src/core/versions';
import type {KubeObject, ObjectStore, ResourceType} from '../api';

/**
 * What the mesh reads from a sandbox, as one plain snapshot: the pure modules (classification, policy, routing,
 * the request path) take a MeshWorld and never touch the store, so their tests build worlds from literals.
 */
export interface MeshWorld {
  namespaces: KubeObject[];
  pods: KubeObject[];
  services: KubeObject[];
  gateways: KubeObject[];
  httpRoutes: KubeObject[];
  authorizationPolicies: KubeObject[];
  configMaps: KubeObject[];
  telemetries: KubeObject[];
  istio: IstioInstall;
}

export interface IstioInstall {
  /** istiod runs (or at least its injector webhook is registered) */
  installed: boolean;
  /** the proxy image tag (1.29.8 or 1.29.8-distroless), from istiod's image when it exists */
  tag: string;
  hub: string;
  /** istio-cni is installed (sidecar pods then get istio-validation instead of istio-init) */
  cni: boolean;
  /** the root namespace: policies there apply mesh-wide */
  rootNamespace: string;
}

export const ISTIO_SYSTEM = 'istio-system';
export const TRUST_DOMAIN = 'cluster.local';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export const asJson = (o: unknown): Json => (o && typeof o === 'object' ? (o as Json) : {});
export const labelsOf = (o: KubeObject | undefined): Record<string, string> => o?.metadata.labels ?? {};
export const annotationsOf = (o: KubeObject | undefined): Record<string, string> => o?.metadata.annotations ?? {};
export const nameOf = (o: KubeObject): string => String(o.metadata.name ?? '');
export const nsOf = (o: KubeObject): string => String(o.metadata.namespace ?? '');

/** where each kind lives; CRD-backed ones may be missing until their CRDs are applied */
const WHERE = {
  namespaces: ['', 'v1', 'namespaces'],
  pods: ['', 'v1', 'pods'],
  services: ['', 'v1', 'services'],
  configMaps: ['', 'v1', 'configmaps'],
  serviceAccounts: ['', 'v1', 'serviceaccounts'],
  deployments: ['apps', 'v1', 'deployments'],
  daemonSets: ['apps', 'v1', 'daemonsets'],
  mutatingWebhooks: ['admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations'],
  gateways: ['gateway.networking.k8s.io', 'v1', 'gateways'],
  gatewayClasses: ['gateway.networking.k8s.io', 'v1', 'gatewayclasses'],
  httpRoutes: ['gateway.networking.k8s.io', 'v1', 'httproutes'],
  authorizationPolicies: ['security.istio.io', 'v1', 'authorizationpolicies'],
  telemetries: ['telemetry.istio.io', 'v1', 'telemetries'],
  crds: ['apiextensions.k8s.io', 'v1', 'customresourcedefinitions'],
} as const;

export type MeshKind = keyof typeof WHERE;

/** the served type of a kind, looked up each time: CRDs register at runtime (v1beta1 as a fallback for older CRDs) */
export function typeOf(store: ObjectStore, kind: MeshKind): ResourceType | undefined {
  const [group, version, resource] = WHERE[kind];
  return (
    store.types.lookup(group, version, resource) ?? (group ? store.types.lookup(group, 'v1beta1', resource) : undefined)
  );
}

export function listOf(store: ObjectStore, kind: MeshKind, namespace?: string): KubeObject[] {
  const t = typeOf(store, kind);
  return t ? store.list(t, namespace ? {namespace} : {}).items : [];
}

export function getOf(
  store: ObjectStore,
  kind: MeshKind,
  namespace: string | undefined,
  name: string,
): KubeObject | undefined {
  const t = typeOf(store, kind);
  return t ? store.get(t, namespace, name) : undefined;
}

/** what `istioctl install` left behind, read from the objects it creates (istio-facts.md §2) */
export function readIstioInstall(store: ObjectStore): IstioInstall {
  const istiod = getOf(store, 'deployments', ISTIO_SYSTEM, 'istiod');
  const injector = getOf(store, 'mutatingWebhooks', undefined, 'istio-sidecar-injector');
  const cni = getOf(store, 'daemonSets', ISTIO_SYSTEM, 'istio-cni-node');
  const image = String(asJson(istiod).spec?.template?.spec?.containers?.[0]?.image ?? '');
  const m = /^(.*)\/pilot:(.+)$/.exec(image);
  return {
    installed: !!istiod || !!injector,
    hub: m?.[1] ?? 'docker.io/istio',
    tag: m?.[2] ?? DEFAULT_VERSIONS.ISTIO,
    cni: !!cni,
    rootNamespace: ISTIO_SYSTEM,
  };
}

export function readWorld(store: ObjectStore): MeshWorld {
  return {
    namespaces: listOf(store, 'namespaces'),
    pods: listOf(store, 'pods'),
    services: listOf(store, 'services'),
    gateways: listOf(store, 'gateways'),
    httpRoutes: listOf(store, 'httpRoutes'),
    authorizationPolicies: listOf(store, 'authorizationPolicies'),
    configMaps: listOf(store, 'configMaps', ISTIO_SYSTEM),
    telemetries: listOf(store, 'telemetries'),
    istio: readIstioInstall(store),
  };
}

export const podIP = (p: KubeObject): string | undefined => asJson(p).status?.podIP;
export const nodeOf = (p: KubeObject): string | undefined => asJson(p).spec?.nodeName;
export const isRunning = (p: KubeObject): boolean =>
  asJson(p).status?.phase === 'Running' && !p.metadata.deletionTimestamp;
export const serviceAccountOf = (p: KubeObject): string => String(asJson(p).spec?.serviceAccountName ?? 'default');
export const spiffeOf = (p: KubeObject): string => `spiffe://${TRUST_DOMAIN}/ns/${nsOf(p)}/sa/${serviceAccountOf(p)}`;
export const clusterIPOf = (s: KubeObject): string | undefined => asJson(s).spec?.clusterIP;

export function namespaceLabels(world: Pick<MeshWorld, 'namespaces'>, ns: string): Record<string, string> {
  return labelsOf(world.namespaces.find((n) => nameOf(n) === ns));
}

/** the pods a Service selects that are Running with an IP (what the endpoints controller lists as ready) */
export function endpointsOf(world: Pick<MeshWorld, 'pods'>, svc: KubeObject): KubeObject[] {
  const sel = asJson(svc).spec?.selector as Record<string, string> | undefined;
  if (!sel || !Object.keys(sel).length) return [];
  return world.pods
    .filter(
      (p) =>
        nsOf(p) === nsOf(svc) &&
        isRunning(p) &&
        podIP(p) &&
        Object.entries(sel).every(([k, v]) => labelsOf(p)[k] === v),
    )
    .sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
}
