import {ADMIN, BOOTSTRAP_BINDINGS, BOOTSTRAP_ROLES, EDIT, VIEW, type PolicyRule} from './rbac';
import type {KubeObject} from './types';

/**
 * The bootstrap policy as stored objects, as kube-apiserver's RBAC post-start hook writes them into a fresh cluster
 * (bootstrappolicy/policy.go; metadata as its testdata/cluster-roles.yaml and cluster-role-bindings.yaml show):
 * labelled `kubernetes.io/bootstrapping: rbac-defaults`, annotated `rbac.authorization.kubernetes.io/autoupdate`.
 * `admin`, `edit` and `view` carry an aggregationRule; their rules are what the clusterrole-aggregation controller
 * fills in: the rules of the roles their selector picks, those roles sorted by name (edit = system:aggregate-to-edit
 * then view; admin = edit then system:aggregate-to-admin). The rules themselves are `rbac.ts`'s, which decide
 * requests when a sandbox predates these objects or a learner deleted one.
 */
const GROUP = 'rbac.authorization.k8s.io';
const LABELS = {'kubernetes.io/bootstrapping': 'rbac-defaults'};
const ANNOTATIONS = {'rbac.authorization.kubernetes.io/autoupdate': 'true'};
const aggregateTo = (role: string) => ({[`${GROUP}/aggregate-to-${role}`]: 'true'});

/** Go's field order of rbacv1.PolicyRule, empty fields left out */
function stored(rule: PolicyRule): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries({
      verbs: rule.verbs,
      apiGroups: rule.apiGroups,
      resources: rule.resources,
      resourceNames: rule.resourceNames,
      nonResourceURLs: rule.nonResourceURLs,
    }).filter(([, v]) => v !== undefined),
  );
}

function clusterRole(
  name: string,
  rules: PolicyRule[],
  opts: {labels?: Record<string, string>; aggregates?: string} = {},
): KubeObject {
  return {
    apiVersion: `${GROUP}/v1`,
    kind: 'ClusterRole',
    metadata: {name, labels: {...LABELS, ...opts.labels}, annotations: {...ANNOTATIONS}},
    ...(opts.aggregates
      ? {aggregationRule: {clusterRoleSelectors: [{matchLabels: aggregateTo(opts.aggregates)}]}}
      : {}),
    rules: rules.map(stored),
  };
}

export function bootstrapClusterRoles(): KubeObject[] {
  const aggregateToView = VIEW;
  const aggregateToEdit = EDIT.slice(VIEW.length);
  const aggregateToAdmin = ADMIN.slice(EDIT.length);
  const view = aggregateToView;
  const edit = [...aggregateToEdit, ...view];
  const admin = [...edit, ...aggregateToAdmin];
  const plain = Object.keys(BOOTSTRAP_ROLES).filter((n) => !['admin', 'edit', 'view'].includes(n));
  return [
    clusterRole('admin', admin, {aggregates: 'admin'}),
    clusterRole('edit', edit, {aggregates: 'edit', labels: aggregateTo('admin')}),
    clusterRole('view', view, {aggregates: 'view', labels: aggregateTo('edit')}),
    clusterRole('system:aggregate-to-admin', aggregateToAdmin, {labels: aggregateTo('admin')}),
    clusterRole('system:aggregate-to-edit', aggregateToEdit, {labels: aggregateTo('edit')}),
    clusterRole('system:aggregate-to-view', aggregateToView, {labels: aggregateTo('view')}),
    ...plain.map((n) => clusterRole(n, BOOTSTRAP_ROLES[n]!)),
  ];
}

export function bootstrapClusterRoleBindings(): KubeObject[] {
  return BOOTSTRAP_BINDINGS.map((b) => ({
    apiVersion: `${GROUP}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: {name: b.name, labels: {...LABELS}, annotations: {...ANNOTATIONS}},
    roleRef: {apiGroup: GROUP, kind: b.roleRef.kind, name: b.roleRef.name},
    subjects: b.subjects.map((s) => ({apiGroup: GROUP, kind: s.kind, name: s.name})),
  }));
}
