import type {ContainerStatus, PodCondition, PodStatus} from 'kubernetes-types/core/v1';
import type {PodStage, StageContext} from './pod-stage-types';
import {
  CONTAINER_STAGES,
  initExitCode,
  initStatuses,
  probeFailure,
  probeTiming,
  pullFailed,
  startEvents,
  waitingForPull,
} from './container-stages';
import {EPHEMERAL_STAGES} from './ephemeral-stages';
import {containerID, fullImageName, imageID} from './images';
import {controllerOf} from './owners';
import {
  containersOf,
  fieldPath,
  hasProbe,
  imageOf,
  initContainersOf,
  names,
  ordered,
  phaseFor,
  readyConditions,
  restartPolicy,
  statuses,
  type C,
  type KPod,
} from './pod-status';
import {conditionTrue, setCondition, type ConditionInput} from './status';
import {TIMINGS} from './timings';

/**
 * The kubelet's part of a pod's life as data (kwok's "stages"): each stage says which pods it applies to, how long
 * after the pod got there it fires, what the kubelet reports on the way in (events) and how status changes.
 * The kubelet controller (controllers/kubelet.ts) only finds the first matching stage and runs it on time.
 *
 *   bound ──admit──► ContainerCreating ──start──► Running (Ready unless probed) ──ready──► Ready
 *                                  │                    └─exit (the process ends: container-stages.ts)─► restart
 *                                  │                         / CrashLoopBackOff, or Succeeded / Failed
 *                                  └─ the image does not pull ─► ErrImagePull ⇄ ImagePullBackOff (container-stages.ts)
 *   any pod with a deletionTimestamp ──terminate──► gone
 */
export type {PodStage, StageContext} from './pod-stage-types';

const runsToCompletion = (pod: KPod) => controllerOf(pod)?.kind === 'Job';

function qosClass(pod: KPod): string {
  const cs = [...containersOf(pod), ...initContainersOf(pod)];
  const any = cs.some(
    (c) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length,
  );
  if (!any) return 'BestEffort';
  const guaranteed = cs.every((c) => {
    const l = c.resources?.limits ?? {};
    const r = {...l, ...(c.resources?.requests ?? {})};
    return l.cpu && l.memory && r.cpu === l.cpu && r.memory === l.memory;
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** what a configMap/secret volume or projected source names */
interface VolumeRef {
  name?: string;
  optional?: boolean;
}

/** configMap/secret volumes (and projected sources) that are required and absent */
function missingVolumes(pod: KPod, ctx: StageContext): {volume: string; kind: 'configmap' | 'secret'; name: string}[] {
  const out: {volume: string; kind: 'configmap' | 'secret'; name: string}[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    const refs: ['configmap' | 'secret', VolumeRef | undefined][] = [
      ['configmap', v.configMap],
      ['secret', v.secret && {...v.secret, name: v.secret.secretName}],
      ...(v.projected?.sources ?? []).flatMap((src): ['configmap' | 'secret', VolumeRef | undefined][] => [
        ['configmap', src.configMap],
        ['secret', src.secret],
      ]),
    ];
    for (const [kind, ref] of refs)
      if (ref?.name && !ref.optional && !ctx.exists(kind, ref.name)) out.push({volume: v.name, kind, name: ref.name});
  }
  return out;
}

/** env / envFrom references that are required and absent (the kubelet's CreateContainerConfigError) */
function missingEnvRef(
  c: C,
  ctx: StageContext,
): {kind: 'configmap' | 'secret'; name: string; key?: string} | undefined {
  for (const e of c.envFrom ?? []) {
    if (e.configMapRef?.name && !e.configMapRef.optional && !ctx.exists('configmap', e.configMapRef.name))
      return {kind: 'configmap', name: e.configMapRef.name};
    if (e.secretRef?.name && !e.secretRef.optional && !ctx.exists('secret', e.secretRef.name))
      return {kind: 'secret', name: e.secretRef.name};
  }
  for (const e of c.env ?? []) {
    const cm = e.valueFrom?.configMapKeyRef;
    if (cm?.name && !cm.optional && !ctx.exists('configmap', cm.name)) return {kind: 'configmap', name: cm.name};
    const sec = e.valueFrom?.secretKeyRef;
    if (sec?.name && !sec.optional && !ctx.exists('secret', sec.name)) return {kind: 'secret', name: sec.name};
  }
  return undefined;
}

/**
 * The containers the kubelet tries to start on this pass, in its order: init containers one after another up to
 * the first whose image does not pull (the rest wait on it), then, once every init container is done, the app
 * containers. Init containers that already completed are not run again.
 */
function attempted(pod: KPod, ctx: StageContext): [C, boolean][] {
  const out: [C, boolean][] = [];
  for (const c of initContainersOf(pod)) {
    if (initStatuses(pod).find((x) => x.name === c.name)?.state?.terminated?.exitCode === 0) continue;
    out.push([c, true]);
    if ((ctx.needsPull(imageOf(c)) || c.imagePullPolicy === 'Always') && ctx.pullError(imageOf(c))) return out;
  }
  for (const c of containersOf(pod)) out.push([c, false]);
  return out;
}

/** the pod's Initialized condition while these init containers have not completed (none: True) */
function initializedCondition(incomplete: C[]): ConditionInput {
  return incomplete.length
    ? {
        type: 'Initialized',
        status: 'False',
        reason: 'ContainersNotInitialized',
        message: `containers with incomplete status: ${names(incomplete)}`,
      }
    : {type: 'Initialized', status: 'True'};
}

export const POD_STAGES: PodStage[] = [
  {
    name: 'terminate',
    when: (pod) => !!pod.metadata.deletionTimestamp,
    // SIGTERM ends a server at once; a PID 1 that ignores it is killed when the grace period runs out
    // (k8s v1.31 kuberuntime_container.go killContainer: StopContainer with the pod's grace period)
    delayMs: (pod, ctx) =>
      containersOf(pod).some(
        (c) => statuses(pod).find((s) => s.name === c.name)?.state?.running && ctx.engine.ignoresSigterm?.(c),
      )
        ? Math.max(TIMINGS.podTermination, Number(pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000)
        : TIMINGS.podTermination,
    enter(pod, ctx) {
      for (const s of statuses(pod))
        if (s.state?.running) ctx.event('Normal', 'Killing', `Stopping container ${s.name}`, fieldPath({name: s.name}));
    },
    apply: () => 'delete',
  },
  {
    name: 'admit',
    when: (pod) => !pod.status?.startTime && ['Pending', undefined].includes(pod.status?.phase),
    delayMs: () => TIMINGS.podAdmit,
    apply(pod, ctx) {
      const now = ctx.now;
      const inits = initContainersOf(pod);
      let conditions: PodCondition[] = (pod.status?.conditions ?? []).filter((c) => c.type === 'PodScheduled');
      conditions = setCondition(conditions, {type: 'PodReadyToStartContainers', status: 'False'}, now, 'pod');
      conditions = setCondition(conditions, initializedCondition(inits), now, 'pod');
      const waiting = (c: C, reason: string): ContainerStatus => ({
        image: imageOf(c),
        imageID: '',
        lastState: {},
        name: c.name,
        ready: false,
        restartCount: 0,
        started: false,
        state: {waiting: {reason}},
      });
      const status: PodStatus = {
        ...(pod.status ?? {}),
        phase: 'Pending',
        hostIP: ctx.node.ip,
        hostIPs: [{ip: ctx.node.ip}],
        startTime: now,
        qosClass: qosClass(pod),
        containerStatuses: containersOf(pod).map((c) =>
          waiting(c, inits.length ? 'PodInitializing' : 'ContainerCreating'),
        ),
        ...(inits.length ? {initContainerStatuses: inits.map((c) => waiting(c, 'PodInitializing'))} : {}),
      };
      status.conditions = ordered(readyConditions(conditions, false, {...pod, status}, now));
      return status;
    },
  },
  {
    name: 'start',
    // Pending after admit, or Running with its containers restarting after `k3d cluster start`
    when: (pod) =>
      ['Pending', 'Running'].includes(pod.status?.phase ?? '') &&
      !!pod.status?.startTime &&
      statuses(pod).length > 0 &&
      !initStatuses(pod).some(
        (s) =>
          waitingForPull(s) ||
          s.state?.waiting?.reason === 'CrashLoopBackOff' ||
          (s.state?.terminated && s.state.terminated.exitCode !== 0),
      ) &&
      statuses(pod).every((x) =>
        ['ContainerCreating', 'PodInitializing', 'CreateContainerConfigError'].includes(x.state?.waiting?.reason ?? ''),
      ),
    delayMs: (pod, ctx) =>
      [...initContainersOf(pod), ...containersOf(pod)].some(
        (c) => ctx.needsPull(imageOf(c)) || c.imagePullPolicy === 'Always',
      )
        ? TIMINGS.imagePull
        : TIMINGS.imagePresent,
    enter(pod, ctx) {
      if (statuses(pod).some((x) => x.lastState?.terminated))
        ctx.event('Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      for (const [c, init] of attempted(pod, ctx))
        if (ctx.needsPull(imageOf(c)) || c.imagePullPolicy === 'Always')
          ctx.event('Normal', 'Pulling', `Pulling image "${c.image}"`, fieldPath(c, init));
    },
    blocked(pod, ctx) {
      // volumes are provisioned for the pod's node right after scheduling; wait for the binding quietly
      if (
        (pod.spec?.volumes ?? []).some(
          (v) => v.persistentVolumeClaim?.claimName && !ctx.claimBound(v.persistentVolumeClaim.claimName),
        )
      )
        return {retryMs: TIMINGS.podAdmit};
      const missingVolume = missingVolumes(pod, ctx)[0];
      if (missingVolume) {
        ctx.event(
          'Warning',
          'FailedMount',
          `MountVolume.SetUp failed for volume "${missingVolume.volume}" : ${missingVolume.kind} "${missingVolume.name}" not found`,
        );
        return {retryMs: TIMINGS.missingReferenceRetry};
      }
      const missingEnv = containersOf(pod)
        .map((c) => ({c, ref: missingEnvRef(c, ctx)}))
        .find((x) => x.ref);
      if (missingEnv) {
        const {c, ref} = missingEnv;
        const message = ref!.key
          ? `couldn't find key ${ref!.key} in ${ref!.kind === 'configmap' ? 'ConfigMap' : 'Secret'} ${pod.metadata.namespace}/${ref!.name}`
          : `${ref!.kind} "${ref!.name}" not found`;
        ctx.event('Warning', 'Failed', `Error: ${message}`, fieldPath(c));
        const containerStatuses = statuses(pod).map((x) =>
          x.name === c.name ? {...x, state: {waiting: {reason: 'CreateContainerConfigError', message}}} : x,
        );
        return {retryMs: TIMINGS.missingReferenceRetry, status: {...pod.status, containerStatuses}};
      }
      return undefined;
    },
    apply(pod, ctx) {
      const now = ctx.now;
      const run = (c: C, init: boolean) =>
        startEvents(c, init, ctx, ctx.needsPull(imageOf(c)) || c.imagePullPolicy === 'Always');
      const prev = (c: C) => statuses(pod).find((x) => x.name === c.name);
      const base = (c: C) => ({
        containerID: containerID(),
        image: fullImageName(imageOf(c)),
        imageID: imageID(imageOf(c)),
        lastState: prev(c)?.lastState ?? {},
        name: c.name,
        restartCount: prev(c)?.restartCount ?? 0,
      });
      const inits = initContainersOf(pod);
      const todo: [C, boolean][] = [];
      const failed = new Map<string, string>();
      /** an init container whose command exits non-zero: nothing after it runs */
      let initExit: {name: string; exitCode: number} | undefined;
      for (const [c, init] of attempted(pod, ctx)) {
        if (initExit) break;
        todo.push([c, init]);
        const err = pullFailed(pod, c, init, ctx);
        if (err) failed.set(c.name, err);
        else run(c, init);
        const exitCode = init && !err ? initExitCode(pod, c, ctx) : 0;
        if (exitCode !== 0) initExit = {name: c.name, exitCode};
      }
      const initsDone = !initExit && !inits.some((c) => failed.has(c.name)) && todo.some(([, init]) => !init);
      const ip = pod.spec?.hostNetwork ? ctx.node.ip : (pod.status?.podIP ?? ctx.allocateIP());
      const waitingFor = (c: C, reason: string, message?: string): ContainerStatus => ({
        image: imageOf(c),
        imageID: '',
        lastState: prev(c)?.lastState ?? {},
        name: c.name,
        ready: false,
        restartCount: prev(c)?.restartCount ?? 0,
        started: false,
        state: {waiting: {reason, ...(message ? {message} : {})}},
      });
      const containerStatuses = containersOf(pod).map((c): ContainerStatus =>
        !initsDone
          ? waitingFor(c, 'PodInitializing')
          : failed.has(c.name)
            ? waitingFor(c, 'ErrImagePull', failed.get(c.name))
            : {...base(c), ready: !hasProbe(c), started: true, state: {running: {startedAt: now}}},
      );
      const status: PodStatus = {
        ...(pod.status ?? {}),
        phase: initExit && restartPolicy(pod) === 'Never' ? 'Failed' : phaseFor(pod, containerStatuses),
        podIP: ip,
        podIPs: [{ip}],
        containerStatuses,
      };
      if (inits.length) {
        const ran = new Set(todo.filter(([, init]) => init).map(([c]) => c.name));
        status.initContainerStatuses = inits.map((c): ContainerStatus => {
          const before = initStatuses(pod).find((x) => x.name === c.name);
          if (before?.state?.terminated?.exitCode === 0) return before;
          if (failed.has(c.name)) return waitingFor(c, 'ErrImagePull', failed.get(c.name));
          if (!ran.has(c.name)) return waitingFor(c, 'PodInitializing');
          const b = base(c);
          const exitCode = initExit?.name === c.name ? (initExit?.exitCode ?? 0) : 0;
          return {
            ...b,
            ready: exitCode === 0,
            started: false,
            state: {
              terminated: {
                containerID: b.containerID,
                exitCode,
                finishedAt: now,
                reason: exitCode === 0 ? 'Completed' : 'Error',
                startedAt: now,
              },
            },
          };
        });
      }
      let conditions = setCondition(
        pod.status?.conditions,
        {type: 'PodReadyToStartContainers', status: 'True'},
        now,
        'pod',
      );
      const incomplete = inits.filter(
        (c) => !status.initContainerStatuses?.find((x) => x.name === c.name)?.state?.terminated,
      );
      conditions = setCondition(conditions, initializedCondition(incomplete), now, 'pod');
      const allReady = containerStatuses.every((s) => s.ready);
      status.conditions = ordered(readyConditions(conditions, allReady, {...pod, status}, now));
      return status;
    },
  },
  ...EPHEMERAL_STAGES,
  ...CONTAINER_STAGES,
  {
    name: 'ready',
    when: (pod) =>
      pod.status?.phase === 'Running' &&
      !conditionTrue(pod, 'Ready') &&
      !runsToCompletion(pod) &&
      statuses(pod).every((s) => s.state?.running),
    // compressed like the rest of start-up: initialDelaySeconds is not waited for (kube-system is Ready within 2 s)
    delayMs: () => TIMINGS.readinessProbe,
    blocked(pod, ctx) {
      // a failing readiness probe keeps the container unready: Unhealthy once per period
      let retryMs = Infinity;
      for (const c of containersOf(pod).filter(hasProbe)) {
        const message = probeFailure(pod, c, c.readinessProbe, ctx);
        if (message === undefined) continue;
        ctx.event('Warning', 'Unhealthy', `Readiness probe failed: ${message}`, fieldPath(c));
        retryMs = Math.min(retryMs, probeTiming(c.readinessProbe).periodMs);
      }
      return retryMs === Infinity ? undefined : {retryMs};
    },
    apply(pod, ctx) {
      const containerStatuses = statuses(pod).map((s) => ({...s, ready: !!s.state?.running}));
      const status: PodStatus = {...pod.status, containerStatuses};
      status.conditions = ordered(
        readyConditions(
          pod.status?.conditions ?? [],
          containerStatuses.every((s) => s.ready),
          {...pod, status},
          ctx.now,
        ),
      );
      return status;
    },
  },
];

/**
 * What a node container restart (`k3d cluster stop` then `start`) does to a running pod: its containers died with
 * the node (exit 255, reason Unknown) and wait to be recreated, restartCount one higher; the kubelet's `start`
 * stage then brings them back ("SandboxChanged", "Created", "Started").
 */
export function restartedStatus(pod: KPod, now: string): PodStatus | undefined {
  if (pod.status?.phase !== 'Running' || pod.metadata.deletionTimestamp) return undefined;
  const containerStatuses = statuses(pod).map((x): ContainerStatus => ({
    ...x,
    containerID: undefined,
    ready: false,
    started: false,
    restartCount: Number(x.restartCount ?? 0) + 1,
    lastState: x.state?.running
      ? {
          terminated: {
            containerID: x.containerID,
            exitCode: 255,
            finishedAt: now,
            reason: 'Unknown',
            startedAt: x.state.running.startedAt,
          },
        }
      : x.lastState,
    state: {waiting: {reason: 'ContainerCreating'}},
  }));
  for (const x of containerStatuses) delete x.containerID;
  const status: PodStatus = {...pod.status, containerStatuses};
  let conditions = setCondition(
    pod.status?.conditions,
    {type: 'PodReadyToStartContainers', status: 'False'},
    now,
    'pod',
  );
  conditions = readyConditions(conditions, false, {...pod, status}, now);
  status.conditions = ordered(conditions);
  return status;
}
