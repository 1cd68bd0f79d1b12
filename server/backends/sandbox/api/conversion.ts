/**
 * Built-in kinds served in more than one version with different shapes, stored once in the storage version (as
 * the apiserver stores them) and converted on the way in and out. Only what learners meet:
 * HorizontalPodAutoscaler autoscaling/v1 ↔ autoscaling/v2 (kubernetes pkg/apis/autoscaling/v1/conversion.go):
 * `kubectl autoscale` (kubectl ≤ 1.32) writes v1's `targetCPUUtilizationPercentage`, `kubectl get hpa` reads v2's
 * `metrics`. v1's annotations for the metrics it cannot express are not written.
 */
import {isJsonObject, objectOf, objectsOf, type JsonObject} from '../kit/json';
import type {KubeObject, ResourceType} from './types';

/** the Resource metric for cpu of a metrics / currentMetrics list, if there is one */
const cpuMetric = (list: unknown): JsonObject | undefined =>
  objectsOf(list).find((m) => m.type === 'Resource' && objectOf(m.resource).name === 'cpu');

const isHpaV1 = (t: Pick<ResourceType, 'group' | 'version' | 'resource'>) =>
  t.group === 'autoscaling' && t.version === 'v1' && t.resource === 'horizontalpodautoscalers';

const isHpa = (t: Pick<ResourceType, 'group' | 'resource'>) =>
  t.group === 'autoscaling' && t.resource === 'horizontalpodautoscalers';

/**
 * autoscaling/v2's defaults (pkg/apis/autoscaling/v2/defaults.go): minReplicas 1, CPU at 80% when no metric is
 * given, and the scale-up/scale-down behavior the controller follows
 */
function defaultHpa(o: KubeObject): void {
  if (!isJsonObject(o.spec)) o.spec = {};
  const spec = o.spec as JsonObject;
  spec.minReplicas ??= 1;
  if (!spec.metrics)
    spec.metrics = [{type: 'Resource', resource: {name: 'cpu', target: {type: 'Utilization', averageUtilization: 80}}}];
  if (!isJsonObject(spec.behavior)) spec.behavior = {};
  const b = spec.behavior;
  b.scaleUp = {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      {type: 'Pods', value: 4, periodSeconds: 15},
      {type: 'Percent', value: 100, periodSeconds: 15},
    ],
    ...objectOf(b.scaleUp),
  };
  b.scaleDown = {
    stabilizationWindowSeconds: 300,
    selectPolicy: 'Max',
    policies: [{type: 'Percent', value: 100, periodSeconds: 15}],
    ...objectOf(b.scaleDown),
  };
}

/** the object as stored, from what a client wrote in `type`'s version (mutates and returns it) */
export function toStorage(type: ResourceType, o: KubeObject): KubeObject {
  if (!isHpa(type)) return o;
  if (!isHpaV1(type)) {
    defaultHpa(o);
    return o;
  }
  const {targetCPUUtilizationPercentage: cpu, ...rest} = objectOf(o.spec);
  o.apiVersion = 'autoscaling/v2';
  o.spec = {
    ...rest,
    ...(cpu !== undefined
      ? {metrics: [{type: 'Resource', resource: {name: 'cpu', target: {type: 'Utilization', averageUtilization: cpu}}}]}
      : {}),
  };
  defaultHpa(o);
  if (o.status) {
    const {currentCPUUtilizationPercentage: cur, ...st} = objectOf(o.status);
    o.status = {
      ...st,
      ...(cur !== undefined
        ? {currentMetrics: [{type: 'Resource', resource: {name: 'cpu', current: {averageUtilization: cur}}}]}
        : {}),
    };
  }
  return o;
}

/** the stored object in `type`'s version (mutates and returns it) */
export function fromStorage(type: ResourceType, o: KubeObject): KubeObject {
  if (!isHpaV1(type)) return o;
  const {metrics, behavior: _behavior, ...spec} = objectOf(o.spec);
  const cpu = objectOf(objectOf(cpuMetric(metrics)?.resource).target).averageUtilization;
  o.apiVersion = 'autoscaling/v1';
  o.spec = {
    ...spec,
    ...(cpu !== undefined ? {targetCPUUtilizationPercentage: cpu} : {}),
  };
  if (o.status) {
    const {currentMetrics, conditions: _c, ...st} = objectOf(o.status);
    const cur = objectOf(objectOf(cpuMetric(currentMetrics)?.resource).current).averageUtilization;
    o.status = {
      ...st,
      ...(cur !== undefined ? {currentCPUUtilizationPercentage: cur} : {}),
    };
  }
  return o;
}
