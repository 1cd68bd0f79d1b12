/**
 * kube-controller-manager's horizontal-pod-autoscaler for autoscaling/v2 Resource metrics (cpu, memory; Utilization
 * or AverageValue), reading the same numbers metrics-server serves (metrics-api.ts). After kubernetes
 * pkg/controller/podautoscaler: horizontal.go (conditions, events, behavior: scale-up policies, scale-down
 * stabilization), replica_calculator.go (ratio of usage to request over the pods that have metrics, 10 %
 * tolerance, "missing request for cpu in container web of Pod web-…"). Every HPA is looked at every 15 s
 * (--horizontal-pod-autoscaler-sync-period). Not modelled: unready-pod and missing-metric corrections, Object/Pods/
 * External metrics, ContainerResource.
 */
import type {
  CrossVersionObjectReference,
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerCondition,
  HorizontalPodAutoscalerSpec,
  HorizontalPodAutoscalerStatus,
  MetricSpec,
  MetricStatus,
  MetricTarget,
} from 'kubernetes-types/autoscaling/v2';
import type {Pod} from 'kubernetes-types/core/v1';
import {listOf, type Kinds} from '../../api/kinds';
import {selectorObjectMatcher, type LabelSelectorObject} from '../../api/label-selector';
import type {ObjectStore} from '../../api/store';
import {timestamp} from '../../api/names';
import type {KubeObject, Typed} from '../../api/types';
import {runController, type RunningController} from '../../cluster/controller';
import type {EventRecorder} from '../../cluster/event-recorder';
import {isActive} from '../../cluster/pod-state';
import {bytes, milliCPU} from '../../cluster/resources';
import type {Clock} from '../../kit/clock';
import type {Disposable} from '../../kit/disposable';
import {splitKey} from '../../kit/keys';
import type {WorkLane} from '../../kit/work-loop';
import type {SandboxRuntime} from '../sandbox-runtime';
import {podUsage} from './metrics-api';

type Hpa = Typed<HorizontalPodAutoscaler>;
/** what the HPA reads and writes of its target (a Deployment, ReplicaSet or StatefulSet): the scale subresource */
type ScaleTarget = Typed<{spec?: {replicas?: number; selector?: LabelSelectorObject}; status?: {replicas?: number}}>;

export const HPA_SYNC_MS = 15_000;
const TOLERANCE = 0.1;
const SOURCE = {component: 'horizontal-pod-autoscaler'};

const TARGET_KINDS: Record<string, keyof Kinds> = {
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  StatefulSet: 'statefulsets',
};

interface MetricResult {
  /** the status.currentMetrics entry */
  status: MetricStatus;
  desired: number;
  /** "cpu resource utilization (percentage of request)" */
  description: string;
}

class MetricError extends Error {}

export interface HpaControllerOptions {
  store: ObjectStore;
  clock: Clock;
  kinds: Kinds;
  events: EventRecorder;
  runtime: () => SandboxRuntime | undefined;
  lane?: WorkLane;
}

export function startHpaController(o: HpaControllerOptions): Disposable {
  const {store, clock, kinds, events} = o;
  /** per HPA: recent recommendations, for scale-down stabilization */
  const recommendations = new Map<string, {at: number; replicas: number}[]>();
  /** per HPA: when it was last synced and at which generation (its own status writes must not sync it again) */
  const synced = new Map<string, {at: number; generation: unknown}>();

  function resourceMetric(spec: MetricSpec, pods: KubeObject[], current: number): MetricResult {
    const name = String(spec.resource?.name ?? '');
    const rt = o.runtime();
    const now = clock.now().getTime();
    const usages = new Map<string, number>();
    for (const p of pods) {
      const u = rt && podUsage(rt, p, now);
      if (!u) continue;
      const sum = u.containers.reduce((s, c) => s + (name === 'cpu' ? c.usage.cpu / 1e6 : c.usage.memory), 0);
      usages.set(String(p.metadata.name), sum);
    }
    if (!usages.size)
      throw new MetricError(
        `failed to get ${name} utilization: unable to get metrics for resource ${name}: no metrics returned from resource metrics API`,
      );
    const target: Partial<MetricTarget> = spec.resource?.target ?? {};
    const total = [...usages.values()].reduce((a, b) => a + b, 0);
    const average = total / usages.size;
    const quantity = (v: number) => (name === 'cpu' ? `${Math.round(v)}m` : `${Math.round(v / 1024)}Ki`);
    if (target.type === 'AverageValue' || target.averageValue !== undefined) {
      const want = name === 'cpu' ? milliCPU(target.averageValue) : bytes(target.averageValue);
      const ratio = average / want;
      return {
        status: {type: 'Resource', resource: {name, current: {averageValue: quantity(average)}}},
        desired: Math.abs(ratio - 1) <= TOLERANCE ? current : Math.ceil(ratio * usages.size),
        description: `${name} resource`,
      };
    }
    let requested = 0;
    for (const p of pods) {
      if (!usages.has(String(p.metadata.name))) continue;
      for (const c of (p as Typed<Pod>).spec?.containers ?? []) {
        const r = c.resources?.requests?.[name];
        if (r === undefined)
          throw new MetricError(
            `failed to get ${name} utilization: missing request for ${name} in container ${c.name} of Pod ${p.metadata.name}`,
          );
        requested += name === 'cpu' ? milliCPU(r) : bytes(r);
      }
    }
    const utilization = Math.trunc((total * 100) / requested);
    const ratio = utilization / Number(target.averageUtilization ?? 80);
    return {
      status: {
        type: 'Resource',
        resource: {name, current: {averageUtilization: utilization, averageValue: quantity(average)}},
      },
      desired: Math.abs(ratio - 1) <= TOLERANCE ? current : Math.ceil(ratio * usages.size),
      description: `${name} resource utilization (percentage of request)`,
    };
  }

  function setCondition(
    conds: HorizontalPodAutoscalerCondition[],
    type: string,
    status: string,
    reason: string,
    message: string,
  ): void {
    const old = conds.find((c) => c.type === type);
    const lastTransitionTime = old && old.status === status ? old.lastTransitionTime : timestamp(clock.now());
    const next = {type, status, lastTransitionTime, reason, message};
    if (old) Object.assign(old, next);
    else conds.push(next);
  }

  function reconcile(key: string): {requeueAfterMs: number} | void {
    const {namespace, name} = splitKey(key);
    const hpa = store.get(kinds.horizontalpodautoscalers, namespace, name) as Hpa | undefined;
    if (!hpa) {
      recommendations.delete(key);
      synced.delete(key);
      return;
    }
    const nowMs = clock.now().getTime();
    const last = synced.get(key);
    if (last && last.generation === hpa.metadata.generation && nowMs - last.at < HPA_SYNC_MS)
      return {requeueAfterMs: last.at + HPA_SYNC_MS - nowMs};
    synced.set(key, {at: nowMs, generation: hpa.metadata.generation});
    const again = {requeueAfterMs: HPA_SYNC_MS};
    const spec: Partial<HorizontalPodAutoscalerSpec> = hpa.spec ?? {};
    const status: Partial<HorizontalPodAutoscalerStatus> = {...(hpa.status ?? {})};
    const conds = (status.conditions ?? []).map((c) => ({...c}));
    const ref: Partial<CrossVersionObjectReference> = spec.scaleTargetRef ?? {};
    const kindKey = TARGET_KINDS[String(ref.kind)];
    const target = kindKey
      ? (store.get(kinds[kindKey], namespace, String(ref.name)) as ScaleTarget | undefined)
      : undefined;
    const write = () => {
      status.conditions = conds;
      status.observedGeneration = hpa.metadata.generation;
      store.updateStatus(kinds.horizontalpodautoscalers, {...hpa, status});
    };
    if (!target || !kindKey) {
      const what = kindKey
        ? `${kinds[kindKey].resource}.apps "${ref.name}" not found`
        : `unrecognized kind ${ref.kind}`;
      events.warning(hpa, 'FailedGetScale', what, SOURCE);
      setCondition(
        conds,
        'AbleToScale',
        'False',
        'FailedGetScale',
        `the HPA controller was unable to get the target's current scale: ${what}`,
      );
      write();
      return again;
    }
    setCondition(
      conds,
      'AbleToScale',
      'True',
      'SucceededGetScale',
      "the HPA controller was able to get the target's current scale",
    );
    const current = Number(target.spec?.replicas ?? 1);
    const min = Number(spec.minReplicas ?? 1);
    const max = Number(spec.maxReplicas ?? 1);
    status.currentReplicas = Number(target.status?.replicas ?? current);
    if (current === 0 && min !== 0) {
      setCondition(
        conds,
        'ScalingActive',
        'False',
        'ScalingDisabled',
        'scaling is disabled since the replica count of the target is zero',
      );
      status.desiredReplicas = 0;
      write();
      return again;
    }
    const match = selectorObjectMatcher(target.spec?.selector);
    const pods = listOf(store, 'pods', {namespace}).filter((p) => isActive(p) && match(p.metadata.labels ?? {}));
    const results: MetricResult[] = [];
    const failures: string[] = [];
    for (const m of spec.metrics ?? []) {
      if (m.type !== 'Resource') {
        failures.push(`the sandbox's HPA reads Resource metrics only, not ${m.type}`);
        continue;
      }
      try {
        results.push(resourceMetric(m, pods, current));
      } catch (e) {
        if (!(e instanceof MetricError)) throw e;
        events.warning(hpa, 'FailedGetResourceMetric', e.message, SOURCE);
        failures.push(e.message);
      }
    }
    const all = (spec.metrics ?? []).length;
    if (!results.length) {
      const first = failures[0] ?? 'no metrics';
      events.warning(
        hpa,
        'FailedComputeMetricsReplicas',
        `invalid metrics (${failures.length} invalid out of ${all}), first error is: failed to get ${
          (spec.metrics ?? [])[0]?.resource?.name ?? 'cpu'
        } resource metric value: ${first}`,
        SOURCE,
      );
      setCondition(
        conds,
        'ScalingActive',
        'False',
        'FailedGetResourceMetric',
        `the HPA was unable to compute the replica count: ${first}`,
      );
      status.desiredReplicas = status.desiredReplicas ?? current;
      delete status.currentMetrics;
      write();
      return again;
    }
    const best = results.reduce((a, b) => (b.desired > a.desired ? b : a));
    status.currentMetrics = results.map((r) => r.status);
    setCondition(
      conds,
      'ScalingActive',
      'True',
      'ValidMetricFound',
      `the HPA was able to successfully calculate a replica count from ${best.description}`,
    );
    // behavior: scale-down stabilization (the highest recommendation of the window), scale-up by the larger of
    // +4 pods or +100 % per period
    const now = clock.now().getTime();
    const window = Number(spec.behavior?.scaleDown?.stabilizationWindowSeconds ?? 300) * 1000;
    const recs = (recommendations.get(key) ?? []).filter((r) => r.at > now - window);
    recs.push({at: now, replicas: best.desired});
    recommendations.set(key, recs);
    let desired = best.desired;
    let stabilized = false;
    if (desired < current) {
      const highest = Math.max(...recs.map((r) => r.replicas));
      if (highest > desired) {
        desired = Math.min(highest, current);
        stabilized = true;
      }
    }
    if (desired > current) desired = Math.min(desired, Math.max(current + 4, current * 2));
    let limited: [string, string, string] = [
      'False',
      'DesiredWithinRange',
      'the desired count is within the acceptable range',
    ];
    if (desired > max) {
      desired = max;
      limited = ['True', 'TooManyReplicas', 'the desired replica count is more than the maximum replica count'];
    } else if (desired < min) {
      desired = min;
      limited = ['True', 'TooFewReplicas', 'the desired replica count is less than the minimum replica count'];
    }
    setCondition(conds, 'ScalingLimited', ...limited);
    status.desiredReplicas = desired;
    if (desired !== current) {
      store.update(kinds[kindKey], {...target, spec: {...target.spec, replicas: desired}});
      const reason = desired > current ? `${best.description} above target` : 'All metrics below target';
      events.normal(hpa, 'SuccessfulRescale', `New size: ${desired}; reason: ${reason}`, SOURCE);
      setCondition(
        conds,
        'AbleToScale',
        'True',
        'SucceededRescale',
        `the HPA controller was able to update the target scale to ${desired}`,
      );
      status.lastScaleTime = timestamp(clock.now());
    } else if (stabilized) {
      setCondition(
        conds,
        'AbleToScale',
        'True',
        'ScaleDownStabilized',
        'recent recommendations were higher than current one, applying the highest recent recommendation',
      );
    } else setCondition(conds, 'AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size');
    write();
    return again;
  }

  const running: RunningController = runController(
    {store, clock, lane: o.lane},
    {name: 'horizontal-pod-autoscaler', primary: kinds.horizontalpodautoscalers, reconcile},
  );
  return {
    dispose() {
      running.dispose();
      recommendations.clear();
      synced.clear();
    },
  };
}
