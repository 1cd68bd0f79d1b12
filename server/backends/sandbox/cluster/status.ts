import {timestamp, type KubeObject, type ObjectStore, type ResourceType} from '../api';
import {stableJson} from './json';
import type {Clock} from '../kit/clock';

export interface ConditionInput {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

/**
 * What every Kubernetes condition (PodCondition, NodeCondition, DeploymentCondition, JobCondition …) shares, so one
 * helper can set any of them.
 */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/**
 * A condition as the controllers write it. lastProbeTime is null on pods: the kubelet never probes a pod condition
 * and Go marshals the zero metav1.Time as null (`lastProbeTime: null` in `kubectl get pod -o yaml`), which the
 * kubernetes-types `Time` (a string) cannot say.
 */
interface WrittenCondition extends Condition {
  lastProbeTime?: string | null;
  lastUpdateTime?: string;
}

/**
 * Set a condition the way the real controllers do: lastTransitionTime moves only when status flips, so a
 * controller that writes the same thing twice writes nothing new (and the store then publishes nothing).
 * `style` picks the timestamps a kind carries: pods/jobs have lastProbeTime, deployments lastUpdateTime.
 */
export function setCondition<T extends Condition>(
  conditions: readonly T[] | undefined,
  c: ConditionInput,
  now: string,
  style: 'pod' | 'deployment' | 'job' | 'plain' = 'plain',
): T[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((x) => x.type === c.type);
  const prev = i >= 0 ? list[i] : undefined;
  const same = prev && prev.status === c.status && prev.reason === c.reason && prev.message === c.message;
  if (same) return list;
  const next: WrittenCondition = {type: c.type, status: c.status};
  if (style === 'pod' || style === 'job') next.lastProbeTime = style === 'job' ? now : null;
  if (style === 'deployment') next.lastUpdateTime = now;
  next.lastTransitionTime = prev && prev.status === c.status ? prev.lastTransitionTime : now;
  if (c.reason) next.reason = c.reason;
  if (c.message) next.message = c.message;
  // T is the kind's condition type; `next` has exactly its fields (lastProbeTime's null aside, see above)
  if (i >= 0) list[i] = next as T;
  else list.push(next as T);
  return list;
}

export const conditionTrue = (o: {status?: {conditions?: readonly Condition[]}} | undefined, type: string): boolean =>
  (o?.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');

export const nowStamp = (clock: Clock): string => timestamp(clock.now());

/** Write .status only when it changed (compared key-order-insensitively), with optimistic concurrency. */
export function writeStatus(store: ObjectStore, type: ResourceType, obj: KubeObject, status: object): boolean {
  if (stableJson(obj.status ?? {}) === stableJson(status)) return false;
  store.updateStatus(type, {...obj, status});
  return true;
}
