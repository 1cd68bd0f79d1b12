import {timestamp, type KubeObject, type ObjectStore, type ResourceType} from '../api';
import {stableJson, type J} from './json';
import type {Clock} from '../kit/clock';

export interface ConditionInput {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

/**
 * Set a condition the way the real controllers do: lastTransitionTime moves only when status flips, so a
 * controller that writes the same thing twice writes nothing new (and the store then publishes nothing).
 * `style` picks the timestamps a kind carries: pods/jobs have lastProbeTime, deployments lastUpdateTime.
 */
export function setCondition(
  conditions: J[] | undefined,
  c: ConditionInput,
  now: string,
  style: 'pod' | 'deployment' | 'job' | 'plain' = 'plain',
): J[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((x) => x.type === c.type);
  const prev = i >= 0 ? list[i] : undefined;
  const same = prev && prev.status === c.status && prev.reason === c.reason && prev.message === c.message;
  if (same) return list;
  const next: J = {type: c.type, status: c.status};
  if (style === 'pod' || style === 'job') next.lastProbeTime = style === 'job' ? now : null;
  if (style === 'deployment') next.lastUpdateTime = now;
  next.lastTransitionTime = prev && prev.status === c.status ? prev.lastTransitionTime : now;
  if (c.reason) next.reason = c.reason;
  if (c.message) next.message = c.message;
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}

export const conditionTrue = (o: J | undefined, type: string): boolean =>
  ((o?.status?.conditions ?? []) as J[]).some((c) => c.type === type && c.status === 'True');

export const nowStamp = (clock: Clock): string => timestamp(clock.now());

/** Write .status only when it changed (compared key-order-insensitively), with optimistic concurrency. */
export function writeStatus(store: ObjectStore, type: ResourceType, obj: KubeObject, status: object): boolean {
  if (stableJson(obj.status ?? {}) === stableJson(status)) return false;
  store.updateStatus(type, {...obj, status});
  return true;
}
