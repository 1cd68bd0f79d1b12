import {DEFAULT_VERSIONS} from '../../../../src/core/versions';
import type {Deployment} from 'kubernetes-types/apps/v1';
import type {Pod, Service} from 'kubernetes-types/core/v1';
import type {KubeObject, ObjectStore, Typed} from '../api';
import {getOf, listOf} from '../api/kinds';

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
  peerAuthentications: KubeObject[];
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

export const labelsOf = (o: KubeObject | undefined): Record<string, string> => o?.metadata.labels ?? {};
export const annotationsOf = (o: KubeObject | undefined): Record<string, string> => o?.metadata.annotations ?? {};
export const nameOf = (o: KubeObject): string => String(o.metadata.name ?? '');
export const nsOf = (o: KubeObject): string => String(o.metadata.namespace ?? '');

/** what `istioctl install` left behind, read from the objects it creates */
export function readIstioInstall(store: ObjectStore): IstioInstall {
  const istiod = getOf(store, 'deployments', ISTIO_SYSTEM, 'istiod');
  const injector = getOf(store, 'mutatingwebhookconfigurations', undefined, 'istio-sidecar-injector');
  const cni = getOf(store, 'daemonsets', ISTIO_SYSTEM, 'istio-cni-node');
  const image = (istiod as Typed<Deployment> | undefined)?.spec?.template?.spec?.containers?.[0]?.image ?? '';
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
    httpRoutes: listOf(store, 'httproutes'),
    authorizationPolicies: listOf(store, 'authorizationpolicies'),
    peerAuthentications: listOf(store, 'peerauthentications'),
    configMaps: listOf(store, 'configmaps', {namespace: ISTIO_SYSTEM}),
    telemetries: listOf(store, 'telemetries'),
    istio: readIstioInstall(store),
  };
}

/** a stored Pod / Service read as its kubernetes-types type (a view, validated when it was written) */
export const asPod = (p: KubeObject) => p as Typed<Pod>;
export const asService = (s: KubeObject) => s as Typed<Service>;
const pod = asPod;
const service = asService;
export const podIP = (p: KubeObject): string | undefined => pod(p).status?.podIP;
export const nodeOf = (p: KubeObject): string | undefined => pod(p).spec?.nodeName;
export const isRunning = (p: KubeObject): boolean =>
  pod(p).status?.phase === 'Running' && !p.metadata.deletionTimestamp;
export const serviceAccountOf = (p: KubeObject): string => pod(p).spec?.serviceAccountName ?? 'default';
export const spiffeOf = (p: KubeObject): string => `spiffe://${TRUST_DOMAIN}/ns/${nsOf(p)}/sa/${serviceAccountOf(p)}`;
export const clusterIPOf = (s: KubeObject): string | undefined => service(s).spec?.clusterIP;

export function namespaceLabels(world: Pick<MeshWorld, 'namespaces'>, ns: string): Record<string, string> {
  return labelsOf(world.namespaces.find((n) => nameOf(n) === ns));
}

/** the pods a Service selects that are Running with an IP (what the endpoints controller lists as ready) */
export function endpointsOf(world: Pick<MeshWorld, 'pods'>, svc: KubeObject): KubeObject[] {
  const sel = service(svc).spec?.selector;
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
