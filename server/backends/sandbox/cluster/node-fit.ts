import type {
  Node,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PodSpec,
  Taint,
  Toleration,
} from 'kubernetes-types/core/v1';
import type {KubeObject, Typed} from '../api';
import type {NodeUsage} from './node-usage';
import {hostPortsOf, podRequest, type NodeAllocatable, type PodRequest} from './resources';

/**
 * The scheduler's filters that matter in a tutorial cluster (NodeUnschedulable, NodeName, NodeAffinity with
 * nodeSelector and required terms, TaintToleration, NodePorts, NodeResourcesFit, VolumeBinding's node affinity),
 * each returning the reason the real scheduler prints in
 * "0/5 nodes are available: 5 node(s) didn't match Pod's node affinity/selector."
 */

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
export function untoleratedTaint(
  pod: PodWithSpec,
  node: KubeObject,
  effects: readonly string[] = ['NoSchedule', 'NoExecute'],
): Taint | undefined {
  const taints = (node as Typed<Node>).spec?.taints ?? [];
  return taints.find((t) => effects.includes(t.effect) && !tolerates(pod.spec?.tolerations ?? [], t));
}

/**
 * Why a node cannot take the pod: the filter's reasons (NodeResourcesFit gives several at once: "Too many pods",
 * "Insufficient cpu") and whether preemption could help — it cannot when the node is ruled out by what the pod
 * asks of the node itself (UnschedulableAndUnresolvable: selectors, taints, volume zones), it could when what is
 * missing is room that other pods hold (Unschedulable: resources, host ports).
 */
export interface FitFailure {
  reasons: string[];
  resolvable: boolean;
}

const unresolvable = (reason: string): FitFailure => ({reasons: [reason], resolvable: false});

/** what a node has left for the pod: its allocatable less what its pods hold (see node-usage.ts) */
export interface NodeRoom {
  allocatable: NodeAllocatable;
  used: NodeUsage;
}

/**
 * undefined when the pod fits, else why not, filter by filter in kube-scheduler's order (NodeUnschedulable,
 * TaintToleration for not-ready, NodeAffinity, TaintToleration, NodePorts, NodeResourcesFit, VolumeBinding); the
 * first filter that fails decides, as the framework stops at it.
 */
export function fitFailure(
  pod: PodWithSpec,
  node: KubeObject,
  ready: boolean,
  room?: NodeRoom,
  volumeNodeTerms: NodeSelectorTerm[][] = [],
  request: PodRequest = podRequest(pod.spec),
): FitFailure | undefined {
  if (!ready) return unresolvable('node(s) had untolerated taint {node.kubernetes.io/not-ready: }');
  if (
    (node as Typed<Node>).spec?.unschedulable &&
    !tolerates(pod.spec?.tolerations ?? [], {key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule'})
  )
    return unresolvable('node(s) were unschedulable');
  if (!matchesNodeSelectorAndAffinity(pod, node))
    return unresolvable("node(s) didn't match Pod's node affinity/selector");
  const t = untoleratedTaint(pod, node);
  if (t) return unresolvable(`node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`);
  if (room && hostPortsOf(pod).some((p) => room.used.hostPorts.has(p)))
    return {reasons: ["node(s) didn't have free ports for the requested pod ports"], resolvable: true};
  const short = room ? insufficientResources(request, room) : [];
  if (short.length) return {reasons: short, resolvable: true};
  // VolumeBinding: a bound local volume lives on one node (its PV's nodeAffinity)
  if (volumeNodeTerms.some((terms) => !terms.some((t) => termMatches(node, t))))
    return unresolvable('node(s) had volume node affinity conflict');
  return undefined;
}

/** NodeResourcesFit's fitsRequest: one more pod than allowed, then each requested resource that does not fit */
export function insufficientResources(request: PodRequest, {allocatable, used}: NodeRoom): string[] {
  const out: string[] = [];
  if (used.pods + 1 > allocatable.pods) out.push('Too many pods');
  if (request.milliCPU > 0 && request.milliCPU > allocatable.milliCPU - used.milliCPU) out.push('Insufficient cpu');
  if (request.memory > 0 && request.memory > allocatable.memory - used.memory) out.push('Insufficient memory');
  if (request.ephemeralStorage > 0 && request.ephemeralStorage > allocatable.ephemeralStorage - used.ephemeralStorage)
    out.push('Insufficient ephemeral-storage');
  return out;
}

/** "3 Insufficient cpu, 2 Too many pods": each reason with its node count, sorted as strings (sort.Strings) */
function histogram(reasons: string[]): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts.entries()]
    .map(([r, n]) => `${n} ${r}`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .join(', ');
}

/**
 * DefaultPreemption's PostFilter message: nodes where preemption cannot help, and nodes where it could but finds
 * no victim (the sandbox never preempts: every pod it runs has the same priority as the incoming one, or a higher).
 * It ends with a full stop and FitError.Error() adds another (" %v."): the real message reads "..".
 */
function preemptionMessage(total: number, resolvable: boolean[]): string {
  const why = resolvable.map((r) =>
    r ? 'No preemption victims found for incoming pod' : 'Preemption is not helpful for scheduling',
  );
  return `preemption: 0/${total} nodes are available: ${histogram(why)}.`;
}

/**
 * The FailedScheduling message (framework.FitError.Error()): "0/5 nodes are available: 2 Insufficient cpu,
 * 3 Too many pods. preemption: 0/5 nodes are available: 5 No preemption victims found for incoming pod.."
 */
export function unschedulableMessage(total: number, failures: FitFailure[]): string {
  const reasons = failures.flatMap((f) => f.reasons);
  return `0/${total} nodes are available: ${histogram(reasons)}. ${preemptionMessage(
    total,
    failures.map((f) => f.resolvable),
  )}.`;
}

/** a PreFilter's rejection (a missing PVC): its message instead of the per-node histogram */
export function preFilterMessage(total: number, message: string): string {
  return `0/${total} nodes are available: ${message}. ${preemptionMessage(total, new Array<boolean>(total).fill(true))}.`;
}
