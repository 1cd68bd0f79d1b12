import type {
  Node,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PodSpec,
  Taint,
  Toleration,
} from 'kubernetes-types/core/v1';
import type {KubeObject, Typed} from '../api';

/**
 * The scheduler's filters that matter in a tutorial cluster (NodeUnschedulable, NodeName, NodeAffinity with
 * nodeSelector and required terms, TaintToleration), each returning the reason the real scheduler prints in
 * "0/5 nodes are available: 5 node(s) didn't match Pod's node affinity/selector."
 */
export type FitFailure = string;

/** what the filters read of a pod (a DaemonSet's template probes nodes with its spec alone) */
type PodWithSpec = {spec?: PodSpec};

function matchExpression(value: string | undefined, e: NodeSelectorRequirement): boolean {
  const values = e.values ?? [];
  switch (e.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(values[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(values[0]);
    default:
      return false;
  }
}

function termMatches(node: KubeObject, term: NodeSelectorTerm): boolean {
  const labels = node.metadata.labels ?? {};
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!exprs.length && !fields.length) return false; // an empty term matches nothing (v1 API rule)
  return (
    exprs.every((e) => matchExpression(labels[e.key], e)) &&
    fields.every((f) => matchExpression(f.key === 'metadata.name' ? node.metadata.name : undefined, f))
  );
}

export function matchesNodeSelectorAndAffinity(pod: PodWithSpec, node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && !terms.some((t) => termMatches(node, t))) return false;
  return true;
}

function tolerates(tolerations: Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

/** taints a pod does not tolerate; PreferNoSchedule only scores, it never filters */
export function untoleratedTaint(pod: PodWithSpec, node: KubeObject): Taint | undefined {
  const taints = (node as Typed<Node>).spec?.taints ?? [];
  return taints.find(
    (t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(pod.spec?.tolerations ?? [], t),
  );
}

/** "TCP/80" for every hostPort a pod holds (the NodePorts filter: svclb pods of two LoadBalancers on one port) */
export function hostPortsOf(pod: PodWithSpec): string[] {
  const out: string[] = [];
  for (const c of pod.spec?.containers ?? [])
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${p.protocol ?? 'TCP'}/${p.hostPort}`);
  return out;
}

/** undefined when the pod fits, else the scheduler's per-node reason; usedHostPorts are those of the node's pods */
export function fitFailure(
  pod: PodWithSpec,
  node: KubeObject,
  ready: boolean,
  usedHostPorts: ReadonlySet<string> = new Set(),
  volumeNodeTerms: NodeSelectorTerm[][] = [],
): FitFailure | undefined {
  if (!ready) return 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }';
  if (
    (node as Typed<Node>).spec?.unschedulable &&
    !tolerates(pod.spec?.tolerations ?? [], {key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule'})
  )
    return 'node(s) were unschedulable';
  if (!matchesNodeSelectorAndAffinity(pod, node)) return "node(s) didn't match Pod's node affinity/selector";
  const t = untoleratedTaint(pod, node);
  if (t) return `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`;
  if (hostPortsOf(pod).some((p) => usedHostPorts.has(p)))
    return "node(s) didn't have free ports for the requested pod ports";
  // VolumeBinding: a bound local volume lives on one node (its PV's nodeAffinity)
  if (volumeNodeTerms.some((terms) => !terms.some((t) => termMatches(node, t))))
    return 'node(s) had volume node affinity conflict';
  return undefined;
}

/** "0/5 nodes are available: 1 node(s) had untolerated taint {...}, 4 node(s) didn't match ...": counts per reason, sorted as the scheduler does */
export function unschedulableMessage(total: number, failures: FitFailure[]): string {
  const counts = new Map<string, number>();
  for (const f of failures) counts.set(f, (counts.get(f) ?? 0) + 1);
  const parts = [...counts.entries()].map(([r, n]) => `${n} ${r}`).sort();
  return `0/${total} nodes are available: ${parts.join(', ')}. preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`;
}
