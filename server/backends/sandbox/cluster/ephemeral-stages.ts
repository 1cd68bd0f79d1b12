import {pullFailed, startEvents} from './container-stages';
import {containerID, fullImageName, imageID} from './images';
import type {ContainerStatus} from 'kubernetes-types/core/v1';
import type {PodStage, StageContext} from './pod-stage-types';
import {fieldPath, imageOf, type C, type KPod} from './pod-status';
import {TIMINGS} from './timings';

/**
 * The kubelet's side of `kubectl debug` (ephemeral containers, k8s v1.31 pkg/kubelet/kuberuntime
 * kuberuntime_manager.go computePodActions: EphemeralContainersToStart): a container added through
 * pods/ephemeralcontainers to a running pod is pulled and started once, its status kept in
 * status.ephemeralContainerStatuses; it is never restarted. Its process ends as its command says (a shell with stdin
 * open runs until the learner leaves it: the pod runtime's attach reports that exit).
 *
 *   added ──start──► running ──exit (the command ends)──► terminated (Completed / Error)
 *     └─ the image does not pull ─► waiting ErrImagePull (kubectl debug prints the message and keeps waiting)
 */
export const ephemeralContainersOf = (pod: KPod): C[] => pod.spec?.ephemeralContainers ?? [];
export const ephemeralStatuses = (pod: KPod): ContainerStatus[] => pod.status?.ephemeralContainerStatuses ?? [];

const pending = (pod: KPod): C[] =>
  ephemeralContainersOf(pod).filter((c) => !ephemeralStatuses(pod).some((s) => s.name === c.name));
const pulls = (c: C, ctx: StageContext) => ctx.needsPull(imageOf(c)) || c.imagePullPolicy === 'Always';

/** running ephemeral containers whose process ends by itself, with the instant it does */
function exiting(pod: KPod, ctx: StageContext): {s: ContainerStatus; at: number; exitCode: number}[] {
  const out: {s: ContainerStatus; at: number; exitCode: number}[] = [];
  for (const s of ephemeralStatuses(pod)) {
    const c = ephemeralContainersOf(pod).find((x) => x.name === s.name);
    if (!c || !s.state?.running) continue;
    const fate = ctx.fate(pod, c);
    if ('runs' in fate) continue;
    out.push({s, at: Date.parse(s.state.running.startedAt ?? '') + fate.afterMs, exitCode: fate.exitCode});
  }
  return out;
}

export const EPHEMERAL_STAGES: PodStage[] = [
  {
    name: 'ephemeral-start',
    when: (pod) => pod.status?.phase === 'Running' && pending(pod).length > 0,
    delayMs: (pod, ctx) => (pending(pod).some((c) => pulls(c, ctx)) ? TIMINGS.imagePull : TIMINGS.imagePresent),
    enter(pod, ctx) {
      for (const c of pending(pod))
        if (pulls(c, ctx)) ctx.event('Normal', 'Pulling', `Pulling image "${c.image}"`, fieldPath(c, 'ephemeral'));
    },
    apply(pod, ctx) {
      const started = pending(pod).map((c): ContainerStatus => {
        const pulled = pulls(c, ctx);
        const err = pullFailed(pod, c, 'ephemeral', ctx);
        if (err)
          return {
            image: imageOf(c),
            imageID: '',
            lastState: {},
            name: c.name,
            ready: false,
            restartCount: 0,
            state: {waiting: {reason: 'ErrImagePull', message: err}},
          };
        startEvents(c, 'ephemeral', ctx, pulled);
        return {
          containerID: containerID(),
          image: fullImageName(imageOf(c)),
          imageID: imageID(imageOf(c)),
          lastState: {},
          name: c.name,
          ready: false,
          restartCount: 0,
          state: {running: {startedAt: ctx.now}},
        };
      });
      return {...pod.status, ephemeralContainerStatuses: [...ephemeralStatuses(pod), ...started]};
    },
  },
  {
    name: 'ephemeral-exit',
    when: (pod, ctx) => pod.status?.phase === 'Running' && exiting(pod, ctx).length > 0,
    delayMs: () => 0,
    dueAtMs: (pod, ctx) => Math.min(...exiting(pod, ctx).map((e) => e.at)),
    apply(pod, ctx) {
      const due = new Map(
        exiting(pod, ctx)
          .filter((e) => e.at <= ctx.nowMs)
          .map((e) => [e.s.name, e.exitCode]),
      );
      return {
        ...pod.status,
        ephemeralContainerStatuses: ephemeralStatuses(pod).map((s) =>
          due.has(s.name) ? terminatedStatus(s, due.get(s.name)!, ctx.now) : s,
        ),
      };
    },
  },
];

/** an ephemeral container's status once its process ended (never restarted) */
export function terminatedStatus(s: ContainerStatus, exitCode: number, now: string): ContainerStatus {
  return {
    ...s,
    state: {
      terminated: {
        containerID: s.containerID,
        exitCode,
        finishedAt: now,
        reason: exitCode === 0 ? 'Completed' : 'Error',
        startedAt: s.state?.running?.startedAt ?? now,
      },
    },
  };
}
