import type {ObjectStore, ResourceType} from '../api';

/** The built-in resource types the controllers work with, resolved once from the store's registry. */
export interface Kinds {
  nodes: ResourceType;
  namespaces: ResourceType;
  pods: ResourceType;
  services: ResourceType;
  endpoints: ResourceType;
  endpointslices: ResourceType;
  events: ResourceType;
  configmaps: ResourceType;
  secrets: ResourceType;
  serviceaccounts: ResourceType;
  deployments: ResourceType;
  replicasets: ResourceType;
  daemonsets: ResourceType;
  statefulsets: ResourceType;
  jobs: ResourceType;
  storageclasses: ResourceType;
  persistentvolumeclaims: ResourceType;
  persistentvolumes: ResourceType;
}

const WHERE: Record<keyof Kinds, [string, string]> = {
  nodes: ['', 'v1'],
  namespaces: ['', 'v1'],
  pods: ['', 'v1'],
  services: ['', 'v1'],
  endpoints: ['', 'v1'],
  endpointslices: ['discovery.k8s.io', 'v1'],
  events: ['', 'v1'],
  configmaps: ['', 'v1'],
  secrets: ['', 'v1'],
  serviceaccounts: ['', 'v1'],
  deployments: ['apps', 'v1'],
  replicasets: ['apps', 'v1'],
  daemonsets: ['apps', 'v1'],
  statefulsets: ['apps', 'v1'],
  jobs: ['batch', 'v1'],
  storageclasses: ['storage.k8s.io', 'v1'],
  persistentvolumeclaims: ['', 'v1'],
  persistentvolumes: ['', 'v1'],
};

export function resolveKinds(store: ObjectStore): Kinds {
  const out = {} as Kinds;
  for (const [resource, [group, version]] of Object.entries(WHERE) as [keyof Kinds, [string, string]][]) {
    const t = store.types.lookup(group, version, resource);
    if (!t)
      throw new Error(
        `the sandbox API does not serve ${group || 'core'}/${version} ${resource}; the cluster controllers need it`,
      );
    out[resource] = t;
  }
  return out;
}
