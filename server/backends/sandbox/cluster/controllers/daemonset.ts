import type {DaemonSet, DaemonSetStatus} from 'kubernetes-types/apps/v1';
import type {Pod, PodSpec, Toleration} from 'kubernetes-types/core/v1';
import type {KubeObject, Typed} from '../../api';
import type {ControllerContext, ControllerDef} from '../controller';
import {matchesNodeSelectorAndAffinity, untoleratedTaint} from '../node-fit';
import {isControlledBy, ownerKey} from '../owners';
import {isActive, isReady} from '../pod-state';
import {podFromTemplate, templateHash} from '../pod-template';
import {writeStatus} from '../status';
import {keyOf, splitKey} from '../../kit/keys';

const SOURCE = {component: 'daemonset-controller'};

/** the tolerations the DaemonSet controller adds to every daemon pod (so they survive node trouble) */
const DAEMON_TOLERATIONS: Toleration[] = [
  {key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute'},
  {key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute'},
  {key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule'},
  {key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule'},
  {key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule'},
  {key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule'},
];

/** the node a daemon pod is pinned to: the matchFields metadata.name term the controller writes */
function targetNode(p: KubeObject): string | undefined {
  const pod = p as Typed<Pod>;
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const t of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ??
    [])
    for (const f of t.matchFields ?? []) if (f.key === 'metadata.name') return f.values?.[0];
  return undefined;
}

function withTolerations(spec: PodSpec | undefined): Toleration[] {
  const have = spec?.tolerations ?? [];
  return [...have, ...DAEMON_TOLERATIONS.filter((t) => !have.some((h) => h.key === t.key && h.effect === t.effect))];
}

/**
 * DaemonSet → one pod per eligible node (nodeSelector, affinity and taints decide eligibility). Pods are pinned with
 * the node-affinity term the real controller uses and bound by the scheduler. A template change replaces pods one
 * node at a time (RollingUpdate, maxUnavailable 1); status feeds `rollout status ds/x`.
 */
export function daemonSetController(ctx: ControllerContext): ControllerDef {
  const {store, kinds, events} = ctx;
  return {
    name: 'daemonset-controller',
    primary: kinds.daemonsets,
    secondary: [
      {type: kinds.pods, keys: (p) => ownerKey(p, 'DaemonSet')},
      {type: kinds.nodes, keys: () => store.list(kinds.daemonsets).items.map(keyOf)},
    ],
    reconcile(key) {
      const {namespace, name} = splitKey(key);
      const ds = store.get(kinds.daemonsets, namespace, name);
      if (!ds || ds.metadata.deletionTimestamp) return;
      const d = ds as Typed<DaemonSet>;
      const hash = templateHash(d.spec?.template);
      const generation = String(ds.metadata.generation ?? 1);
      const template = d.spec?.template;
      // what node-fit reads of the pods to come (containers are required; the API server refused a template without)
      const podSpecProbe = {
        spec: {containers: [], ...template?.spec, tolerations: withTolerations(template?.spec)},
      };
      const matching = store.list(kinds.nodes).items.filter((n) => matchesNodeSelectorAndAffinity(podSpecProbe, n));
      const nodes = matching.filter((n) => !untoleratedTaint(podSpecProbe, n));
      // NodeShouldRunDaemonPod: a taint the pod does not tolerate keeps a new pod off the node, but only a NoExecute
      // one removes a running pod (an unreachable node's NoSchedule taint leaves its daemon pods where they are)
      const keep = new Set(
        matching.filter((n) => !untoleratedTaint(podSpecProbe, n, ['NoExecute'])).map((n) => n.metadata.name!),
      );
      const owned = store.list(kinds.pods, {namespace}).items.filter((p) => isControlledBy(p, ds));
      const byNode = new Map<string, KubeObject[]>();
      for (const p of owned.filter(isActive)) {
        const n = targetNode(p);
        if (n) byNode.set(n, [...(byNode.get(n) ?? []), p]);
      }
      const eligible = new Set(nodes.map((n) => n.metadata.name!));
      // pods on nodes that no longer qualify, and duplicates, go
      for (const [n, pods] of byNode) {
        const extra = eligible.has(n) || keep.has(n) ? pods.slice(1) : pods;
        for (const p of extra) {
          store.delete(kinds.pods, namespace, p.metadata.name!);
          events.normal(ds, 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, SOURCE);
        }
      }
      // rolling update: replace one outdated pod at a time, only while every other daemon pod is available
      const current = [...eligible].map((n) => byNode.get(n)?.[0]).filter((p): p is KubeObject => !!p);
      const outdated = current.filter((p) => p.metadata.labels?.['controller-revision-hash'] !== hash);
      const unavailable = current.filter((p) => !isReady(p)).length;
      if (outdated.length && unavailable === 0) {
        const p = outdated[0]!;
        store.delete(kinds.pods, namespace, p.metadata.name!);
        events.normal(ds, 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, SOURCE);
        byNode.delete(targetNode(p)!);
      }
      for (const n of eligible) {
        if (byNode.get(n)?.length) continue;
        const spec: Partial<PodSpec> = {
          ...template?.spec,
          tolerations: withTolerations(template?.spec),
          affinity: {
            ...(template?.spec?.affinity ?? {}),
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{matchFields: [{key: 'metadata.name', operator: 'In', values: [n]}]}],
              },
            },
          },
        };
        const pod = store.create(
          kinds.pods,
          podFromTemplate(ds, template, {
            labels: {'controller-revision-hash': hash, 'pod-template-generation': generation},
            spec,
          }),
        );
        events.normal(ds, 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, SOURCE);
      }
      const pods = store
        .list(kinds.pods, {namespace})
        .items.filter((p) => isControlledBy(p, ds) && isActive(p) && eligible.has(targetNode(p) ?? ''));
      const scheduled = pods.filter((p) => (p as Typed<Pod>).spec?.nodeName);
      const ready = scheduled.filter(isReady).length;
      const status: DaemonSetStatus = {
        ...(d.status ?? {}),
        currentNumberScheduled: new Set(scheduled.map((p) => (p as Typed<Pod>).spec?.nodeName)).size,
        desiredNumberScheduled: eligible.size,
        numberMisscheduled: 0,
        numberReady: ready,
        numberAvailable: ready,
        numberUnavailable: Math.max(0, eligible.size - ready),
        updatedNumberScheduled: scheduled.filter((p) => p.metadata.labels?.['controller-revision-hash'] === hash)
          .length,
        observedGeneration: ds.metadata.generation,
      };
      for (const k of ['numberAvailable', 'numberUnavailable', 'updatedNumberScheduled'] as const)
        if (!status[k]) delete status[k];
      writeStatus(store, kinds.daemonsets, ds, status);
    },
  };
}
