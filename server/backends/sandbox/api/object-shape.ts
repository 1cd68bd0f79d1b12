import {isPlainObject} from './patch-merge';
import type {ResourceType} from './types';

/**
 * The apiserver decodes a body into Go structs before anything reads it, so `metadata: "x"` or labels that are
 * not strings never reach a handler: the decoder refuses them in encoding/json's words. The same check here, for
 * the parts of an object this sandbox's code reads: ObjectMeta, spec/status of built-in kinds, and the data maps
 * of ConfigMaps and Secrets. Returns that message, or undefined when the shape is right.
 */

/** how Go's encoding/json names a JSON value in an UnmarshalTypeError */
export function goJsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // object, string, number (a null decodes into anything)
}

/** encoding/json's UnmarshalTypeError; a number that does not fit an integer field is quoted too */
const unmarshal = (v: unknown, struct: string, field: string, goType: string) =>
  `json: cannot unmarshal ${goJsonKind(v)}${typeof v === 'number' && goType.startsWith('int') ? ` ${v}` : ''} into Go struct field ${struct}.${field} of type ${goType}`;

type Check = (v: unknown, struct: string, field: string) => string | undefined;

const str: Check = (v, s, f) => (v === null || typeof v === 'string' ? undefined : unmarshal(v, s, f, 'string'));
const int =
  (goType: 'int32' | 'int64'): Check =>
  (v, s, f) =>
    v === null || (typeof v === 'number' && Number.isInteger(v)) ? undefined : unmarshal(v, s, f, goType);
const int32 = int('int32');
const int64 = int('int64');
const bool: Check = (v, s, f) => (v === null || typeof v === 'boolean' ? undefined : unmarshal(v, s, f, 'bool'));
/** metav1.Time reads a JSON string (or null) */
const time: Check = str;
/** intstr.IntOrString and resource.Quantity take a number or a string */
const intOrString: Check = (v, s, f) =>
  v === null || typeof v === 'string' || typeof v === 'number' ? undefined : unmarshal(v, s, f, 'intstr.IntOrString');
const quantity: Check = (v, s, f) =>
  v === null || typeof v === 'string' || typeof v === 'number' ? undefined : unmarshal(v, s, f, 'resource.Quantity');
/** a struct this sandbox never reads inside: any object */
const opaque =
  (goType: string): Check =>
  (v, s, f) =>
    v === null || isPlainObject(v) ? undefined : unmarshal(v, s, f, goType);

const mapOf =
  (goType: string, value: Check): Check =>
  (v, s, f) => {
    if (v === null) return undefined;
    if (!isPlainObject(v)) return unmarshal(v, s, f, goType);
    for (const x of Object.values(v)) {
      const e = value(x, s, f);
      if (e) return e;
    }
    return undefined;
  };
const stringMap = mapOf('map[string]string', str);
const strings = (v: unknown, s: string, f: string) => listOf('[]string', str)(v, s, f);

/**
 * A list; a null item of a struct list becomes {}, as Go decodes null into the zero struct (and re-encodes it
 * as {}), so nothing after this meets a null where an object belongs.
 */
function listOf(goType: string, item: Check, structItems = false): Check {
  return (v, s, f) => {
    if (v === null) return undefined;
    if (!Array.isArray(v)) return unmarshal(v, s, f, goType);
    for (let i = 0; i < v.length; i++) {
      if (structItems && v[i] === null) v[i] = {};
      const e = item(v[i], s, f);
      if (e) return e;
    }
    return undefined;
  };
}

/** a struct: its own name becomes the Struct of errors inside it, the JSON path keeps growing */
function struct(name: string, goType: string, fields: () => Record<string, Check>): Check {
  return (v, s, f) => {
    if (v === null || v === undefined) return undefined;
    if (!isPlainObject(v)) return unmarshal(v, s, f, goType);
    for (const [k, check] of Object.entries(fields())) {
      if (v[k] === undefined) continue;
      const e = check(v[k], name, `${f}.${k}`);
      if (e) return e;
    }
    return undefined;
  };
}
const structs = (name: string, fields: () => Record<string, Check>) =>
  listOf(`[]v1.${name}`, struct(name, `v1.${name}`, fields), true);

const ownerReference = () => ({
  apiVersion: str,
  kind: str,
  name: str,
  uid: str,
  controller: bool,
  blockOwnerDeletion: bool,
});

const objectMeta = struct('ObjectMeta', 'v1.ObjectMeta', () => ({
  name: str,
  generateName: str,
  namespace: str,
  selfLink: str,
  uid: str,
  resourceVersion: str,
  generation: int64,
  creationTimestamp: time,
  deletionTimestamp: time,
  deletionGracePeriodSeconds: int64,
  labels: stringMap,
  annotations: stringMap,
  ownerReferences: structs('OwnerReference', ownerReference),
  finalizers: strings,
  managedFields: listOf('[]v1.ManagedFieldsEntry', opaque('v1.ManagedFieldsEntry')),
}));

const labelSelector = struct('LabelSelector', 'v1.LabelSelector', () => ({
  matchLabels: stringMap,
  matchExpressions: structs('LabelSelectorRequirement', () => ({key: str, operator: str, values: strings})),
}));

const container = () => ({
  name: str,
  image: str,
  command: strings,
  args: strings,
  workingDir: str,
  ports: structs('ContainerPort', () => ({
    name: str,
    hostPort: int32,
    containerPort: int32,
    protocol: str,
    hostIP: str,
  })),
  env: structs('EnvVar', () => ({name: str, value: str, valueFrom: opaque('v1.EnvVarSource')})),
  envFrom: listOf('[]v1.EnvFromSource', opaque('v1.EnvFromSource')),
  resources: struct('ResourceRequirements', 'v1.ResourceRequirements', () => ({
    limits: mapOf('v1.ResourceList', quantity),
    requests: mapOf('v1.ResourceList', quantity),
  })),
  volumeMounts: structs('VolumeMount', () => ({name: str, mountPath: str, readOnly: bool, subPath: str})),
  livenessProbe: opaque('v1.Probe'),
  readinessProbe: opaque('v1.Probe'),
  startupProbe: opaque('v1.Probe'),
  lifecycle: opaque('v1.Lifecycle'),
  securityContext: opaque('v1.SecurityContext'),
  imagePullPolicy: str,
  stdin: bool,
  tty: bool,
});

const podSpec = struct('PodSpec', 'v1.PodSpec', () => ({
  containers: structs('Container', container),
  initContainers: structs('Container', container),
  ephemeralContainers: listOf('[]v1.EphemeralContainer', opaque('v1.EphemeralContainer')),
  volumes: structs('Volume', () => ({name: str})),
  restartPolicy: str,
  terminationGracePeriodSeconds: int64,
  activeDeadlineSeconds: int64,
  dnsPolicy: str,
  nodeSelector: stringMap,
  serviceAccountName: str,
  serviceAccount: str,
  automountServiceAccountToken: bool,
  nodeName: str,
  hostNetwork: bool,
  hostname: str,
  subdomain: str,
  affinity: opaque('v1.Affinity'),
  schedulerName: str,
  tolerations: structs('Toleration', () => ({
    key: str,
    operator: str,
    value: str,
    effect: str,
    tolerationSeconds: int64,
  })),
  priorityClassName: str,
  priority: int32,
  securityContext: opaque('v1.PodSecurityContext'),
  imagePullSecrets: listOf('[]v1.LocalObjectReference', opaque('v1.LocalObjectReference')),
}));

const podTemplateSpec = struct('PodTemplateSpec', 'v1.PodTemplateSpec', () => ({
  metadata: objectMeta,
  spec: podSpec,
}));

const conditions = (name: string) =>
  structs(name, () => ({
    type: str,
    status: str,
    reason: str,
    message: str,
    lastTransitionTime: time,
    lastUpdateTime: time,
    lastProbeTime: time,
    lastHeartbeatTime: time,
    observedGeneration: int64,
  }));

const podStatus = struct('PodStatus', 'v1.PodStatus', () => ({
  phase: str,
  conditions: conditions('PodCondition'),
  message: str,
  reason: str,
  hostIP: str,
  podIP: str,
  podIPs: structs('PodIP', () => ({ip: str})),
  startTime: time,
  qosClass: str,
  containerStatuses: structs('ContainerStatus', containerStatus),
  initContainerStatuses: structs('ContainerStatus', containerStatus),
}));

function containerStatus() {
  return {
    name: str,
    state: opaque('v1.ContainerState'),
    lastState: opaque('v1.ContainerState'),
    ready: bool,
    restartCount: int32,
    image: str,
    imageID: str,
    containerID: str,
    started: bool,
  };
}

const workloadSpec = (name: string) =>
  struct(name, `v1.${name}`, () => ({
    replicas: int32,
    selector: labelSelector,
    template: podTemplateSpec,
    minReadySeconds: int32,
    revisionHistoryLimit: int32,
    progressDeadlineSeconds: int32,
    paused: bool,
    strategy: opaque('v1.DeploymentStrategy'),
    updateStrategy: opaque('v1.UpdateStrategy'),
    serviceName: str,
  }));

const workloadStatus = (name: string) =>
  struct(name, `v1.${name}`, () => ({
    observedGeneration: int64,
    replicas: int32,
    updatedReplicas: int32,
    readyReplicas: int32,
    availableReplicas: int32,
    unavailableReplicas: int32,
    fullyLabeledReplicas: int32,
    currentNumberScheduled: int32,
    numberMisscheduled: int32,
    desiredNumberScheduled: int32,
    numberReady: int32,
    conditions: conditions(`${name.replace(/Status$/, '')}Condition`),
  }));

/** the spec and status of the built-in kinds this sandbox reads inside */
const PARTS: Record<string, {spec?: Check; status?: Check}> = {
  pods: {spec: podSpec, status: podStatus},
  deployments: {spec: workloadSpec('DeploymentSpec'), status: workloadStatus('DeploymentStatus')},
  replicasets: {spec: workloadSpec('ReplicaSetSpec'), status: workloadStatus('ReplicaSetStatus')},
  daemonsets: {spec: workloadSpec('DaemonSetSpec'), status: workloadStatus('DaemonSetStatus')},
  statefulsets: {spec: workloadSpec('StatefulSetSpec'), status: workloadStatus('StatefulSetStatus')},
  services: {
    spec: struct('ServiceSpec', 'v1.ServiceSpec', () => ({
      ports: structs('ServicePort', () => ({
        name: str,
        protocol: str,
        appProtocol: str,
        port: int32,
        targetPort: intOrString,
        nodePort: int32,
      })),
      selector: stringMap,
      clusterIP: str,
      clusterIPs: strings,
      type: str,
      externalIPs: strings,
      sessionAffinity: str,
      loadBalancerIP: str,
      externalName: str,
      externalTrafficPolicy: str,
      ipFamilies: strings,
      ipFamilyPolicy: str,
    })),
    status: struct('ServiceStatus', 'v1.ServiceStatus', () => ({
      loadBalancer: struct('LoadBalancerStatus', 'v1.LoadBalancerStatus', () => ({
        ingress: structs('LoadBalancerIngress', () => ({ip: str, hostname: str})),
      })),
    })),
  },
  namespaces: {
    spec: struct('NamespaceSpec', 'v1.NamespaceSpec', () => ({finalizers: strings})),
    status: struct('NamespaceStatus', 'v1.NamespaceStatus', () => ({
      phase: str,
      conditions: conditions('NamespaceCondition'),
    })),
  },
  nodes: {
    spec: struct('NodeSpec', 'v1.NodeSpec', () => ({
      podCIDR: str,
      podCIDRs: strings,
      providerID: str,
      unschedulable: bool,
      taints: structs('Taint', () => ({key: str, value: str, effect: str, timeAdded: time})),
    })),
    status: struct('NodeStatus', 'v1.NodeStatus', () => ({
      capacity: mapOf('v1.ResourceList', quantity),
      allocatable: mapOf('v1.ResourceList', quantity),
      phase: str,
      conditions: conditions('NodeCondition'),
      addresses: structs('NodeAddress', () => ({type: str, address: str})),
      nodeInfo: opaque('v1.NodeSystemInfo'),
      images: listOf('[]v1.ContainerImage', opaque('v1.ContainerImage')),
    })),
  },
  customresourcedefinitions: {
    spec: struct('CustomResourceDefinitionSpec', 'v1.CustomResourceDefinitionSpec', () => ({
      group: str,
      scope: str,
      names: struct('CustomResourceDefinitionNames', 'v1.CustomResourceDefinitionNames', () => ({
        plural: str,
        singular: str,
        kind: str,
        listKind: str,
        shortNames: strings,
        categories: strings,
      })),
      versions: structs('CustomResourceDefinitionVersion', () => ({
        name: str,
        served: bool,
        storage: bool,
        deprecated: bool,
        schema: struct('CustomResourceValidation', 'v1.CustomResourceValidation', () => ({
          openAPIV3Schema: opaque('v1.JSONSchemaProps'),
        })),
        subresources: opaque('v1.CustomResourceSubresources'),
        additionalPrinterColumns: structs('CustomResourceColumnDefinition', () => ({
          name: str,
          type: str,
          format: str,
          description: str,
          priority: int32,
          jsonPath: str,
        })),
      })),
      conversion: opaque('v1.CustomResourceConversion'),
      preserveUnknownFields: bool,
    })),
    status: opaque('v1.CustomResourceDefinitionStatus'),
  },
};

/** the Go package a built-in kind's types live in: "v1" for core/v1 and apps/v1 alike */
const goPackage = (type: ResourceType) => type.version;

/**
 * The shape error of an object decoded from a request (or produced by a patch), in Go's words, or undefined.
 * Custom resources are unstructured: only their metadata has a Go type.
 */
export function shapeError(o: Record<string, unknown>, type: ResourceType): string | undefined {
  const kind = type.kind;
  const fields: Record<string, Check> = {metadata: objectMeta};
  if (!type.custom) {
    const parts = PARTS[type.resource] ?? {};
    fields.spec = parts.spec ?? opaque(`${goPackage(type)}.${kind}Spec`);
    fields.status = parts.status ?? opaque(`${goPackage(type)}.${kind}Status`);
    if (type.resource === 'configmaps') {
      fields.data = stringMap;
      fields.binaryData = mapOf('map[string][]uint8', str);
    }
    if (type.resource === 'secrets') {
      fields.data = mapOf('map[string][]uint8', str);
      fields.stringData = stringMap;
      fields.type = str;
    }
  }
  for (const [k, check] of Object.entries(fields)) {
    if (o[k] === undefined) continue;
    const e = check(o[k], kind, k);
    if (e) return e;
  }
  return undefined;
}
