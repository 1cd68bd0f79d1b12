import type {KubeObject} from '../api';
import {annotationsOf, asPod, labelsOf, nameOf, namespaceLabels, nsOf, type MeshWorld} from './world';

/**
 * Which data plane a pod is in, as Istio decides it. Behaviour as data where the rules are lists of labels;
 * sources: Istio's injection webhook selectors (manifests/charts/istio-control/istio-discovery/templates/
 * mutatingwebhook.yaml) and istio-cni's ambient enrolment (cni/pkg/util podutil.go PodRedirectionEnabled).
 */
export type DataplaneMode = 'sidecar' | 'ambient' | 'none';

export const LABEL = {
  injection: 'istio-injection',
  rev: 'istio.io/rev',
  podInject: 'sidecar.istio.io/inject',
  dataplaneMode: 'istio.io/dataplane-mode',
  useWaypoint: 'istio.io/use-waypoint',
  useWaypointNamespace: 'istio.io/use-waypoint-namespace',
  waypointFor: 'istio.io/waypoint-for',
  gatewayManaged: 'gateway.istio.io/managed',
  gatewayName: 'gateway.networking.k8s.io/gateway-name',
} as const;

/** `gateway.istio.io/managed` on what istiod deploys for a waypoint Gateway (its Service, Deployment and Pods) */
export const MESH_CONTROLLER = 'istio.io-mesh-controller';

export const REDIRECTION_ANNOTATION = 'ambient.istio.io/redirection';
export const SIDECAR_STATUS_ANNOTATION = 'sidecar.istio.io/status';

/** namespaces istio-cni never enrols (its excludeNamespaces default) and where the webhook never injects */
export const SYSTEM_NAMESPACES = ['kube-system', 'istio-system', 'kube-public', 'kube-node-lease'];

export interface InjectionInput {
  namespaceLabels: Record<string, string>;
  podLabels: Record<string, string>;
  podAnnotations: Record<string, string>;
  istioInstalled: boolean;
}

/**
 * The sidecar injector's decision at pod creation. The webhooks select namespaces labelled
 * `istio-injection=enabled` (or a revision), and pods labelled `sidecar.istio.io/inject=true` in namespaces not
 * labelled `istio-injection=disabled`; a pod label (or the legacy annotation) `sidecar.istio.io/inject=false` opts out.
 */
export function wantsSidecar(i: InjectionInput): boolean {
  if (!i.istioInstalled) return false;
  const nsInjection = i.namespaceLabels[LABEL.injection];
  const podInject = i.podLabels[LABEL.podInject] ?? i.podAnnotations[LABEL.podInject];
  if (podInject === 'false' || nsInjection === 'disabled') return false;
  if (nsInjection === 'enabled' || (i.namespaceLabels[LABEL.rev] && nsInjection === undefined)) return true;
  return podInject === 'true';
}

export interface AmbientInput {
  namespaceLabels: Record<string, string>;
  podLabels: Record<string, string>;
  podAnnotations: Record<string, string>;
  namespace: string;
  /** the pod already carries an injected sidecar */
  hasSidecar: boolean;
}

/**
 * istio-cni's enrolment rule: the pod or its namespace says `istio.io/dataplane-mode=ambient`, the pod does not say
 * `none`, and the pod has no sidecar (a sidecar-injected pod is never captured by ztunnel, even in an ambient
 * namespace). System namespaces are excluded.
 */
export function wantsAmbient(i: AmbientInput): boolean {
  if (i.hasSidecar || SYSTEM_NAMESPACES.includes(i.namespace)) return false;
  const pod = i.podLabels[LABEL.dataplaneMode];
  if (pod === 'none') return false;
  if (pod === 'ambient') return true;
  return i.namespaceLabels[LABEL.dataplaneMode] === 'ambient';
}

/** the pod carries an injected istio-proxy (what the injector left; the pod spec is immutable afterwards) */
export function hasSidecar(pod: KubeObject): boolean {
  const containers = asPod(pod).spec?.containers ?? [];
  const inits = asPod(pod).spec?.initContainers ?? [];
  return (
    !!annotationsOf(pod)[SIDECAR_STATUS_ANNOTATION] && [...containers, ...inits].some((c) => c.name === 'istio-proxy')
  );
}

/**
 * An Istio ingress gateway's pod (a Gateway of class `istio`): its Envoy originates mTLS/HBONE with its own identity,
 * as a sidecar does, but it never sends to a waypoint unless told (`istio.io/ingress-use-waypoint`).
 */
export function isIngressGateway(pod: KubeObject): boolean {
  return labelsOf(pod)['gateway.networking.k8s.io/gateway-class-name'] === 'istio';
}

/**
 * The data plane a running pod is in right now: sidecar if injected; ambient once istio-cni has set up its
 * redirection (the annotation is the source of truth, as in `istioctl ztunnel-config workloads` PROTOCOL HBONE);
 * none otherwise (including ambient-labelled pods whose node has no ztunnel yet).
 */
export function podDataplane(pod: KubeObject): DataplaneMode {
  if (hasSidecar(pod) || isIngressGateway(pod)) return 'sidecar';
  if (annotationsOf(pod)[REDIRECTION_ANNOTATION] === 'enabled') return 'ambient';
  return 'none';
}

/** the waypoint a destination uses, if any, with the Gateway that implements it */
export interface WaypointChoice {
  name: string;
  namespace: string;
  gateway?: KubeObject;
  /** the label was found on */
  from: 'pod' | 'service' | 'namespace';
}

/** `istio.io/waypoint-for` on the waypoint's Gateway: which traffic it takes (istiod defaults to service) */
export function waypointTrafficType(gw: KubeObject | undefined): 'service' | 'workload' | 'all' | 'none' {
  const v = labelsOf(gw)[LABEL.waypointFor];
  return v === 'workload' || v === 'all' || v === 'none' ? v : 'service';
}

/**
 * Which waypoint serves traffic to a destination. Service-addressed traffic reads the Service's label, then the
 * namespace's; workload-addressed traffic (to a pod IP) the pod's, then the namespace's. `none` on a more specific
 * object opts out. The waypoint must accept that traffic type (`istio.io/waypoint-for`: service|workload|all|none).
 * A waypoint never has a waypoint, even in a namespace labelled to use it: its own Service (istiod's
 * fetchWaypointForService skips `gateway.istio.io/managed=istio.io-mesh-controller`) and its own pods (an instance of
 * a waypoint, fetchWaypointForInstance: `gateway.networking.k8s.io/gateway-name` names a Gateway of its namespace);
 * pilot/pkg/serviceregistry/kube/controller/ambient/waypoints.go and workloads.go, Istio 1.29.
 */
export function waypointFor(
  world: Pick<MeshWorld, 'namespaces' | 'gateways'>,
  dest: {service?: KubeObject; pod?: KubeObject},
): WaypointChoice | undefined {
  const target = dest.service ?? dest.pod;
  if (!target) return undefined;
  const ns = nsOf(target);
  if (dest.service && labelsOf(dest.service)[LABEL.gatewayManaged] === MESH_CONTROLLER) return undefined;
  const instanceOf = dest.service ? undefined : labelsOf(target)[LABEL.gatewayName];
  if (instanceOf && world.gateways.some((g) => nameOf(g) === instanceOf && nsOf(g) === ns)) return undefined;
  const layers: [WaypointChoice['from'], Record<string, string>][] = [
    [dest.service ? 'service' : 'pod', labelsOf(target)],
    ['namespace', namespaceLabels(world, ns)],
  ];
  for (const [from, labels] of layers) {
    const name = labels[LABEL.useWaypoint];
    if (!name) continue;
    if (name === 'none') return undefined;
    const namespace = labels[LABEL.useWaypointNamespace] ?? ns;
    const gateway = world.gateways.find((g) => nameOf(g) === name && nsOf(g) === namespace);
    const accepts = waypointTrafficType(gateway);
    const kind = dest.service ? 'service' : 'workload';
    if (accepts !== 'all' && accepts !== kind) return undefined;
    return {name, namespace, gateway, from};
  }
  return undefined;
}
