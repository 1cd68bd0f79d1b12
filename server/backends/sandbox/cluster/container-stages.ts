import type {
  ContainerState,
  ContainerStateTerminated,
  ContainerStatus,
  Probe,
  PodStatus,
} from 'kubernetes-types/core/v1';
import {containerID, fullImageName, imageID, pullReport} from './images';
import type {PodStage, StageContext} from './pod-stage-types';
import {
  containersOf,
  fieldPath,
  hasProbe,
  imageOf,
  initContainersOf,
  ordered,
  phaseFor,
  readyConditions,
  restartPolicy,
  statuses,
  type C,
  type ContainerList,
  type KPod,
} from './pod-status';
import {setCondition} from './status';
import {TIMINGS} from './timings';
import {goDuration} from './container-engine';

/**
 * The kubelet stages for containers that do not simply run (see pod-stages.ts for the happy path):
 *
 *   image does not pull ─► ErrImagePull ─► ImagePullBackOff ─(back-off 10 s, 20 s … 300 s)─► pull again
 *   process exits ─► terminated (Completed / Error) ─► restartPolicy: restart at once, then CrashLoopBackOff
 *                                                     with the same back-off; or the pod Succeeds / Fails
 *
 * Sources, k8s v1.31: pkg/kubelet/images/image_manager.go (EnsureImageExists: events, back-off key
 * `<pod uid>_<image>`), pkg/kubelet/kuberuntime/kuberuntime_manager.go (doBackOff: the back-off counts from the
 * last exit, the message "back-off 10s restarting failed container=X pod=Y_ns(uid)"), kubelet_pods.go (getPhase).
 */

export const initStatuses = (pod: KPod): ContainerStatus[] => pod.status?.initContainerStatuses ?? [];
const PULL_WAITING = ['ErrImagePull', 'ImagePullBackOff'];
export const waitingForPull = (s: ContainerStatus): boolean => PULL_WAITING.includes(s.state?.waiting?.reason ?? '');
const pullKey = (pod: KPod, image: string) => `${pod.metadata.uid}_${image}`;
const restartKey = (pod: KPod, name: string) => `${pod.metadata.uid}_${name}`;
/** format.Pod: how the kubelet names a pod in its messages */
const podRef = (pod: KPod) => `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;

/**
 * Try to pull c's image when the node needs it: on failure report as the image manager does (Warning Failed with
 * containerd's error, then "Error: ErrImagePull" from the container start) and start the image's back-off.
 */
export function pullFailed(pod: KPod, c: C, init: ContainerList, ctx: StageContext): string | undefined {
  if (!ctx.needsPull(imageOf(c)) && c.imagePullPolicy !== 'Always') return undefined;
  const err = ctx.pullError(imageOf(c));
  if (!err) return undefined;
  const fp = fieldPath(c, init);
  ctx.event('Warning', 'Failed', `Failed to pull image "${c.image}": ${err}`, fp);
  ctx.event('Warning', 'Failed', 'Error: ErrImagePull', fp);
  ctx.backOff.pull.next(pullKey(pod, imageOf(c)), ctx.nowMs);
  return err;
}

/** the started container's status (a new container: new id, running since now) */
function runningStatus(
  c: C,
  prev: ContainerStatus | undefined,
  now: string,
  restartCount: number,
  lastState: ContainerState,
): ContainerStatus {
  return {
    containerID: containerID(),
    image: fullImageName(imageOf(c)),
    imageID: imageID(imageOf(c)),
    lastState,
    name: c.name,
    ready: !hasProbe(c),
    restartCount,
    started: true,
    state: {running: {startedAt: now}},
    ...(prev?.volumeMounts ? {volumeMounts: prev.volumeMounts} : {}),
  };
}

/** Pulled (or "already present"), Created, Started: what the kubelet reports for a container it starts */
export function startEvents(c: C, init: ContainerList, ctx: StageContext, pulled: boolean): void {
  const fp = fieldPath(c, init);
  if (pulled) {
    const r = pullReport(imageOf(c));
    ctx.event(
      'Normal',
      'Pulled',
      `Successfully pulled image "${c.image}" in ${r.seconds} (${r.seconds} including waiting). Image size: ${r.bytes} bytes.`,
      fp,
    );
    ctx.markPulled(imageOf(c));
  } else ctx.event('Normal', 'Pulled', `Container image "${c.image}" already present on machine`, fp);
  ctx.event('Normal', 'Created', `Created container ${c.name}`, fp);
  ctx.event('Normal', 'Started', `Started container ${c.name}`, fp);
}

/** a container whose back-off is over starts again: the next back-off, its events, a running status */
function restarted(pod: KPod, s: ContainerStatus, ctx: StageContext, init: boolean): ContainerStatus {
  const c = specOf(pod, s.name)!;
  // only a container that exited is restarted
  const last = lastTermination(s)!;
  ctx.backOff.restart.next(restartKey(pod, s.name), Date.parse(last.finishedAt ?? ''));
  startEvents(c, init, ctx, c.imagePullPolicy === 'Always');
  return runningStatus(c, s, ctx.now, Number(s.restartCount ?? 0) + 1, {terminated: last});
}

function withConditions(pod: KPod, status: PodStatus, now: string): PodStatus {
  const finished = ['Succeeded', 'Failed'].includes(status.phase ?? '');
  let conditions = setCondition(
    pod.status?.conditions,
    {type: 'PodReadyToStartContainers', status: finished ? 'False' : 'True'},
    now,
    'pod',
  );
  const ready = !finished && (status.containerStatuses ?? []).every((s) => s.ready);
  conditions = readyConditions(conditions, ready, {...pod, status}, now, status.phase === 'Succeeded');
  if (status.phase === 'Failed')
    for (const type of ['Ready', 'ContainersReady'])
      conditions = setCondition(conditions, {type, status: 'False', reason: 'PodFailed'}, now, 'pod');
  return {...status, conditions: ordered(conditions)};
}

/**
 * The pod's status once these running app containers' processes ended (name → exit code): terminated (Completed /
 * Error), the phase and conditions that follow; the restart stages take it from there. Also what the pod runtime
 * reports when a process it runs for `kubectl attach` ends.
 */
export function exitedStatus(pod: KPod, exits: ReadonlyMap<string, number>, now: string): PodStatus {
  const containerStatuses = statuses(pod).map((s): ContainerStatus => {
    const exitCode = exits.get(s.name);
    if (exitCode === undefined || !s.state?.running) return s;
    return {
      ...s,
      ready: false,
      started: false,
      state: {
        terminated: {
          containerID: s.containerID,
          exitCode,
          finishedAt: now,
          reason: exitCode === 0 ? 'Completed' : 'Error',
          startedAt: s.state.running.startedAt,
        },
      },
    };
  });
  const status: PodStatus = {...pod.status, containerStatuses};
  status.phase = phaseFor(pod, containerStatuses);
  return withConditions(pod, status, now);
}

/** a running container whose process will exit on its own, and when */
function exitOf(pod: KPod, s: ContainerStatus, ctx: StageContext): {due: number; exitCode: number} | undefined {
  const c = containersOf(pod).find((x) => x.name === s.name);
  if (!c || !s.state?.running) return undefined;
  const fate = ctx.fate(pod, c);
  if ('runs' in fate) return undefined;
  return {due: Date.parse(s.state.running.startedAt ?? '') + fate.afterMs, exitCode: fate.exitCode};
}

/** how an init container's command ends: its exit code when the engine reads one, else 0 (it completes) */
export function initExitCode(pod: KPod, c: C, ctx: StageContext): number {
  const fate = ctx.engine.fate(c, pod);
  return fate && !('runs' in fate) ? fate.exitCode : 0;
}

/** an init container that failed and that the pod's restartPolicy runs again (Always and OnFailure do) */
function initRestartable(pod: KPod, s: ContainerStatus): boolean {
  const t =
    s.state?.terminated ?? (s.state?.waiting?.reason === 'CrashLoopBackOff' ? s.lastState?.terminated : undefined);
  return !!t && t.exitCode !== 0 && restartPolicy(pod) !== 'Never';
}

/** an exited container the kubelet brings back under the pod's restartPolicy */
function restartable(pod: KPod, s: ContainerStatus): boolean {
  const t =
    s.state?.terminated ?? (s.state?.waiting?.reason === 'CrashLoopBackOff' ? s.lastState?.terminated : undefined);
  if (!t) return false;
  const policy = restartPolicy(pod);
  return policy === 'Always' || (policy === 'OnFailure' && t.exitCode !== 0);
}

const alive = (pod: KPod) => !pod.metadata.deletionTimestamp;

/** a probe's timing fields with the API's defaults, in ms */
export const probeTiming = (probe: Probe | undefined) => ({
  initialDelayMs: Number(probe?.initialDelaySeconds ?? 0) * 1000,
  periodMs: Number(probe?.periodSeconds ?? 10) * 1000,
  failureThreshold: Number(probe?.failureThreshold ?? 3),
});

/**
 * Why a probe fails, in the prober's words (k8s v1.31 pkg/kubelet/prober, pkg/probe/http and tcp: the Go dial
 * error), or undefined when it succeeds or the engine cannot tell. HTTP paths are not checked: a port that listens
 * answers 200.
 */
export function probeFailure(pod: KPod, c: C, probe: Probe | undefined, ctx: StageContext): string | undefined {
  const portOf = (p: number | string | undefined): number | undefined =>
    typeof p === 'number'
      ? p
      : /^\d+$/.test(String(p))
        ? Number(p)
        : (c.ports ?? []).find((x) => x.name === p)?.containerPort;
  const action = probe?.httpGet ?? probe?.tcpSocket;
  if (action) {
    const port = portOf(action.port);
    const host = action.host || pod.status?.podIP;
    if (port === undefined || ctx.engine.listens?.(c, port) !== false) return undefined;
    const dial = `dial tcp ${host}:${port}: connect: connection refused`;
    if (!probe?.httpGet) return dial;
    const scheme = String(probe.httpGet.scheme ?? 'HTTP').toLowerCase();
    const path = String(probe.httpGet.path ?? '/').replace(/^(?!\/)/, '/');
    return `Get "${scheme}://${host}:${port}${path}": ${dial}`;
  }
  if (probe?.exec?.command) {
    const r = ctx.engine.exec?.(c, probe.exec.command);
    return r && r.exitCode !== 0 ? r.output.trim() : undefined;
  }
  return undefined;
}

/** a running container whose liveness probe fails, and when the kubelet kills it (failureThreshold periods in) */
function livenessKill(
  pod: KPod,
  s: ContainerStatus,
  ctx: StageContext,
): {due: number; message: string; c: C} | undefined {
  const c = containersOf(pod).find((x) => x.name === s.name);
  if (!c?.livenessProbe || !s.state?.running) return undefined;
  const message = probeFailure(pod, c, c.livenessProbe, ctx);
  if (message === undefined) return undefined;
  const t = probeTiming(c.livenessProbe);
  const due =
    Date.parse(s.state.running.startedAt ?? '') + t.initialDelayMs + t.periodMs * Math.max(0, t.failureThreshold - 1);
  return {due, message, c};
}

export const CONTAINER_STAGES: PodStage[] = [
  {
    name: 'image-pull-backoff',
    when: (pod) => alive(pod) && [...initStatuses(pod), ...statuses(pod)].some(waitingForPull),
    delayMs: () => 0,
    // ErrImagePull turns into ImagePullBackOff on the pod worker's next sync; the next pull waits out the back-off
    dueAtMs(pod, ctx) {
      let due = Infinity;
      for (const s of [...initStatuses(pod), ...statuses(pod)].filter(waitingForPull)) {
        const key = pullKey(pod, specOf(pod, s.name)?.image ?? s.image);
        const left = ctx.backOff.pull.remainingSinceUpdate(key);
        const at =
          s.state?.waiting?.reason === 'ErrImagePull'
            ? Math.min(ctx.nowMs + left, ctx.backOff.pull.lastUpdate(key) + TIMINGS.podAdmit)
            : ctx.nowMs + left;
        due = Math.min(due, at);
      }
      return due === Infinity ? ctx.nowMs : due;
    },
    apply(pod, ctx) {
      const now = ctx.now;
      const step = (s: ContainerStatus, init: boolean): ContainerStatus => {
        if (!waitingForPull(s)) return s;
        const c = specOf(pod, s.name)!;
        const fp = fieldPath(c, init);
        if (ctx.backOff.pull.remainingSinceUpdate(pullKey(pod, imageOf(c))) > 0) {
          const message = `Back-off pulling image "${c.image}"`;
          if (s.state?.waiting?.reason !== 'ImagePullBackOff') {
            ctx.event('Normal', 'BackOff', message, fp);
            ctx.event('Warning', 'Failed', 'Error: ImagePullBackOff', fp);
          }
          return {...s, image: imageOf(c), state: {waiting: {reason: 'ImagePullBackOff', message}}};
        }
        ctx.event('Normal', 'Pulling', `Pulling image "${c.image}"`, fp);
        const err = pullFailed(pod, {...c, imagePullPolicy: 'Always'}, init, ctx);
        if (err) return {...s, image: imageOf(c), state: {waiting: {reason: 'ErrImagePull', message: err}}};
        startEvents(c, init, ctx, true);
        const started = runningStatus(c, s, now, Number(s.restartCount ?? 0), s.lastState ?? {});
        if (!init) return started;
        // an init container runs to completion; the app containers start on the next pass (pod-stages 'start')
        return {
          ...started,
          ready: true,
          started: false,
          state: {
            terminated: {
              containerID: started.containerID,
              exitCode: 0,
              finishedAt: now,
              reason: 'Completed',
              startedAt: now,
            },
          },
        };
      };
      const status: PodStatus = {...pod.status};
      if (initStatuses(pod).length) status.initContainerStatuses = initStatuses(pod).map((s) => step(s, true));
      const containerStatuses = statuses(pod).map((s) => step(s, false));
      status.containerStatuses = containerStatuses;
      status.phase = phaseFor(pod, containerStatuses);
      return withConditions(pod, status, now);
    },
  },
  {
    name: 'exit',
    when: (pod, ctx) => alive(pod) && pod.status?.phase === 'Running' && statuses(pod).some((s) => exitOf(pod, s, ctx)),
    delayMs: () => 0,
    dueAtMs: (pod, ctx) => Math.min(...statuses(pod).map((s) => exitOf(pod, s, ctx)?.due ?? Infinity)),
    apply(pod, ctx) {
      const due = new Map<string, number>();
      for (const s of statuses(pod)) {
        const exit = exitOf(pod, s, ctx);
        if (exit && exit.due <= ctx.nowMs) due.set(s.name, exit.exitCode);
      }
      return exitedStatus(pod, due, ctx.now);
    },
  },
  {
    name: 'liveness',
    when: (pod, ctx) =>
      alive(pod) && pod.status?.phase === 'Running' && statuses(pod).some((s) => livenessKill(pod, s, ctx)),
    delayMs: () => 0,
    dueAtMs: (pod, ctx) => Math.min(...statuses(pod).map((s) => livenessKill(pod, s, ctx)?.due ?? Infinity)),
    apply(pod, ctx) {
      const now = ctx.now;
      const containerStatuses = statuses(pod).map((s): ContainerStatus => {
        const kill = livenessKill(pod, s, ctx);
        if (!kill || kill.due > ctx.nowMs) return s;
        const fp = fieldPath(kill.c);
        for (let i = 0; i < probeTiming(kill.c.livenessProbe).failureThreshold; i++)
          ctx.event('Warning', 'Unhealthy', `Liveness probe failed: ${kill.message}`, fp);
        ctx.event('Normal', 'Killing', `Container ${s.name} failed liveness probe, will be restarted`, fp);
        // PID 1 of a shell or a sleep ignores SIGTERM: the runtime kills it after the grace period (137)
        return {
          ...s,
          ready: false,
          started: false,
          state: {
            terminated: {
              containerID: s.containerID,
              exitCode: 137,
              finishedAt: now,
              reason: 'Error',
              startedAt: s.state?.running?.startedAt,
            },
          },
        };
      });
      const status: PodStatus = {...pod.status, containerStatuses};
      status.phase = phaseFor(pod, containerStatuses);
      return withConditions(pod, status, now);
    },
  },
  {
    // a failed init container is run again with the restart back-off (Init:Error, then Init:CrashLoopBackOff)
    name: 'init-restart',
    when: (pod) =>
      alive(pod) && pod.status?.phase === 'Pending' && initStatuses(pod).some((s) => initRestartable(pod, s)),
    delayMs: () => TIMINGS.imagePresent,
    blocked(pod, ctx) {
      const s = initStatuses(pod).find((x) => initRestartable(pod, x))!;
      const wait = backOffLeft(pod, s, ctx);
      if (wait === 0) return undefined;
      const c = specOf(pod, s.name)!;
      const key = restartKey(pod, s.name);
      ctx.event(
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${s.name} in pod ${podRef(pod)}`,
        fieldPath(c, true),
      );
      const message = `back-off ${goDuration(ctx.backOff.restart.get(key))} restarting failed container=${s.name} pod=${podRef(pod)}`;
      const initContainerStatuses = initStatuses(pod).map((x) =>
        x.name === s.name
          ? {...x, lastState: {terminated: lastTermination(x)}, state: {waiting: {reason: 'CrashLoopBackOff', message}}}
          : x,
      );
      return {retryMs: wait, status: {...pod.status, initContainerStatuses}};
    },
    apply(pod, ctx) {
      const now = ctx.now;
      const initContainerStatuses = initStatuses(pod).map((s): ContainerStatus => {
        if (!initRestartable(pod, s) || backOffLeft(pod, s, ctx) > 0) return s;
        const c = specOf(pod, s.name)!;
        const started = restarted(pod, s, ctx, true);
        // the command reads the same as before: it ends as it did (a zero exit lets the next pass go on)
        const exitCode = initExitCode(pod, c, ctx);
        return {
          ...started,
          ready: exitCode === 0,
          started: false,
          state: {
            terminated: {
              containerID: started.containerID,
              exitCode,
              finishedAt: now,
              reason: exitCode === 0 ? 'Completed' : 'Error',
              startedAt: now,
            },
          },
        };
      });
      return {...pod.status, initContainerStatuses};
    },
  },
  {
    name: 'restart',
    when: (pod) => alive(pod) && pod.status?.phase === 'Running' && statuses(pod).some((s) => restartable(pod, s)),
    delayMs: () => TIMINGS.imagePresent,
    blocked(pod, ctx) {
      const waits = statuses(pod)
        .filter((s) => restartable(pod, s))
        .map((s) => backOffLeft(pod, s, ctx));
      if (waits.some((w) => w === 0)) return undefined;
      const containerStatuses = statuses(pod).map((s): ContainerStatus => {
        if (!restartable(pod, s)) return s;
        const c = specOf(pod, s.name)!;
        const key = restartKey(pod, s.name);
        const message = `back-off ${goDuration(ctx.backOff.restart.get(key))} restarting failed container=${s.name} pod=${podRef(pod)}`;
        ctx.event(
          'Warning',
          'BackOff',
          `Back-off restarting failed container ${s.name} in pod ${podRef(pod)}`,
          fieldPath(c),
        );
        return {
          ...s,
          ready: false,
          started: false,
          lastState: {terminated: lastTermination(s)},
          state: {waiting: {reason: 'CrashLoopBackOff', message}},
        };
      });
      const status = withConditions(pod, {...pod.status, containerStatuses}, ctx.now);
      return {retryMs: Math.min(...waits), status};
    },
    apply(pod, ctx) {
      const now = ctx.now;
      const containerStatuses = statuses(pod).map((s) => {
        if (!restartable(pod, s) || backOffLeft(pod, s, ctx) > 0) return s;
        return restarted(pod, s, ctx, false);
      });
      const status: PodStatus = {...pod.status, containerStatuses};
      status.phase = phaseFor(pod, containerStatuses);
      return withConditions(pod, status, now);
    },
  },
];

function specOf(pod: KPod, name: string): C | undefined {
  return [...initContainersOf(pod), ...containersOf(pod)].find((c) => c.name === name);
}

const lastTermination = (s: ContainerStatus): ContainerStateTerminated | undefined =>
  s.state?.terminated ?? s.lastState?.terminated;

/** ms the container must still wait (IsInBackOffSince its last exit); 0 when it may start */
function backOffLeft(pod: KPod, s: ContainerStatus, ctx: StageContext): number {
  const finished = Date.parse(lastTermination(s)?.finishedAt ?? '');
  return Number.isNaN(finished) ? 0 : ctx.backOff.restart.remainingSince(restartKey(pod, s.name), finished);
}
