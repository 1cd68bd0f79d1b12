import {bootstrapClusterRoleBindings, bootstrapClusterRoles} from './rbac-bootstrap';
import type {ObjectStore} from './store';

/**
 * What a fresh k3s API server has before any controller runs: the four system namespaces, the `kubernetes`
 * Service (owned by the apiserver itself, 10.43.0.1 in k3s's service CIDR) and the RBAC bootstrap ClusterRoles and
 * ClusterRoleBindings the sandbox knows (`rbac-bootstrap.ts`). Nodes, kube-system workloads and default
 * ServiceAccounts come with the controllers.
 */
export function seedFreshCluster(store: ObjectStore): void {
  const ns = store.types.lookup('', 'v1', 'namespaces')!;
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease'])
    if (!store.get(ns, undefined, name)) store.create(ns, {apiVersion: 'v1', kind: 'Namespace', metadata: {name}});
  const svc = store.types.lookup('', 'v1', 'services')!;
  if (!store.get(svc, 'default', 'kubernetes'))
    store.create(svc, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {name: 'kubernetes', namespace: 'default', labels: {component: 'apiserver', provider: 'kubernetes'}},
      spec: {
        type: 'ClusterIP',
        clusterIP: '10.43.0.1',
        ports: [{name: 'https', port: 443, protocol: 'TCP', targetPort: 6443}],
      },
    });
  const roles = store.types.lookup('rbac.authorization.k8s.io', 'v1', 'clusterroles')!;
  for (const r of bootstrapClusterRoles()) if (!store.get(roles, undefined, r.metadata.name!)) store.create(roles, r);
  const bindings = store.types.lookup('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings')!;
  for (const b of bootstrapClusterRoleBindings())
    if (!store.get(bindings, undefined, b.metadata.name!)) store.create(bindings, b);
}
