import type {ControllerContext, ControllerDef} from '../controller';
import type {ReplicaSet, ReplicaSetStatus} from 'kubernetes-types/apps/v1';
import type {Typed} from '../../api';
import {isControlledBy, ownerKey} from '../owners';
import {deletionOrder, isActive, isReady} from '../pod-state';
import {podFromTemplate} from '../pod-template';
import {writeStatus} from '../status';
import {splitKey} from '../../kit/keys';

const SOURCE = {component: 'replicaset-controller'};

/**
 * ReplicaSet → Pods: keep exactly spec.replicas active pods it controls (a deleted pod is replaced at once, by a
 * pod with a new random name), remove the least useful ones first when scaled down, and report counts in status.
 */
export function replicaSetController(ctx: ControllerContext): ControllerDef {
  const {store, kinds, events} = ctx;
  return {
    name: 'replicaset-controller',
    primary: kinds.replicasets,
    secondary: [{type: kinds.pods, keys: (p) => ownerKey(p, 'ReplicaSet')}],
    reconcile(key) {
      const {namespace, name} = splitKey(key);
      const rs = store.get(kinds.replicasets, namespace, name);
      if (!rs || rs.metadata.deletionTimestamp) return;
      const r = rs as Typed<ReplicaSet>;
      const owned = store.list(kinds.pods, {namespace}).items.filter((p) => isControlledBy(p, rs));
      const active = owned.filter(isActive);
      const want = Number(r.spec?.replicas ?? 1);
      if (active.length < want) {
        for (let i = active.length; i < want; i++) {
          const pod = store.create(kinds.pods, podFromTemplate(rs, r.spec?.template));
          active.push(pod);
          events.normal(rs, 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, SOURCE);
        }
      } else if (active.length > want) {
        for (const p of [...active].sort(deletionOrder).slice(0, active.length - want)) {
          store.delete(kinds.pods, namespace, p.metadata.name!);
          events.normal(rs, 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, SOURCE);
        }
      }
      const now = store.list(kinds.pods, {namespace}).items.filter((p) => isControlledBy(p, rs) && isActive(p));
      const ready = now.filter(isReady).length;
      const selectorLabels = r.spec?.template?.metadata?.labels ?? {};
      const status: ReplicaSetStatus = {
        ...(r.status ?? {}),
        replicas: now.length,
        fullyLabeledReplicas: now.filter((p) =>
          Object.entries(selectorLabels).every(([k, v]) => p.metadata.labels?.[k] === v),
        ).length,
        readyReplicas: ready,
        availableReplicas: ready,
        observedGeneration: rs.metadata.generation,
      };
      for (const k of ['readyReplicas', 'availableReplicas', 'fullyLabeledReplicas'] as const)
        if (!status[k]) delete status[k];
      writeStatus(store, kinds.replicasets, rs, status);
    },
  };
}
