/**
 * How istiod and ztunnel see the cluster's pods and services, read from the store: which pods carry a sidecar,
 * which are ztunnels, waypoints or gateways, which are captured by ambient (HBONE), and which waypoint a workload or
 * service uses (the `istio.io/use-waypoint` label on the object or its namespace, honoured only when the
 * waypoint's `istio.io/waypoint-for` covers that kind of traffic). The mesh engineer's controllers create the
 * waypoint Deployments and the pod annotations; this only reads.
 */
import type {ObjectStore} from '../../api/store';
import type {KubeObject} from '../../api/types';
import {getOf, listOf} from '../../api/kinds';
import {waypointFor} from '../../mesh/dataplane';
import {labelsOf} from '../../mesh/world';

export type ProxyKind = 'sidecar' | 'ztunnel' | 'waypoint' | 'gateway';

type Container = {name?: string; image?: string};

const containersOf = (p: KubeObject): Container[] => {
  const spec = (p.spec ?? {}) as {containers?: Container[]; initContainers?: Container[]};
  return [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
};

export const podIP = (p: KubeObject): string | undefined => ((p.status ?? {}) as {podIP?: string}).podIP;
export const podNode = (p: KubeObject): string => String(((p.spec ?? {}) as {nodeName?: string}).nodeName ?? '');
export const podPhase = (p: KubeObject): string => String(((p.status ?? {}) as {phase?: string}).phase ?? '');
export const hostNetwork = (p: KubeObject): boolean => !!((p.spec ?? {}) as {hostNetwork?: boolean}).hostNetwork;
export const serviceAccountOf = (p: KubeObject): string =>
  String(((p.spec ?? {}) as {serviceAccountName?: string}).serviceAccountName ?? 'default');

export function isWaypointGateway(g: KubeObject): boolean {
  const cls = String(((g.spec ?? {}) as {gatewayClassName?: string}).gatewayClassName ?? '');
  return cls === 'istio-waypoint' || cls === 'agentgateway-waypoint';
}

export function proxyKind(p: KubeObject, istioNamespace: string): ProxyKind | undefined {
  const l = labelsOf(p);
  if (p.metadata.namespace === istioNamespace && l.app === 'ztunnel') return 'ztunnel';
  // waypoints are deployed by istiod's mesh controller for a Gateway of class istio-waypoint
  if (
    l['gateway.istio.io/managed'] === 'istio.io-mesh-controller' ||
    l['gateway.networking.k8s.io/gateway-class-name'] === 'istio-waypoint'
  )
    return 'waypoint';
  if (
    l.istio === 'ingressgateway' ||
    l.istio === 'egressgateway' ||
    l['gateway.istio.io/managed'] === 'istio.io-gateway-controller'
  )
    return 'gateway';
  if (containersOf(p).some((c) => c.name === 'istio-proxy')) return 'sidecar';
  return undefined;
}

/** ambient-captured: istio-cni's annotation, or (before/without the CNI's mark) the enrolment labels */
export function isAmbientCaptured(store: ObjectStore, p: KubeObject, istioNamespace: string): boolean {
  if (p.metadata.annotations?.['ambient.istio.io/redirection'] === 'enabled') return true;
  if (hostNetwork(p) || proxyKind(p, istioNamespace)) return false;
  const pl = labelsOf(p)['istio.io/dataplane-mode'];
  if (pl === 'none') return false;
  const ns = getOf(store, 'namespaces', undefined, String(p.metadata.namespace));
  const nl = ns ? labelsOf(ns) : {};
  // a sidecar-injection label wins over ambient (pkg/config/analysis/analyzers/util NamespaceInAmbientMode)
  if (nl['istio-injection'] === 'enabled') return false;
  return pl === 'ambient' || nl['istio.io/dataplane-mode'] === 'ambient';
}

/** a waypoint ztunnel is told about: its Gateway's name and namespace */
export interface WaypointRef {
  name: string;
  namespace: string;
}

/**
 * The mesh's choice (mesh/dataplane.ts waypointFor), shown only when the waypoint's Gateway exists: istiod reports a
 * missing one as not ready and gives the destination no waypoint.
 */
function chosenWaypoint(store: ObjectStore, dest: {service?: KubeObject; pod?: KubeObject}): WaypointRef | undefined {
  const choice = waypointFor({namespaces: listOf(store, 'namespaces'), gateways: listOf(store, 'gateways')}, dest);
  return choice?.gateway ? {name: choice.name, namespace: choice.namespace} : undefined;
}

/**
 * ztunnel's PROTOCOL for a workload: HBONE for ambient-captured pods and for sidecars injected with HBONE on (the
 * injector's `networking.istio.io/tunnel: http` label when the mesh runs ambient); TCP otherwise, waypoints included:
 * ztunnel does not capture them (`istio.io/dataplane-mode: none`), as the 1.29.6 golden `allsummary_withheaders.txt`
 * and a k3d transcript show.
 */
export function tunnelProtocol(store: ObjectStore, p: KubeObject, istioNamespace: string): 'HBONE' | 'TCP' {
  const kind = proxyKind(p, istioNamespace);
  if (kind === 'waypoint') return 'TCP';
  if (kind === 'sidecar') return labelsOf(p)['networking.istio.io/tunnel'] === 'http' ? 'HBONE' : 'TCP';
  return isAmbientCaptured(store, p, istioNamespace) ? 'HBONE' : 'TCP';
}

/** the waypoint (name) a pod's own traffic goes through, when its waypoint serves workloads */
export function workloadWaypoint(store: ObjectStore, p: KubeObject): WaypointRef | undefined {
  return chosenWaypoint(store, {pod: p});
}

/** the waypoint a service's traffic goes through */
export function serviceWaypoint(store: ObjectStore, svc: KubeObject): WaypointRef | undefined {
  return chosenWaypoint(store, {service: svc});
}

export function isPodReady(p: KubeObject): boolean {
  const conds = ((p.status ?? {}) as {conditions?: {type: string; status: string}[]}).conditions ?? [];
  return conds.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** running istiod pods of the control plane */
export function istiodPods(store: ObjectStore, istioNamespace: string, revision = ''): KubeObject[] {
  // GetIstioPods: a client made for a revision adds istio.io/rev=<revision> to the selector
  const labelSelector = revision ? `app=istiod,istio.io/rev=${revision}` : 'app=istiod';
  return listOf(store, 'pods', {namespace: istioNamespace, labelSelector}).filter(
    (p) => podPhase(p) === 'Running' && !p.metadata.deletionTimestamp,
  );
}

/** the tag of a pod's first container image ("docker.io/istio/pilot:1.29.8-distroless" → "1.29.8") */
export function imageTag(p: KubeObject): string {
  const img = String(((p.spec ?? {}) as {containers?: Container[]}).containers?.[0]?.image ?? '');
  const tag = img.includes(':') ? img.slice(img.lastIndexOf(':') + 1) : '';
  return tag.replace(/-distroless$/, '');
}

/** proxies connected to istiod: sidecars, gateways, waypoints and ztunnels that are running */
export function connectedProxies(store: ObjectStore, istioNamespace: string): {pod: KubeObject; kind: ProxyKind}[] {
  const out: {pod: KubeObject; kind: ProxyKind}[] = [];
  for (const p of listOf(store, 'pods')) {
    const kind = proxyKind(p, istioNamespace);
    if (kind && podPhase(p) === 'Running' && !p.metadata.deletionTimestamp) out.push({pod: p, kind});
  }
  return out.sort((a, b) =>
    `${a.pod.metadata.name}.${a.pod.metadata.namespace}`.localeCompare(
      `${b.pod.metadata.name}.${b.pod.metadata.namespace}`,
    ),
  );
}

/** the proxy image tag of a sidecar/gateway/waypoint/ztunnel pod */
export function proxyTag(p: KubeObject): string {
  const all = containersOf(p);
  const c = all.find((x) => x.name === 'istio-proxy') ?? all[0];
  const img = String(c?.image ?? '');
  return (img.includes(':') ? img.slice(img.lastIndexOf(':') + 1) : '').replace(/-distroless$/, '');
}
