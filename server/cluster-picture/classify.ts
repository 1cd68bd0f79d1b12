/**
 * Pure functions from Kubernetes objects (as `kubectl get -o json` prints them) to the cluster picture: which node
 * a pod is on, what `kubectl get pods` would print as its STATUS, what it is to the mesh, and each namespace's
 * data-plane mode. No I/O, so they are tested with plain objects.
 */
import type {
  ClusterNamespace,
  ClusterNode,
  ClusterPod,
  DataPlaneMode,
  PodRole,
} from '../../src/core/protocol/cluster-picture';

/** the parts of an object we read; everything optional because kubectl output is input from outside */
export interface KubeItem {
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
  };
  spec?: {
    nodeName?: string;
    containers?: Array<{name?: string}>;
    initContainers?: Array<{name?: string; restartPolicy?: string}>;
    gatewayClassName?: string;
  };
  status?: {
    phase?: string;
    reason?: string;
    conditions?: Array<{type?: string; status?: string}>;
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

interface ContainerStatus {
  name?: string;
  ready?: boolean;
  state?: {waiting?: {reason?: string}; terminated?: {reason?: string}; running?: object};
}

const WAYPOINT_CLASS = 'istio-waypoint';

export interface PictureParts {
  nodes: ClusterNode[];
  unscheduled: ClusterPod[];
  namespaces: ClusterNamespace[];
}

/** nodes with their pods, unscheduled pods, namespaces with their modes; all sorted for a stable picture */
export function pictureFromItems(items: readonly KubeItem[]): PictureParts {
  const nodes = new Map<string, ClusterNode>();
  for (const item of items) {
    if (item.kind !== 'Node' || !item.metadata?.name) continue;
    nodes.set(item.metadata.name, {
      name: item.metadata.name,
      role: nodeRole(item),
      ready: conditionTrue(item, 'Ready'),
      pods: [],
    });
  }
  const unscheduled: ClusterPod[] = [];
  for (const item of items) {
    if (item.kind !== 'Pod' || !item.metadata?.name) continue;
    const pod = podOf(item);
    const node = item.spec?.nodeName ? nodes.get(item.spec.nodeName) : undefined;
    (node ? node.pods : unscheduled).push(pod);
  }
  const byName = (a: ClusterPod, b: ClusterPod) =>
    a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
  for (const node of nodes.values()) node.pods.sort(byName);
  unscheduled.sort(byName);

  const waypoints = new Set(
    items
      .filter((i) => i.kind === 'Gateway' && i.spec?.gatewayClassName === WAYPOINT_CLASS && i.metadata?.namespace)
      .map((i) => i.metadata!.namespace!),
  );
  const namespaces = items
    .filter((i) => i.kind === 'Namespace' && i.metadata?.name)
    .map((i) => namespaceOf(i, waypoints.has(i.metadata!.name!)))
    .sort((a, b) => a.name.localeCompare(b.name));

  return {
    nodes: [...nodes.values()].sort((a, b) =>
      a.role === b.role ? a.name.localeCompare(b.name) : a.role === 'control-plane' ? -1 : 1,
    ),
    unscheduled,
    namespaces,
  };
}

export function nodeRole(node: KubeItem): ClusterNode['role'] {
  const labels = node.metadata?.labels ?? {};
  return 'node-role.kubernetes.io/control-plane' in labels || 'node-role.kubernetes.io/master' in labels
    ? 'control-plane'
    : 'agent';
}

function conditionTrue(item: KubeItem, type: string): boolean {
  return item.status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;
}

/**
 * Sidecar injection wins over ambient: Istio's CNI leaves pods that carry a sidecar alone, so a namespace labelled
 * for both behaves as a sidecar namespace. `istio.io/rev` selects a revision's injector, as `istio-injection` does.
 * A waypoint counts when the namespace is enrolled (istio.io/use-waypoint) or holds a waypoint Gateway.
 */
export function namespaceMode(labels: Record<string, string>, hasWaypointGateway: boolean): DataPlaneMode {
  if (labels['istio-injection'] === 'enabled' || (labels['istio.io/rev'] && labels['istio-injection'] !== 'disabled'))
    return 'sidecar';
  if (labels['istio.io/dataplane-mode'] === 'ambient') {
    const useWaypoint = labels['istio.io/use-waypoint'];
    return (useWaypoint && useWaypoint !== 'none') || hasWaypointGateway ? 'ambient+waypoint' : 'ambient';
  }
  return 'none';
}

function namespaceOf(item: KubeItem, hasWaypointGateway: boolean): ClusterNamespace {
  const labels = item.metadata?.labels ?? {};
  const mode = namespaceMode(labels, hasWaypointGateway);
  const waypoint = labels['istio.io/use-waypoint'];
  return {
    name: item.metadata!.name!,
    mode,
    ...(mode === 'ambient+waypoint' && waypoint && waypoint !== 'none' ? {waypoint} : {}),
  };
}

/** a native sidecar (init container that keeps running) counts as one of the pod's containers, as kubectl does */
function nativeSidecars(pod: KubeItem): string[] {
  return (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always' && c.name).map((c) => c.name!);
}

export function podRole(pod: KubeItem): PodRole {
  const labels = pod.metadata?.labels ?? {};
  const annotations = pod.metadata?.annotations ?? {};
  if (
    labels['gateway.istio.io/managed'] === 'istio.io-mesh-controller' ||
    labels['gateway.networking.k8s.io/gateway-class-name'] === WAYPOINT_CLASS
  ) {
    return 'waypoint';
  }
  if (labels['app'] === 'ztunnel') return 'ztunnel';
  const containers = [...(pod.spec?.containers ?? []).map((c) => c.name), ...nativeSidecars(pod)];
  if (containers.includes('istio-proxy')) return 'sidecar';
  if (annotations['ambient.istio.io/redirection'] === 'enabled') return 'ambient';
  return 'none';
}

/** kubectl's STATUS column, simplified: Terminating, a waiting/terminated reason (init first), else the phase */
export function podStatus(pod: KubeItem): string {
  if (pod.metadata?.deletionTimestamp) return 'Terminating';
  if (pod.status?.reason) return pod.status.reason;
  const sidecars = new Set(nativeSidecars(pod));
  for (const c of pod.status?.initContainerStatuses ?? []) {
    if (c.name && sidecars.has(c.name)) continue;
    const waiting = c.state?.waiting?.reason;
    if (waiting && waiting !== 'PodInitializing') return `Init:${waiting}`;
    if (waiting || c.state?.running) return 'PodInitializing';
  }
  for (const c of pod.status?.containerStatuses ?? []) {
    const reason = c.state?.waiting?.reason ?? c.state?.terminated?.reason;
    if (reason) return reason;
  }
  return pod.status?.phase ?? 'Unknown';
}

export function podOf(item: KubeItem): ClusterPod {
  const sidecars = new Set(nativeSidecars(item));
  const totalContainers = (item.spec?.containers?.length ?? 0) + sidecars.size;
  const readyContainers =
    (item.status?.containerStatuses ?? []).filter((c) => c.ready).length +
    (item.status?.initContainerStatuses ?? []).filter((c) => c.ready && c.name && sidecars.has(c.name)).length;
  const status = podStatus(item);
  return {
    namespace: item.metadata?.namespace ?? 'default',
    name: item.metadata!.name!,
    phase: item.status?.phase ?? 'Unknown',
    status,
    readyContainers,
    totalContainers,
    ready: totalContainers > 0 && readyContainers === totalContainers && status !== 'Terminating',
    role: podRole(item),
  };
}
