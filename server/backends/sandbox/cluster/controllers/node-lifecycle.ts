import type {Node, NodeSpec, Pod, Taint} from 'kubernetes-types/core/v1';
import type {KubeObject, Typed} from '../../api';
import type {ControllerContext, ControllerDef} from '../controller';
import {isNodeReady} from '../nodes';
import {PodsByNode} from '../pods-by-node';
import {nodeNameOf} from '../pod-state';
import {setCondition, writeStatus} from '../status';
import {TIMINGS} from '../timings';
import {keyOf} from '../../kit/keys';
import {timestamp} from '../../api';

const UNREACHABLE = 'node.kubernetes.io/unreachable';
/**
 * The DefaultTolerationSeconds admission plugin gives every pod that does not say otherwise 300 s of tolerance for
 * `not-ready`/`unreachable` NoExecute taints (plugin/pkg/admission/defaulttolerationseconds). The sandbox does not
 * write those tolerations into pods; it applies them here.
 */
const DEFAULT_TOLERATION_SECONDS = 300;
const NODE_CONTROLLER = {component: 'node-controller'};
const TAINT_EVICTION = {component: 'taint-eviction-controller'};

/**
 * kube-controller-manager's part in a node going away (a container `k3d node stop|delete` took, while the rest
 * of the cluster runs; k8s v1.31 pkg/controller/nodelifecycle, tainteviction, podgc):
 * - a Node whose Ready is Unknown gets `node.kubernetes.io/unreachable` NoSchedule and NoExecute taints, and its
 *   pods Ready=False (MarkPodsNotReady); the taints go when it is Ready again;
 * - after the pod's toleration of that NoExecute taint (300 s unless it says otherwise; daemon pods tolerate it for
 *   ever) the pod is deleted (TaintManagerEviction): it stays Terminating, as no kubelet confirms, and its
 *   controller makes a replacement elsewhere;
 * - pods bound to a Node that no longer exists (`kubectl delete node`) are deleted at once (PodGC's orphans; real:
 *   after a 40 s quarantine).
 * A stopped cluster pauses this controller with the others: `k3d cluster stop` taints and evicts nothing.
 */
export function nodeLifecycleController(ctx: ControllerContext): ControllerDef {
  const {store, kinds, events, clock} = ctx;
  const pods = new PodsByNode(store, kinds.pods);
  return {
    name: 'node-lifecycle-controller',
    primary: kinds.nodes,
    secondary: [{type: kinds.pods, keys: (p) => [nodeNameOf(p) ?? ''].filter(Boolean)}],
    resyncKeys: () => [
      ...store.list(kinds.nodes).items.map(keyOf),
      // pods whose node went while the lab was down
      ...new Set(store.list(kinds.pods).items.map((p) => nodeNameOf(p) ?? '')),
    ],
    reconcile(name) {
      if (!name) return;
      const node = store.get(kinds.nodes, undefined, name);
      if (!node) {
        for (const p of pods.on(name))
          store.delete(kinds.pods, p.metadata.namespace, p.metadata.name!, {
            gracePeriodSeconds: 0,
            preconditions: {uid: p.metadata.uid},
          });
        return;
      }
      const ready = isNodeReady(node);
      const noExecute = setTaints(node, ready);
      if (ready || !noExecute) return;
      const now = clock.now().getTime();
      const since = Date.parse(noExecute.timeAdded ?? timestamp(clock.now()));
      let next: number | undefined;
      for (const p of pods.on(name)) {
        markNotReady(p);
        if (p.metadata.deletionTimestamp) continue;
        const seconds = toleranceSeconds(p as Typed<Pod>);
        if (seconds === undefined) continue;
        const due = since + seconds * 1000;
        if (due > now) {
          next = Math.min(next ?? Infinity, due - now);
          continue;
        }
        events.normal(
          p,
          'TaintManagerEviction',
          `Marking for deletion Pod ${p.metadata.namespace}/${p.metadata.name}`,
          TAINT_EVICTION,
        );
        store.delete(kinds.pods, p.metadata.namespace, p.metadata.name!, {preconditions: {uid: p.metadata.uid}});
      }
      return next === undefined ? undefined : {requeueAfterMs: Math.max(next, TIMINGS.retryBase)};
    },
    dispose: () => pods.dispose(),
  };

  /** the node's unreachable taints as its Ready condition asks; returns the NoExecute one while it is there */
  function setTaints(node: KubeObject, ready: boolean): Taint | undefined {
    const n = node as Typed<Node>;
    const taints = n.spec?.taints ?? [];
    const others = taints.filter((t) => t.key !== UNREACHABLE);
    const current = taints.find((t) => t.key === UNREACHABLE && t.effect === 'NoExecute');
    const want: Taint[] = ready
      ? others
      : [
          ...others,
          {key: UNREACHABLE, effect: 'NoSchedule'},
          current ?? {key: UNREACHABLE, effect: 'NoExecute', timeAdded: timestamp(clock.now())},
        ];
    if (JSON.stringify(want) !== JSON.stringify(taints)) {
      const spec: NodeSpec = {...(n.spec ?? {})};
      if (want.length) spec.taints = want;
      else delete spec.taints;
      store.update(kinds.nodes, {...node, spec});
    }
    return want.find((t) => t.key === UNREACHABLE && t.effect === 'NoExecute');
  }

  /** MarkPodsNotReady: the pod's Ready condition turns False (once), with the node controller's event */
  function markNotReady(p: KubeObject): void {
    const s = (p as Typed<Pod>).status ?? {};
    const ready = (s.conditions ?? []).find((c) => c.type === 'Ready');
    if (!ready || ready.status === 'False') return;
    const conditions = setCondition(
      s.conditions,
      {type: 'Ready', status: 'False', reason: ready.reason, message: ready.message},
      timestamp(clock.now()),
      'pod',
    );
    if (writeStatus(store, kinds.pods, p, {...s, conditions}))
      events.warning(p, 'NodeNotReady', 'Node is not ready', NODE_CONTROLLER);
  }
}

/**
 * How long the pod tolerates `node.kubernetes.io/unreachable:NoExecute`: its own toleration's seconds, for ever
 * (undefined) for one without, or the admission default when it has none.
 */
function toleranceSeconds(pod: Typed<Pod>): number | undefined {
  const tolerations = pod.spec?.tolerations ?? [];
  const matching = tolerations.filter(
    (t) =>
      (!t.effect || t.effect === 'NoExecute') &&
      (t.operator === 'Exists' ? !t.key || t.key === UNREACHABLE : t.key === UNREACHABLE),
  );
  if (!matching.length) return DEFAULT_TOLERATION_SECONDS;
  if (matching.some((t) => t.tolerationSeconds === undefined || t.tolerationSeconds === null)) return undefined;
  return Math.max(0, Math.min(...matching.map((t) => Number(t.tolerationSeconds))));
}
