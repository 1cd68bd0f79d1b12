import {isPlainObject} from './patch-merge';
import {ApiError} from './status';
import type {KubeObject, ResourceType} from './types';

/**
 * `fieldValidation=Strict` (kubectl's default) for the kinds learners write by hand: a typo such as
 * `replica: 3` fails as on a real cluster instead of being silently dropped. Only the structures listed here are
 * checked; anything not described is accepted, so a missing entry can never reject a valid manifest.
 */
type Shape = {[field: string]: Shape | 'any'} & {'[]'?: Shape};

const ANY = 'any' as const;
const open = (...names: string[]): Shape => Object.fromEntries(names.map((n) => [n, ANY])) as Shape;
const list = (item: Shape): Shape => ({'[]': item}) as Shape;

const META: Shape = open(
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
);

const CONTAINER: Shape = open(
  'name',
  'image',
  'command',
  'args',
  'workingDir',
  'ports',
  'envFrom',
  'env',
  'resources',
  'resizePolicy',
  'restartPolicy',
  'volumeMounts',
  'volumeDevices',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'imagePullPolicy',
  'securityContext',
  'stdin',
  'stdinOnce',
  'tty',
);
CONTAINER.ports = list(open('name', 'hostPort', 'containerPort', 'protocol', 'hostIP'));
CONTAINER.env = list(open('name', 'value', 'valueFrom'));

const POD_SPEC: Shape = open(
  'volumes',
  'restartPolicy',
  'terminationGracePeriodSeconds',
  'activeDeadlineSeconds',
  'dnsPolicy',
  'nodeSelector',
  'serviceAccountName',
  'serviceAccount',
  'automountServiceAccountToken',
  'nodeName',
  'hostNetwork',
  'hostPID',
  'hostIPC',
  'shareProcessNamespace',
  'securityContext',
  'imagePullSecrets',
  'hostname',
  'subdomain',
  'affinity',
  'schedulerName',
  'tolerations',
  'hostAliases',
  'priorityClassName',
  'priority',
  'dnsConfig',
  'readinessGates',
  'runtimeClassName',
  'enableServiceLinks',
  'preemptionPolicy',
  'overhead',
  'topologySpreadConstraints',
  'setHostnameAsFQDN',
  'os',
  'hostUsers',
  'schedulingGates',
  'resourceClaims',
  'resources',
  'ephemeralContainers',
);
POD_SPEC.containers = list(CONTAINER);
POD_SPEC.initContainers = list(CONTAINER);

const TEMPLATE: Shape = {metadata: META, spec: POD_SPEC} as Shape;
const obj = (spec: Shape, extra: string[] = []): Shape =>
  ({...open('apiVersion', 'kind', 'status', ...extra), metadata: META, spec}) as Shape;

const SHAPES: Record<string, Shape> = {
  '/pods': obj(POD_SPEC),
  'apps/deployments': obj({
    ...open(
      'replicas',
      'selector',
      'strategy',
      'minReadySeconds',
      'revisionHistoryLimit',
      'paused',
      'progressDeadlineSeconds',
    ),
    template: TEMPLATE,
  } as Shape),
  'apps/replicasets': obj({...open('replicas', 'selector', 'minReadySeconds'), template: TEMPLATE} as Shape),
  'apps/daemonsets': obj({
    ...open('selector', 'updateStrategy', 'minReadySeconds', 'revisionHistoryLimit'),
    template: TEMPLATE,
  } as Shape),
  'apps/statefulsets': obj({
    ...open(
      'replicas',
      'selector',
      'volumeClaimTemplates',
      'serviceName',
      'podManagementPolicy',
      'updateStrategy',
      'revisionHistoryLimit',
      'minReadySeconds',
      'persistentVolumeClaimRetentionPolicy',
      'ordinals',
    ),
    template: TEMPLATE,
  } as Shape),
  'batch/jobs': obj({
    ...open(
      'parallelism',
      'completions',
      'activeDeadlineSeconds',
      'podFailurePolicy',
      'successPolicy',
      'backoffLimit',
      'backoffLimitPerIndex',
      'maxFailedIndexes',
      'selector',
      'manualSelector',
      'ttlSecondsAfterFinished',
      'completionMode',
      'suspend',
      'podReplacementPolicy',
      'managedBy',
    ),
    template: TEMPLATE,
  } as Shape),
  '/services': obj({
    ...open(
      'selector',
      'clusterIP',
      'clusterIPs',
      'type',
      'externalIPs',
      'sessionAffinity',
      'loadBalancerIP',
      'loadBalancerSourceRanges',
      'externalName',
      'externalTrafficPolicy',
      'healthCheckNodePort',
      'publishNotReadyAddresses',
      'sessionAffinityConfig',
      'ipFamilies',
      'ipFamilyPolicy',
      'allocateLoadBalancerNodePorts',
      'loadBalancerClass',
      'internalTrafficPolicy',
      'trafficDistribution',
    ),
    ports: list(open('name', 'protocol', 'appProtocol', 'port', 'targetPort', 'nodePort')),
  } as Shape),
  '/namespaces': obj(open('finalizers')),
  '/configmaps': {...open('apiVersion', 'kind', 'data', 'binaryData', 'immutable'), metadata: META} as Shape,
  '/secrets': {...open('apiVersion', 'kind', 'data', 'stringData', 'type', 'immutable'), metadata: META} as Shape,
  '/serviceaccounts': {
    ...open('apiVersion', 'kind', 'secrets', 'imagePullSecrets', 'automountServiceAccountToken'),
    metadata: META,
  } as Shape,
};

function unknownFields(v: unknown, shape: Shape, path: string, out: string[]): void {
  if (Array.isArray(v)) {
    const item = shape['[]'];
    if (item) v.forEach((e, i) => unknownFields(e, item, `${path}[${i}]`, out));
    return;
  }
  if (!isPlainObject(v) || shape['[]']) return;
  for (const [k, x] of Object.entries(v)) {
    const sub = shape[k];
    const p = path ? `${path}.${k}` : k;
    if (sub === undefined) out.push(`unknown field "${p}"`);
    else if (sub !== ANY) unknownFields(x, sub, p, out);
  }
}

/**
 * 400 BadRequest worded like the apiserver's strict decoder when the object has fields its kind does not.
 * With `before` (a patch's target), only fields the change introduced count.
 */
export function checkKnownFields(type: ResourceType, o: KubeObject, before?: KubeObject): void {
  const shape = type.custom ? undefined : SHAPES[`${type.group}/${type.resource}`];
  if (!shape) return;
  let found: string[] = [];
  unknownFields(o, shape, '', found);
  if (before && found.length) {
    const old: string[] = [];
    unknownFields(before, shape, '', old);
    found = found.filter((f) => !old.includes(f));
  }
  if (found.length)
    throw new ApiError(
      400,
      'BadRequest',
      `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: strict decoding error: ${found.join(', ')}`,
    );
}
