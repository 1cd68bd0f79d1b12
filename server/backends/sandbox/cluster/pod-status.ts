import type {ContainerStatus, Pod, PodCondition} from 'kubernetes-types/core/v1';
import type {Typed} from '../api';
import type {ContainerSpec} from './container-engine';
import {setCondition} from './status';

/** Readers and writers of a pod's status the kubelet's stages share (pod-stages.ts, container-stages.ts). */
export type KPod = Typed<Pod>;
export type C = ContainerSpec;
export const containersOf = (pod: KPod): C[] => pod.spec?.containers ?? [];
export const initContainersOf = (pod: KPod): C[] => pod.spec?.initContainers ?? [];
export const statuses = (pod: KPod): ContainerStatus[] => pod.status?.containerStatuses ?? [];
/**
 * The container's image. The API server refuses a container without one (validation.ts, ephemeral-containers.ts);
 * '' stands for it only in an object written around that.
 */
export const imageOf = (c: C): string => c.image ?? '';
/** which list a container is in: false (containers), true (initContainers) or 'ephemeral' (ephemeralContainers) */
export type ContainerList = boolean | 'ephemeral';
export const fieldPath = (c: C, init: ContainerList = false) =>
  `spec.${init === 'ephemeral' ? 'ephemeralContainers' : init ? 'initContainers' : 'containers'}{${c.name}}`;
export const hasProbe = (c: C) => !!c.readinessProbe;
export const names = (cs: C[]) => `[${cs.map((c) => c.name).join(' ')}]`;
/** the pod's restartPolicy (Always when unset) */
export const restartPolicy = (pod: KPod): string => pod.spec?.restartPolicy ?? 'Always';

/** Ready and ContainersReady; `completed` gives the PodCompleted reason a finished pod carries */
export function readyConditions(
  list: PodCondition[],
  ready: boolean,
  pod: KPod,
  now: string,
  completed = false,
): PodCondition[] {
  const unready = containersOf(pod).filter((c) => !statuses(pod).find((s) => s.name === c.name)?.ready);
  const reason = completed ? 'PodCompleted' : 'ContainersNotReady';
  const message = completed
    ? undefined
    : `containers with unready status: ${names(unready.length ? unready : containersOf(pod))}`;
  for (const type of ['Ready', 'ContainersReady'])
    list = setCondition(list, ready ? {type, status: 'True'} : {type, status: 'False', reason, message}, now, 'pod');
  return list;
}

/** kubelet status.conditions come in this order */
const ORDER = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];
export const ordered = (list: PodCondition[]) =>
  [...list].sort((a, b) => ORDER.indexOf(a.type) - ORDER.indexOf(b.type));

/**
 * The kubelet's getPhase (pkg/kubelet/kubelet_pods.go, v1.31) for a pod past its init containers: Pending while a
 * container waits to start for the first time; Running while any runs or will be restarted; once all have
 * stopped for good, Succeeded when all exited 0 (Failed otherwise).
 */
export function phaseFor(pod: KPod, containerStatuses: ContainerStatus[]): string {
  const policy = restartPolicy(pod);
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of containerStatuses) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    // restartable containers keep the pod Running (they will come back)
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'OnFailure') return 'Running';
    return 'Failed';
  }
  return 'Pending';
}
