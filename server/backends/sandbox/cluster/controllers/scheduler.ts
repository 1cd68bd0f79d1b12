import type {NodeSelectorTerm, PersistentVolume, PersistentVolumeClaim, Pod} from 'kubernetes-types/core/v1';
import type {KubeObject, Typed} from '../../api';
import type {ControllerContext, ControllerDef} from '../controller';
import type {J} from '../json';
import {fitFailure, hostPortsOf, unschedulableMessage} from '../node-fit';
import {isNodeReady} from '../nodes';
import {claimsOf} from './local-path';
import {isActive, nodeNameOf} from '../pod-state';
import {nowStamp, setCondition, writeStatus} from '../status';
import {TIMINGS} from '../timings';
import {keyOf, splitKey} from '../../kit/keys';

const SOURCE = {component: 'default-scheduler'};

/**
 * kube-scheduler, small: binds each unscheduled pod to a node that passes the filters (node-fit.ts), preferring
 * the node with the fewest pods (so replicas spread as NodeResourcesBalancedAllocation/spreading make them do on a
 * quiet cluster). An unschedulable pod gets PodScheduled=False and a FailedScheduling event, and is retried when a
 * node changes.
 */
export function schedulerController(ctx: ControllerContext): ControllerDef {
  const {store, kinds, clock, events} = ctx;
  const firstSeen = new Map<string, number>();
  /** PodScheduled=False with the scheduler's reason, a FailedScheduling event when that is news, and a retry */
  const unschedulable = (pod: KubeObject, p: Typed<Pod>, message: string) => {
    const status: J = {...(p.status ?? {}), phase: 'Pending'};
    status.conditions = setCondition(
      status.conditions,
      {type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message},
      nowStamp(clock),
      'pod',
    );
    if (writeStatus(store, kinds.pods, pod, status)) events.warning(pod, 'FailedScheduling', message, SOURCE);
    return {requeueAfterMs: TIMINGS.unschedulableRetry};
  };

  return {
    name: 'scheduler',
    primary: kinds.pods,
    secondary: [
      {
        type: kinds.nodes,
        // a node joining, becoming Ready or changing labels can make pending pods schedulable
        keys: () => store.list(kinds.pods, {fieldSelector: 'spec.nodeName='}).items.map(keyOf),
      },
    ],
    reconcile(key) {
      const {namespace, name} = splitKey(key);
      const pod = store.get(kinds.pods, namespace, name);
      if (!pod || nodeNameOf(pod) || pod.metadata.deletionTimestamp) {
        firstSeen.delete(key);
        return;
      }
      const p = pod as Typed<Pod>;
      if ((p.spec?.schedulerName ?? 'default-scheduler') !== 'default-scheduler') return;
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
            pod,
            p,
            `0/${nodes.length} nodes are available: persistentvolumeclaim "${claim}" not found. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`,
          );
        const volume = pvc.spec?.volumeName;
        const pv = volume
          ? (store.get(kinds.persistentvolumes, undefined, volume) as Typed<PersistentVolume> | undefined)
          : undefined;
        const terms = pv?.spec?.nodeAffinity?.required?.nodeSelectorTerms;
        if (terms) volumeNodeTerms.push(terms);
      }
      const load = new Map<string, number>();
      const ports = new Map<string, Set<string>>();
      for (const other of store.list(kinds.pods).items) {
        const n = nodeNameOf(other);
        if (!n || !isActive(other)) continue;
        load.set(n, (load.get(n) ?? 0) + 1);
        const used = ports.get(n) ?? new Set<string>();
        for (const hp of hostPortsOf(other as Typed<Pod>)) used.add(hp);
        ports.set(n, used);
      }
      const failures: string[] = [];
      const fits: KubeObject[] = [];
      for (const n of nodes) {
        const why = fitFailure(p, n, isNodeReady(n), ports.get(n.metadata.name!), volumeNodeTerms);
        if (why) failures.push(why);
        else fits.push(n);
      }
      if (!fits.length)
        return unschedulable(
          pod,
          p,
          nodes.length ? unschedulableMessage(nodes.length, failures) : 'no nodes available to schedule pods',
        );
      fits.sort(
        (a, b) =>
          (load.get(a.metadata.name!) ?? 0) - (load.get(b.metadata.name!) ?? 0) ||
          a.metadata.name!.localeCompare(b.metadata.name!),
      );
      const target = fits[0]!.metadata.name!;
      // the binding subresource: nodeName and PodScheduled=True
      const bound = store.update(kinds.pods, {...pod, spec: {...p.spec, nodeName: target}});
      const status: J = {...((bound as Typed<Pod>).status ?? {})};
      status.conditions = setCondition(
        (status.conditions ?? []).filter((c: J) => c.type !== 'PodScheduled'),
        {type: 'PodScheduled', status: 'True'},
        nowStamp(clock),
        'pod',
      );
      writeStatus(store, kinds.pods, bound, status);
      firstSeen.delete(key);
      events.normal(bound, 'Scheduled', `Successfully assigned ${namespace}/${name} to ${target}`, SOURCE);
    },
  };
}
