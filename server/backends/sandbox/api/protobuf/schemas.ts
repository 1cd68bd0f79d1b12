/**
 * Field numbers of the k8s.io/api messages that kubectl's `create <kind>` generators send, from the upstream
 * generated.proto files (behaviour as data: add a message here to accept another generator).
 * `keepZero` marks pointer fields in Go where 0/false is a real value (replicas: 0), not "unset".
 */
export type Scalar = 'string' | 'bytes' | 'int' | 'bool' | 'time' | 'intstr' | 'quantity';

export interface FieldSpec {
  name: string;
  type: Scalar | {msg: string} | {map: Scalar | {msg: string}};
  repeated?: boolean;
  keepZero?: boolean;
  /** an embedded Go struct: its fields sit directly in the parent's JSON (IngressRule.ingressRuleValue → http) */
  inline?: boolean;
}

export type MessageSpec = Record<number, FieldSpec>;

const s = (name: string): FieldSpec => ({name, type: 'string'});
const ss = (name: string): FieldSpec => ({name, type: 'string', repeated: true});
const i = (name: string, keepZero = false): FieldSpec => ({name, type: 'int', keepZero});
const b = (name: string, keepZero = false): FieldSpec => ({name, type: 'bool', keepZero});
const m = (name: string, msg: string, repeated = false): FieldSpec => ({name, type: {msg}, repeated});
const map = (name: string, value: Scalar | {msg: string} = 'string'): FieldSpec => ({name, type: {map: value}});

export const MESSAGES: Record<string, MessageSpec> = {
  ObjectMeta: {
    1: s('name'),
    2: s('generateName'),
    3: s('namespace'),
    5: s('uid'),
    6: s('resourceVersion'),
    7: i('generation'),
    11: map('labels'),
    12: map('annotations'),
    13: m('ownerReferences', 'OwnerReference', true),
    14: ss('finalizers'),
  },
  OwnerReference: {
    1: s('kind'),
    3: s('name'),
    4: s('uid'),
    5: s('apiVersion'),
    6: b('controller', true),
    7: b('blockOwnerDeletion', true),
  },
  Namespace: {1: m('metadata', 'ObjectMeta'), 2: m('spec', 'NamespaceSpec')},
  NamespaceSpec: {1: ss('finalizers')},
  Secret: {
    1: m('metadata', 'ObjectMeta'),
    2: map('data', 'bytes'),
    3: s('type'),
    4: map('stringData'),
    5: b('immutable', true),
  },
  ConfigMap: {1: m('metadata', 'ObjectMeta'), 2: map('data'), 3: map('binaryData', 'bytes'), 4: b('immutable', true)},
  ServiceAccount: {
    1: m('metadata', 'ObjectMeta'),
    2: m('secrets', 'ObjectReference', true),
    3: m('imagePullSecrets', 'LocalObjectReference', true),
    4: b('automountServiceAccountToken', true),
  },
  ObjectReference: {
    1: s('kind'),
    2: s('namespace'),
    3: s('name'),
    4: s('uid'),
    5: s('apiVersion'),
    6: s('resourceVersion'),
    7: s('fieldPath'),
  },
  LocalObjectReference: {1: s('name')},
  Service: {1: m('metadata', 'ObjectMeta'), 2: m('spec', 'ServiceSpec')},
  ServiceSpec: {
    1: m('ports', 'ServicePort', true),
    2: map('selector'),
    3: s('clusterIP'),
    4: s('type'),
    5: ss('externalIPs'),
    7: s('sessionAffinity'),
    8: s('loadBalancerIP'),
    10: s('externalName'),
    11: s('externalTrafficPolicy'),
    18: ss('clusterIPs'),
    19: ss('ipFamilies'),
    17: s('ipFamilyPolicy'),
  },
  ServicePort: {
    1: s('name'),
    2: s('protocol'),
    3: i('port'),
    4: {name: 'targetPort', type: 'intstr'},
    5: i('nodePort'),
    6: s('appProtocol'),
  },
  Deployment: {1: m('metadata', 'ObjectMeta'), 2: m('spec', 'DeploymentSpec')},
  DeploymentSpec: {
    1: i('replicas', true),
    2: m('selector', 'LabelSelector'),
    3: m('template', 'PodTemplateSpec'),
    4: m('strategy', 'DeploymentStrategy'),
    5: i('minReadySeconds'),
    6: i('revisionHistoryLimit', true),
    7: b('paused'),
    9: i('progressDeadlineSeconds', true),
  },
  DeploymentStrategy: {1: s('type'), 2: m('rollingUpdate', 'RollingUpdateDeployment')},
  RollingUpdateDeployment: {1: {name: 'maxUnavailable', type: 'intstr'}, 2: {name: 'maxSurge', type: 'intstr'}},
  LabelSelector: {1: map('matchLabels'), 2: m('matchExpressions', 'LabelSelectorRequirement', true)},
  LabelSelectorRequirement: {1: s('key'), 2: s('operator'), 3: ss('values')},
  PodTemplateSpec: {1: m('metadata', 'ObjectMeta'), 2: m('spec', 'PodSpec')},
  PodSpec: {
    2: m('containers', 'Container', true),
    3: s('restartPolicy'),
    4: i('terminationGracePeriodSeconds', true),
    6: s('dnsPolicy'),
    7: map('nodeSelector'),
    8: s('serviceAccountName'),
    10: s('nodeName'),
    11: b('hostNetwork'),
    15: m('imagePullSecrets', 'LocalObjectReference', true),
    16: s('hostname'),
    17: s('subdomain'),
    19: s('schedulerName'),
    20: m('initContainers', 'Container', true),
    24: s('priorityClassName'),
  },
  Container: {
    1: s('name'),
    2: s('image'),
    3: ss('command'),
    4: ss('args'),
    5: s('workingDir'),
    6: m('ports', 'ContainerPort', true),
    7: m('env', 'EnvVar', true),
    8: m('resources', 'ResourceRequirements'),
    14: s('imagePullPolicy'),
    16: b('stdin'),
    17: b('stdinOnce'),
    18: b('tty'),
    20: s('terminationMessagePolicy'),
    13: s('terminationMessagePath'),
  },
  ContainerPort: {1: s('name'), 2: i('hostPort'), 3: i('containerPort'), 4: s('protocol'), 5: s('hostIP')},
  EnvVar: {1: s('name'), 2: s('value')},
  ResourceRequirements: {1: map('limits', 'quantity'), 2: map('requests', 'quantity')},
  Job: {1: m('metadata', 'ObjectMeta'), 2: m('spec', 'JobSpec')},
  JobSpec: {
    1: i('parallelism', true),
    2: i('completions', true),
    3: i('activeDeadlineSeconds', true),
    4: m('selector', 'LabelSelector'),
    5: b('manualSelector', true),
    6: m('template', 'PodTemplateSpec'),
    7: i('backoffLimit', true),
    8: i('ttlSecondsAfterFinished', true),
    9: s('completionMode'),
    10: b('suspend', true),
  },
  JobTemplateSpec: {1: m('metadata', 'ObjectMeta'), 2: m('spec', 'JobSpec')},
  CronJob: {1: m('metadata', 'ObjectMeta'), 2: m('spec', 'CronJobSpec')},
  CronJobSpec: {
    1: s('schedule'),
    2: i('startingDeadlineSeconds', true),
    3: s('concurrencyPolicy'),
    4: b('suspend', true),
    5: m('jobTemplate', 'JobTemplateSpec'),
    6: i('successfulJobsHistoryLimit', true),
    7: i('failedJobsHistoryLimit', true),
    8: s('timeZone'),
  },
  Role: {1: m('metadata', 'ObjectMeta'), 2: m('rules', 'PolicyRule', true)},
  ClusterRole: {
    1: m('metadata', 'ObjectMeta'),
    2: m('rules', 'PolicyRule', true),
    3: m('aggregationRule', 'AggregationRule'),
  },
  AggregationRule: {1: m('clusterRoleSelectors', 'LabelSelector', true)},
  PolicyRule: {
    1: ss('verbs'),
    2: ss('apiGroups'),
    3: ss('resources'),
    4: ss('resourceNames'),
    5: ss('nonResourceURLs'),
  },
  RoleBinding: {1: m('metadata', 'ObjectMeta'), 2: m('subjects', 'Subject', true), 3: m('roleRef', 'RoleRef')},
  ClusterRoleBinding: {1: m('metadata', 'ObjectMeta'), 2: m('subjects', 'Subject', true), 3: m('roleRef', 'RoleRef')},
  Subject: {1: s('kind'), 2: s('apiGroup'), 3: s('name'), 4: s('namespace')},
  RoleRef: {1: s('apiGroup'), 2: s('kind'), 3: s('name')},
  PriorityClass: {
    1: m('metadata', 'ObjectMeta'),
    2: i('value', true),
    3: b('globalDefault'),
    4: s('description'),
    5: s('preemptionPolicy'),
  },
  PodDisruptionBudget: {1: m('metadata', 'ObjectMeta'), 2: m('spec', 'PodDisruptionBudgetSpec')},
  PodDisruptionBudgetSpec: {
    1: {name: 'minAvailable', type: 'intstr'},
    2: m('selector', 'LabelSelector'),
    3: {name: 'maxUnavailable', type: 'intstr'},
  },
  ResourceQuota: {1: m('metadata', 'ObjectMeta'), 2: m('spec', 'ResourceQuotaSpec')},
  ResourceQuotaSpec: {1: map('hard', 'quantity'), 2: ss('scopes')},
  Ingress: {1: m('metadata', 'ObjectMeta'), 2: m('spec', 'IngressSpec')},
  IngressSpec: {
    1: m('defaultBackend', 'IngressBackend'),
    2: m('tls', 'IngressTLS', true),
    3: m('rules', 'IngressRule', true),
    4: s('ingressClassName'),
  },
  IngressTLS: {1: ss('hosts'), 2: s('secretName')},
  IngressRule: {1: s('host'), 2: {...m('ingressRuleValue', 'IngressRuleValue'), inline: true}},
  IngressRuleValue: {1: m('http', 'HTTPIngressRuleValue')},
  HTTPIngressRuleValue: {1: m('paths', 'HTTPIngressPath', true)},
  HTTPIngressPath: {1: s('path'), 2: m('backend', 'IngressBackend'), 3: s('pathType')},
  IngressBackend: {4: m('service', 'IngressServiceBackend')},
  IngressServiceBackend: {1: s('name'), 2: m('port', 'ServiceBackendPort')},
  ServiceBackendPort: {1: s('name'), 2: i('number')},
};

/** Kind → message, for the envelope's TypeMeta */
export const KIND_MESSAGES: Record<string, string> = {
  Namespace: 'Namespace',
  Secret: 'Secret',
  ConfigMap: 'ConfigMap',
  ServiceAccount: 'ServiceAccount',
  Service: 'Service',
  Deployment: 'Deployment',
  Job: 'Job',
  CronJob: 'CronJob',
  Role: 'Role',
  ClusterRole: 'ClusterRole',
  RoleBinding: 'RoleBinding',
  ClusterRoleBinding: 'ClusterRoleBinding',
  PriorityClass: 'PriorityClass',
  PodDisruptionBudget: 'PodDisruptionBudget',
  ResourceQuota: 'ResourceQuota',
  Ingress: 'Ingress',
};
