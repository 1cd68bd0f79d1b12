/** The resource types istioctl reads and writes, looked up in the sandbox's registry by apiVersion and kind. */
import type {ObjectStore} from '../api/store';
import type {KubeObject, ResourceType} from '../api/types';

export const KINDS = {
  Namespace: ['v1', 'Namespace'],
  Pod: ['v1', 'Pod'],
  Service: ['v1', 'Service'],
  ServiceAccount: ['v1', 'ServiceAccount'],
  ConfigMap: ['v1', 'ConfigMap'],
  Node: ['v1', 'Node'],
  Deployment: ['apps/v1', 'Deployment'],
  DaemonSet: ['apps/v1', 'DaemonSet'],
  CustomResourceDefinition: ['apiextensions.k8s.io/v1', 'CustomResourceDefinition'],
  MutatingWebhookConfiguration: ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'],
  ValidatingWebhookConfiguration: ['admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'],
  ClusterRole: ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
  ClusterRoleBinding: ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
  Role: ['rbac.authorization.k8s.io/v1', 'Role'],
  RoleBinding: ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
  PodDisruptionBudget: ['policy/v1', 'PodDisruptionBudget'],
  HorizontalPodAutoscaler: ['autoscaling/v2', 'HorizontalPodAutoscaler'],
  Gateway: ['gateway.networking.k8s.io/v1', 'Gateway'],
} as const;

export type KindName = keyof typeof KINDS;

/** the type, or undefined when the cluster does not serve it (Gateway before the Gateway API CRDs) */
export function typeOf(store: ObjectStore, kind: KindName): ResourceType | undefined {
  const [apiVersion, k] = KINDS[kind];
  return store.types.byKind(apiVersion, k);
}

export function mustType(store: ObjectStore, kind: KindName): ResourceType {
  const t = typeOf(store, kind);
  if (!t) throw new Error(`the sandbox serves no ${KINDS[kind].join(' ')}`);
  return t;
}

/** list, or nothing when the type is not served */
export function listOf(
  store: ObjectStore,
  kind: KindName,
  opts: {namespace?: string; labelSelector?: string} = {},
): KubeObject[] {
  const t = typeOf(store, kind);
  return t ? store.list(t, opts).items : [];
}

export function getOf(
  store: ObjectStore,
  kind: KindName,
  namespace: string | undefined,
  name: string,
): KubeObject | undefined {
  const t = typeOf(store, kind);
  return t ? store.get(t, t.namespaced ? namespace : undefined, name) : undefined;
}

export const labelsOf = (o: KubeObject): Record<string, string> => o.metadata.labels ?? {};
