import type {Pod} from 'kubernetes-types/core/v1';
import type {KubeObject, Typed} from '../api';
import {conditionTrue, type ConditionInput} from './status';

const pod = (p: KubeObject) => p as Typed<Pod>;

/** Readers of pod state shared by the controllers (controller.PodIsActive, podutil.IsPodReady, ...). */
export const phaseOf = (p: KubeObject): string => pod(p).status?.phase ?? 'Pending';
export const isTerminating = (p: KubeObject): boolean => !!p.metadata.deletionTimestamp;
export const isFinished = (p: KubeObject): boolean => ['Succeeded', 'Failed'].includes(phaseOf(p));
/** counts toward a controller's replicas: not finished, not being deleted */
export const isActive = (p: KubeObject): boolean => !isFinished(p) && !isTerminating(p);
export const isReady = (p: KubeObject): boolean => conditionTrue(pod(p), 'Ready');
export const nodeNameOf = (p: KubeObject): string | undefined => pod(p).spec?.nodeName || undefined;

/** which active pods a controller removes first when scaling down: unscheduled, pending, not ready, newest */
export function deletionOrder(a: KubeObject, b: KubeObject): number {
  const rank = (p: KubeObject) =>
    (nodeNameOf(p) ? 0 : -4) + (phaseOf(p) === 'Pending' ? -2 : 0) + (isReady(p) ? 0 : -1);
  const r = rank(a) - rank(b);
  if (r !== 0) return r;
  return (
    String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)) ||
    String(b.metadata.name).localeCompare(String(a.metadata.name))
  );
}

export type {ConditionInput};
