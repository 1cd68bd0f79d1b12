import type {ControllerContext, ControllerDef} from '../controller';
import type {ReplicaSet, ReplicaSetStatus} from 'kubernetes-types/apps/v1';
import type {Typed} from '../../api';
import {OwnedPods} from '../owned-pods';
import {deletionOrder, isActive} from '../pod-state';
import {podFromTemplate} from '../pod-template';
import {nowStamp, setCondition, writeStatus} from '../status';
import {splitKey} from '../../kit/keys';
import {ClientRateLimiter, CONTROLLER_MANAGER_RATE, type ClientRate} from '../../kit/client-rate-limit';

const SOURCE = {component: 'replicaset-controller'};

/** at most this many pods are created or deleted per sync (replicaset.BurstReplicas) */
export const BURST_REPLICAS = 500;
/** the first batch of a sync (controller.SlowStartInitialBatchSize); each next batch is twice the last */
export const SLOW_START_INITIAL_BATCH = 1;
/**
 * Writes per step of the work loop: a batch of 256 creations is done in 8 steps, so one ReplicaSet never holds the
 * event loop for more than a few milliseconds (the real controller runs a batch's creations in parallel goroutines).
 */
export const WRITES_PER_STEP = 32;

/** where one ReplicaSet is in its current sync's slow start */
interface SlowStart {
  /** creations left in this sync (at most BURST_REPLICAS when it began) */
  remaining: number;
  /** the current batch's size, and how many of it are done */
  batch: number;
  done: number;
}

/** the error's message as `kubectl` shows a Status (what "Error creating: …" repeats) */
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * ReplicaSet → Pods: keep exactly spec.replicas active pods it controls (a deleted pod is replaced at once, by a
 * pod with a new random name), remove the least useful ones first when scaled down, and report counts in status.
 *
 * Like the real controller it creates at most 500 pods per sync, in slow-start batches of 1, 2, 4, 8, … that stop
 * at the first failure (a quota, a terminating namespace): a failed creation is a `FailedCreate` warning
 * ("Error creating: …") and a `ReplicaFailure` condition, and the sync is retried with backoff. Pods are found
 * through an index by owner (owned-pods.ts), never by listing the namespace. Creations and deletions go through the
 * controller's client rate limit (20 a second, bursts of 30), shared by every ReplicaSet of the cluster.
 */
export function replicaSetController(
  ctx: ControllerContext,
  rate: ClientRate = CONTROLLER_MANAGER_RATE,
): ControllerDef {
  const {store, kinds, events, clock} = ctx;
  const owned = new OwnedPods(store, kinds.pods);
  const starts = new Map<string, SlowStart>();
  /** the pods a scale-down sync chose to delete, not yet deleted */
  const victims = new Map<string, string[]>();
  const client = new ClientRateLimiter(clock, rate);
  return {
    name: 'replicaset-controller',
    primary: kinds.replicasets,
    secondary: [
      {
        type: kinds.pods,
        keys: (p) => {
          const ref = p.metadata.ownerReferences?.find((r) => r.controller);
          return ref?.kind === 'ReplicaSet' && p.metadata.namespace ? [`${p.metadata.namespace}/${ref.name}`] : [];
        },
      },
    ],
    dispose() {
      owned.dispose();
    },
    reconcile(key) {
      const {namespace, name} = splitKey(key);
      const rs = store.get(kinds.replicasets, namespace, name);
      if (!rs || rs.metadata.deletionTimestamp) {
        starts.delete(key);
        victims.delete(key);
        return;
      }
      const r = rs as Typed<ReplicaSet>;
      const uid = rs.metadata.uid;
      const want = Number(r.spec?.replicas ?? 1);
      const diff = want - owned.counts(uid).active;
      let failure: string | undefined;
      let more = false;
      if (diff > 0) {
        victims.delete(key);
        const s = starts.get(key) ?? {
          remaining: Math.min(diff, BURST_REPLICAS),
          batch: SLOW_START_INITIAL_BATCH,
          done: 0,
        };
        const n = client.take(Math.min(WRITES_PER_STEP, s.batch - s.done, s.remaining, diff));
        try {
          for (let i = 0; i < n; i++) {
            const pod = store.create(kinds.pods, podFromTemplate(rs, r.spec?.template));
            s.done++;
            s.remaining--;
            events.normal(rs, 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, SOURCE);
          }
        } catch (e) {
          // slowStartBatch: the rest of the sync is skipped; the error is the sync's, retried with backoff
          failure = messageOf(e);
          events.warning(rs, 'FailedCreate', `Error creating: ${failure}`, SOURCE);
        }
        if (failure) starts.delete(key);
        else {
          if (s.done >= s.batch) {
            s.batch = Math.min(2 * s.batch, Math.max(s.remaining, 1));
            s.done = 0;
          }
          if (s.remaining > 0) starts.set(key, s);
          else starts.delete(key);
          // this sync's next step, or the next sync once this one's 500 are made
          more = diff - n > 0;
        }
      } else {
        starts.delete(key);
        if (diff < 0) {
          // a sync deletes up to 500, the least useful first: chosen once, deleted a few per step
          let list = victims.get(key);
          if (!list?.length)
            list = owned
              .of(uid)
              .filter(isActive)
              .sort(deletionOrder)
              .slice(0, Math.min(-diff, BURST_REPLICAS))
              .map((p) => p.metadata.name!);
          const now = list.splice(0, client.take(Math.min(-diff, WRITES_PER_STEP)));
          for (const podName of now) {
            try {
              store.delete(kinds.pods, namespace, podName);
              events.normal(rs, 'SuccessfulDelete', `Deleted pod: ${podName}`, SOURCE);
            } catch {
              // already gone: the next sync counts again
            }
          }
          if (list.length) victims.set(key, list);
          else victims.delete(key);
          more = -diff > now.length;
        } else victims.delete(key);
      }
      const counts = owned.counts(uid);
      const selectorLabels = r.spec?.template?.metadata?.labels ?? {};
      let fullyLabeled = 0;
      for (const set of counts.labelSets.values())
        if (Object.entries(selectorLabels).every(([k, v]) => set.labels[k] === v)) fullyLabeled += set.count;
      const status: ReplicaSetStatus = {
        ...(r.status ?? {}),
        replicas: counts.active,
        fullyLabeledReplicas: fullyLabeled,
        readyReplicas: counts.ready,
        availableReplicas: counts.ready,
        observedGeneration: rs.metadata.generation,
      };
      for (const k of ['readyReplicas', 'availableReplicas', 'fullyLabeledReplicas'] as const)
        if (!status[k]) delete status[k];
      // ReplicaFailure: set when creations start failing (kept as it was while they go on failing: calculateStatus
      // adds it only when absent, or every retry would write a new message), removed once the pods are all there
      const conditions = status.conditions ?? [];
      if (failure && !conditions.some((c) => c.type === 'ReplicaFailure'))
        status.conditions = setCondition(
          conditions,
          {type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: failure},
          nowStamp(clock),
        );
      else if (diff <= 0 && conditions.some((c) => c.type === 'ReplicaFailure'))
        status.conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
      if (status.conditions && !status.conditions.length) delete status.conditions;
      writeStatus(store, kinds.replicasets, rs, status);
      if (failure) throw new Error(failure);
      // more to do: at once while the client has tokens, else when its next one is due
      return more ? {requeueAfterMs: client.waitMs()} : undefined;
    },
  };
}
