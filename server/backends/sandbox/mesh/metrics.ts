import type {KubeObject} from '../api';
import {labelsOf, nameOf, nsOf, spiffeOf} from './world';

/**
 * Istio's standard metrics as the mesh's proxies count them (pure: label lists from pods). Label names and the order
 * Envoy prints them come from a real sidecar's `/stats/prometheus` (istio_requests_total and
 * istio_tcp_connections_opened_total, reporter="destination"); ztunnel's order follows its CommonTrafficLabels
 * (ztunnel src/proxy/metrics.rs), reporter "source" on the client's node and "destination" on the server's; a
 * waypoint reports as "waypoint". Values Istio reads from pod metadata: the workload (the Deployment behind a
 * ReplicaSet), app/version labels, and the canonical service and revision.
 */
export type Labels = [string, string][];

export const HELP = {
  requests: 'Total requests handled by an Istio proxy',
  tcpOpened: 'The total number of TCP connections opened',
  tcpClosed: 'The total number of TCP connections closed',
  tcpSent: 'The size of total bytes sent during response in case of a TCP connection',
  tcpReceived: 'The size of total bytes received during request in case of a TCP connection',
} as const;

export interface Peer {
  workload: string;
  namespace: string;
  principal: string;
  app: string;
  version: string;
  canonicalService: string;
  canonicalRevision: string;
}

const UNKNOWN: Peer = {
  workload: 'unknown',
  namespace: 'unknown',
  principal: 'unknown',
  app: 'unknown',
  version: 'unknown',
  canonicalService: 'unknown',
  canonicalRevision: 'unknown',
};

/** the workload a pod belongs to: its Deployment (ReplicaSet name without its hash), DaemonSet, or itself */
export function workloadName(pod: KubeObject): string {
  const owner = (pod.metadata.ownerReferences ?? []).find((r) => r.controller !== false);
  if (owner?.kind === 'ReplicaSet') return owner.name.replace(/-[a-z0-9]{6,10}$/, '');
  if (owner) return owner.name;
  return nameOf(pod).replace(/-[a-z0-9]{6,10}-[a-z0-9]{5}$/, '');
}

/** what Istio's metadata exchange says about a pod; `withIdentity` false for a plaintext peer */
export function peerOf(pod: KubeObject | undefined, withIdentity = true): Peer {
  if (!pod) return UNKNOWN;
  const l = labelsOf(pod);
  const workload = workloadName(pod);
  return {
    workload,
    namespace: nsOf(pod),
    principal: withIdentity ? spiffeOf(pod) : 'unknown',
    app: l.app ?? l['app.kubernetes.io/name'] ?? 'unknown',
    version: l.version ?? l['app.kubernetes.io/version'] ?? 'unknown',
    canonicalService: l['service.istio.io/canonical-name'] ?? l['app.kubernetes.io/name'] ?? l.app ?? workload,
    canonicalRevision:
      l['service.istio.io/canonical-revision'] ?? l['app.kubernetes.io/version'] ?? l.version ?? 'latest',
  };
}

export interface ServiceRef {
  fqdn?: string;
  name?: string;
  namespace?: string;
}

export function serviceRef(svc: KubeObject | undefined): ServiceRef {
  return svc ? {fqdn: `${nameOf(svc)}.${nsOf(svc)}.svc.cluster.local`, name: nameOf(svc), namespace: nsOf(svc)} : {};
}

/** ztunnel's labels for one connection */
export function ztunnelLabels(
  reporter: 'source' | 'destination',
  src: Peer,
  dst: Peer,
  svc: ServiceRef,
  mtls: boolean,
): Labels {
  return [
    ['reporter', reporter],
    ['source_workload', src.workload],
    ['source_canonical_service', src.canonicalService],
    ['source_canonical_revision', src.canonicalRevision],
    ['source_workload_namespace', src.namespace],
    ['source_principal', src.principal],
    ['source_app', src.app],
    ['source_version', src.version],
    ['source_cluster', 'Kubernetes'],
    ['destination_service', svc.fqdn ?? 'unknown'],
    ['destination_service_namespace', svc.namespace ?? 'unknown'],
    ['destination_service_name', svc.name ?? 'unknown'],
    ['destination_workload', dst.workload],
    ['destination_canonical_service', dst.canonicalService],
    ['destination_canonical_revision', dst.canonicalRevision],
    ['destination_workload_namespace', dst.namespace],
    ['destination_principal', dst.principal],
    ['destination_app', dst.app],
    ['destination_version', dst.version],
    ['destination_cluster', 'Kubernetes'],
    ['request_protocol', 'tcp'],
    ['response_flags', '-'],
    ['connection_security_policy', mtls ? 'mutual_tls' : 'unknown'],
  ];
}

/** Envoy's labels for one HTTP request (sidecars and waypoints), in the order a real sidecar prints them */
export function envoyRequestLabels(
  reporter: 'source' | 'destination' | 'waypoint',
  status: number,
  flags: string,
  src: Peer,
  dst: Peer,
  svc: ServiceRef,
  security: 'mutual_tls' | 'none' | 'unknown',
): Labels {
  return [
    ['response_code', String(status)],
    ['reporter', reporter],
    ['source_workload', src.workload],
    ['source_workload_namespace', src.namespace],
    ['source_principal', src.principal],
    ['source_app', src.app],
    ['source_version', src.version],
    ['source_cluster', 'Kubernetes'],
    ['destination_workload', dst.workload],
    ['destination_workload_namespace', dst.namespace],
    ['destination_principal', dst.principal],
    ['destination_app', dst.app],
    ['destination_version', dst.version],
    ['destination_service', svc.fqdn ?? 'unknown'],
    ['destination_service_name', svc.name ?? 'unknown'],
    ['destination_service_namespace', svc.namespace ?? 'unknown'],
    ['destination_cluster', 'Kubernetes'],
    ['request_protocol', 'http'],
    ['response_flags', flags || '-'],
    ['grpc_response_status', ''],
    ['connection_security_policy', security],
    ['source_canonical_service', src.canonicalService],
    ['destination_canonical_service', dst.canonicalService],
    ['source_canonical_revision', src.canonicalRevision],
    ['destination_canonical_revision', dst.canonicalRevision],
  ];
}
