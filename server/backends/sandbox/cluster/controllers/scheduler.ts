import type {
  Node,
  NodeSelectorTerm,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodStatus,
} from 'kubernetes-types/core/v1';
import type {KubeObject, Typed} from '../../api';
import type {ControllerContext, ControllerDef} from '../controller';
import {fitFailure, preFilterMessage, unschedulableMessage, type FitFailure} from '../node-fit';
import {NodeUsageCache} from '../node-usage';
import {nodeAllocatable, podRequest} from '../resources';
import {isNodeReady} from '../nodes';
import {claimsOf} from './local-path';
import {isFinished, nodeNameOf} from '../pod-state';
import {nowStamp, setCondition, writeStatus} from '../status';
import {TIMINGS} from '../timings';
import {splitKey} from '../../kit/keys';

const SOURCE = {component: 'default-scheduler'};

/** the queue key that wakes every unschedulable pod (a node changed, a pod let go of its node's capacity) */
const RETRY = '\u0000retry-unschedulable';

/**
 * kube-scheduler, small: binds each unscheduled pod to a node that passes the filters (node-fit.ts) — selectors,
 * taints, host ports, and room: pod count, CPU and memory from the node's allocatable less what its pods request
 * (node-usage.ts) — preferring the node with the fewest pods (so replicas spread as NodeResourcesBalancedAllocation
 * and spreading make them do on a quiet cluster). A pod that fits nowhere stays Pending with PodScheduled=False and
 * a FailedScheduling event, and is tried again when that can change its answer: a node added or changed, a pod
 * deleted or finished; and otherwise every 5 minutes (podMaxInUnschedulablePodsDuration).
 */
export function schedulerController(ctx: ControllerContext): ControllerDef {
  const {store, kinds, clock, events} = ctx;
  const firstSeen = new Map<string, number>();
  /** pods that did not fit last time they were tried, in the order they failed */
  const waiting = new Set<string>();
  let queue: {add(key: string): void} | undefined;
  const retryAll = () => queue?.add(RETRY);
  const usage = new NodeUsageCache(store, kinds.pods, retryAll);

  /** PodScheduled=False with the scheduler's reason, a FailedScheduling event when that is news, and a retry */
  const unschedulable = (key: string, pod: KubeObject, p: Typed<Pod>, message: string, retryMs: number) => {
    waiting.add(key);
    const status: PodStatus = {...(p.status ?? {}), phase: 'Pending'};
    status.conditions = setCondition(
      status.conditions,
      {type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message},
      nowStamp(clock),
      'pod',
    );
    if (writeStatus(store, kinds.pods, pod, status)) events.warning(pod, 'FailedScheduling', message, SOURCE);
    return {requeueAfterMs: retryMs};
  };

  return {
    name: 'scheduler',
    primary: kinds.pods,
    // a node joining, becoming Ready or changing labels or taints can make pending pods schedulable
    secondary: [{type: kinds.nodes, keys: () => (waiting.size ? [RETRY] : [])}],
    attach(q) {
      queue = q;
    },
    dispose() {
      usage.dispose();
    },
    reconcile(key) {
      if (key === RETRY) {
        for (const k of waiting) queue?.add(k);
        return;
      }
      const {namespace, name} = splitKey(key);
      const pod = store.get(kinds.pods, namespace, name);
      if (!pod || nodeNameOf(pod) || pod.metadata.deletionTimestamp) {
        firstSeen.delete(key);
        waiting.delete(key);
        return;
      }
      const p = pod as Typed<Pod>;
      if ((p.spec?.schedulerName ?? 'default-scheduler') !== 'default-scheduler') return;
      if (isFinished(pod)) return;
      const now = clock.now().getTime();
      const seen = firstSeen.get(key) ?? now;
      firstSeen.set(key, seen);
      if (now - seen < TIMINGS.schedule) return {requeueAfterMs: TIMINGS.schedule - (now - seen)};

      const nodes = store.list(kinds.nodes).items;
      // claims: a missing one blocks scheduling outright; a bound one pins the pod to its volume's node
      const volumeNodeTerms: NodeSelectorTerm[][] = [];
      for (const claim of claimsOf(p)) {
        const pvc = store.get(kinds.persistentvolumeclaims, namespace, claim) as
          Typed<PersistentVolumeClaim> | undefined;
        if (!pvc)
          return unschedulable(
            key,
            pod,
            p,
            preFilterMessage(nodes.length, `persistentvolumeclaim "${claim}" not found`),
            TIMINGS.unschedulableRetry,
          );
        const volume = pvc.spec?.volumeName;
        const pv = volume
          ? (store.get(kinds.persistentvolumes, undefined, volume) as Typed<PersistentVolume> | undefined)
          : undefined;
        const terms = pv?.spec?.nodeAffinity?.required?.nodeSelectorTerms;
        if (terms) volumeNodeTerms.push(terms);
      }
      const request = podRequest(p.spec);
      const failures: FitFailure[] = [];
      const fits: KubeObject[] = [];
      for (const n of nodes) {
        const room = {
          allocatable: nodeAllocatable((n as Typed<Node>).status?.allocatable),
          used: usage.usage(n.metadata.name!),
        };
        const why = fitFailure(p, n, isNodeReady(n), room, volumeNodeTerms, request);
        if (why) failures.push(why);
        else fits.push(n);
      }
      if (!fits.length)
        return unschedulable(
          key,
          pod,
          p,
          nodes.length ? unschedulableMessage(nodes.length, failures) : 'no nodes available to schedule pods',
          TIMINGS.unschedulableFallback,
        );
      const load = (n: KubeObject) => usage.usage(n.metadata.name!).pods;
      fits.sort((a, b) => load(a) - load(b) || a.metadata.name!.localeCompare(b.metadata.name!));
      const target = fits[0]!.metadata.name!;
      // the binding subresource: nodeName and PodScheduled=True
      const bound = store.update(kinds.pods, {...pod, spec: {...p.spec, nodeName: target}});
      usage.observe(bound, false);
      const status: PodStatus = {...((bound as Typed<Pod>).status ?? {})};
      status.conditions = setCondition(
        (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled'),
        {type: 'PodScheduled', status: 'True'},
        nowStamp(clock),
        'pod',
      );
      writeStatus(store, kinds.pods, bound, status);
      firstSeen.delete(key);
      waiting.delete(key);
      events.normal(bound, 'Scheduled', `Successfully assigned ${namespace}/${name} to ${target}`, SOURCE);
    },
  };
}
