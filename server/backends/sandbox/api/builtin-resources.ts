import type {ResourceType, Verb} from './types';

/**
 * The built-in resources of a k3s v1.31 API server, as discovery lists them (behaviour as data).
 * Order follows the real server's /apis so `kubectl api-resources` reads the same.
 */
const ALL: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const NO_COLLECTION: Verb[] = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

interface Spec {
  r: string;
  k: string;
  ns?: boolean;
  short?: string[];
  cat?: string[];
  sub?: string[];
  verbs?: Verb[];
  singular?: string;
}

function group(group: string, version: string, specs: Spec[]): ResourceType[] {
  return specs.map((s) => ({
    group,
    version,
    resource: s.r,
    singular: s.singular ?? s.k.toLowerCase(),
    kind: s.k,
    listKind: `${s.k}List`,
    namespaced: s.ns ?? true,
    shortNames: s.short ?? [],
    categories: s.cat ?? [],
    verbs: s.verbs ?? ALL,
    subresources: s.sub ?? [],
  }));
}

export const BUILTIN_RESOURCES: ResourceType[] = [
  ...group('', 'v1', [
    {r: 'bindings', k: 'Binding', verbs: ['create']},
    {r: 'componentstatuses', k: 'ComponentStatus', ns: false, short: ['cs'], verbs: ['get', 'list']},
    {r: 'configmaps', k: 'ConfigMap', short: ['cm']},
    {r: 'endpoints', k: 'Endpoints', short: ['ep'], singular: 'endpoints'},
    {r: 'events', k: 'Event', short: ['ev']},
    {r: 'limitranges', k: 'LimitRange', short: ['limits']},
    {r: 'namespaces', k: 'Namespace', ns: false, short: ['ns'], sub: ['finalize', 'status'], verbs: NO_COLLECTION},
    {r: 'nodes', k: 'Node', ns: false, short: ['no'], sub: ['proxy', 'status']},
    {r: 'persistentvolumeclaims', k: 'PersistentVolumeClaim', short: ['pvc'], sub: ['status']},
    {r: 'persistentvolumes', k: 'PersistentVolume', ns: false, short: ['pv'], sub: ['status']},
    {
      r: 'pods',
      k: 'Pod',
      short: ['po'],
      cat: ['all'],
      sub: [
        'attach',
        'binding',
        'ephemeralcontainers',
        'eviction',
        'exec',
        'log',
        'portforward',
        'proxy',
        'resize',
        'status',
      ],
    },
    {r: 'podtemplates', k: 'PodTemplate'},
    {r: 'replicationcontrollers', k: 'ReplicationController', short: ['rc'], cat: ['all'], sub: ['scale', 'status']},
    {r: 'resourcequotas', k: 'ResourceQuota', short: ['quota'], sub: ['status']},
    {r: 'secrets', k: 'Secret'},
    {r: 'serviceaccounts', k: 'ServiceAccount', short: ['sa'], sub: ['token']},
    {r: 'services', k: 'Service', short: ['svc'], cat: ['all'], sub: ['proxy', 'status']},
  ]),
  ...group('apiregistration.k8s.io', 'v1', [
    {r: 'apiservices', k: 'APIService', ns: false, cat: ['api-extensions'], sub: ['status']},
  ]),
  ...group('apps', 'v1', [
    {r: 'controllerrevisions', k: 'ControllerRevision'},
    {r: 'daemonsets', k: 'DaemonSet', short: ['ds'], cat: ['all'], sub: ['status']},
    {r: 'deployments', k: 'Deployment', short: ['deploy'], cat: ['all'], sub: ['scale', 'status']},
    {r: 'replicasets', k: 'ReplicaSet', short: ['rs'], cat: ['all'], sub: ['scale', 'status']},
    {r: 'statefulsets', k: 'StatefulSet', short: ['sts'], cat: ['all'], sub: ['scale', 'status']},
  ]),
  ...group('events.k8s.io', 'v1', [{r: 'events', k: 'Event', short: ['ev']}]),
  ...group('authentication.k8s.io', 'v1', [
    {r: 'selfsubjectreviews', k: 'SelfSubjectReview', ns: false, verbs: ['create']},
    {r: 'tokenreviews', k: 'TokenReview', ns: false, verbs: ['create']},
  ]),
  ...group('authorization.k8s.io', 'v1', [
    {r: 'localsubjectaccessreviews', k: 'LocalSubjectAccessReview', verbs: ['create']},
    {r: 'selfsubjectaccessreviews', k: 'SelfSubjectAccessReview', ns: false, verbs: ['create']},
    {r: 'selfsubjectrulesreviews', k: 'SelfSubjectRulesReview', ns: false, verbs: ['create']},
    {r: 'subjectaccessreviews', k: 'SubjectAccessReview', ns: false, verbs: ['create']},
  ]),
  ...group('autoscaling', 'v2', [
    {r: 'horizontalpodautoscalers', k: 'HorizontalPodAutoscaler', short: ['hpa'], cat: ['all'], sub: ['status']},
  ]),
  // served too (kubectl autoscale up to 1.32 writes v1); stored as v2 (conversion.ts)
  ...group('autoscaling', 'v1', [
    {r: 'horizontalpodautoscalers', k: 'HorizontalPodAutoscaler', short: ['hpa'], cat: ['all'], sub: ['status']},
  ]),
  ...group('batch', 'v1', [
    {r: 'cronjobs', k: 'CronJob', short: ['cj'], cat: ['all'], sub: ['status']},
    {r: 'jobs', k: 'Job', cat: ['all'], sub: ['status']},
  ]),
  ...group('certificates.k8s.io', 'v1', [
    {
      r: 'certificatesigningrequests',
      k: 'CertificateSigningRequest',
      ns: false,
      short: ['csr'],
      sub: ['approval', 'status'],
    },
  ]),
  ...group('networking.k8s.io', 'v1', [
    {r: 'ingressclasses', k: 'IngressClass', ns: false},
    {r: 'ingresses', k: 'Ingress', short: ['ing'], sub: ['status']},
    {r: 'networkpolicies', k: 'NetworkPolicy', short: ['netpol']},
  ]),
  ...group('policy', 'v1', [{r: 'poddisruptionbudgets', k: 'PodDisruptionBudget', short: ['pdb'], sub: ['status']}]),
  ...group('rbac.authorization.k8s.io', 'v1', [
    {r: 'clusterrolebindings', k: 'ClusterRoleBinding', ns: false},
    {r: 'clusterroles', k: 'ClusterRole', ns: false},
    {r: 'rolebindings', k: 'RoleBinding'},
    {r: 'roles', k: 'Role'},
  ]),
  ...group('storage.k8s.io', 'v1', [
    {r: 'csidrivers', k: 'CSIDriver', ns: false},
    {r: 'csinodes', k: 'CSINode', ns: false},
    {r: 'csistoragecapacities', k: 'CSIStorageCapacity'},
    {r: 'storageclasses', k: 'StorageClass', ns: false, short: ['sc']},
    {r: 'volumeattachments', k: 'VolumeAttachment', ns: false, sub: ['status']},
  ]),
  ...group('admissionregistration.k8s.io', 'v1', [
    {r: 'mutatingwebhookconfigurations', k: 'MutatingWebhookConfiguration', ns: false, cat: ['api-extensions']},
    {
      r: 'validatingadmissionpolicies',
      k: 'ValidatingAdmissionPolicy',
      ns: false,
      cat: ['api-extensions'],
      sub: ['status'],
    },
    {r: 'validatingadmissionpolicybindings', k: 'ValidatingAdmissionPolicyBinding', ns: false, cat: ['api-extensions']},
    {r: 'validatingwebhookconfigurations', k: 'ValidatingWebhookConfiguration', ns: false, cat: ['api-extensions']},
  ]),
  ...group('apiextensions.k8s.io', 'v1', [
    {
      r: 'customresourcedefinitions',
      k: 'CustomResourceDefinition',
      ns: false,
      short: ['crd', 'crds'],
      cat: ['api-extensions'],
      sub: ['status'],
    },
  ]),
  ...group('scheduling.k8s.io', 'v1', [{r: 'priorityclasses', k: 'PriorityClass', ns: false, short: ['pc']}]),
  ...group('coordination.k8s.io', 'v1', [{r: 'leases', k: 'Lease'}]),
  ...group('node.k8s.io', 'v1', [{r: 'runtimeclasses', k: 'RuntimeClass', ns: false}]),
  ...group('discovery.k8s.io', 'v1', [{r: 'endpointslices', k: 'EndpointSlice'}]),
  ...group('flowcontrol.apiserver.k8s.io', 'v1', [
    {r: 'flowschemas', k: 'FlowSchema', ns: false, sub: ['status']},
    {r: 'prioritylevelconfigurations', k: 'PriorityLevelConfiguration', ns: false, sub: ['status']},
  ]),
];
