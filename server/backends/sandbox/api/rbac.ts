import type {IncomingMessage} from 'node:http';
import {ApiError} from './status';
import type {ObjectStore} from './store';
import type {KubeObject} from './types';

/**
 * Who a request is from, and whether RBAC lets them do it.
 *
 * The kubeconfig's user is the k3d admin (`system:admin` in `system:masters`), allowed everything by the privileged
 * group authorizer before RBAC is asked — as on k3s. `kubectl … --as=<user> [--as-group=<g>]` sends Impersonate-User
 * and Impersonate-Group headers (the admin may impersonate anyone); the request, an access review included, is then
 * the impersonated user's and is decided by RBAC (plugin/pkg/auth/authorizer/rbac): the stored Roles, ClusterRoles
 * and their bindings, plus the bootstrap policy every cluster has (plugin/pkg/auth/authorizer/rbac/bootstrappolicy),
 * known here: a fresh sandbox stores it as objects (`rbac-bootstrap.ts`), and these rules decide when one is missing.
 */
export interface UserInfo {
  username: string;
  groups: string[];
}

export const ADMIN_USER: UserInfo = {username: 'system:admin', groups: ['system:masters', 'system:authenticated']};

/** the user a request acts as: the admin, or whom it impersonates (k8s.io/apiserver/pkg/endpoints/filters/impersonation.go) */
export function requestUser(req: Pick<IncomingMessage, 'headers'>): UserInfo {
  const as = req.headers['impersonate-user'];
  const name = Array.isArray(as) ? as[0] : as;
  if (!name) return ADMIN_USER;
  const raw = req.headers['impersonate-group'];
  const asked = (Array.isArray(raw) ? raw : raw ? [raw] : []).flatMap((g) => g.split(',').map((x) => x.trim()));
  return userInfo(name, asked);
}

/** a user's groups as the authenticator adds them: service accounts get theirs, everyone system:authenticated */
export function userInfo(username: string, groups: string[] = []): UserInfo {
  const out = [...groups];
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
  if (sa) out.push('system:serviceaccounts', `system:serviceaccounts:${sa[1]}`);
  if (username !== 'system:anonymous' && !out.includes('system:authenticated')) out.push('system:authenticated');
  return {username, groups: [...new Set(out)]};
}

export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface NonResourceAttributes {
  verb: string;
  path: string;
}

export type Attributes = {resource: ResourceAttributes} | {nonResource: NonResourceAttributes};

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

export interface Binding {
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  name: string;
  namespace?: string;
  roleRef: {kind: string; name: string};
  subjects: Subject[];
}

// ---- the bootstrap policy (bootstrappolicy/policy.go, 1.31), the parts a learner's checks reach -----------------

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const r = (verbs: string[], apiGroups: string[], resources: string[]): PolicyRule => ({verbs, apiGroups, resources});

/** what `view` reads (aggregated from system:aggregate-to-view) */
export const VIEW: PolicyRule[] = [
  r(
    READ,
    [''],
    [
      'configmaps',
      'endpoints',
      'persistentvolumeclaims',
      'persistentvolumeclaims/status',
      'pods',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'serviceaccounts',
      'services',
      'services/status',
    ],
  ),
  r(
    READ,
    [''],
    [
      'bindings',
      'events',
      'limitranges',
      'namespaces/status',
      'pods/log',
      'pods/status',
      'replicationcontrollers/status',
      'resourcequotas',
      'resourcequotas/status',
    ],
  ),
  // reading namespaces at the namespace scope means reading *this* namespace
  r(READ, [''], ['namespaces']),
  r(READ, ['discovery.k8s.io'], ['endpointslices']),
  r(
    READ,
    ['apps'],
    [
      'controllerrevisions',
      'daemonsets',
      'daemonsets/status',
      'deployments',
      'deployments/scale',
      'deployments/status',
      'replicasets',
      'replicasets/scale',
      'replicasets/status',
      'statefulsets',
      'statefulsets/scale',
      'statefulsets/status',
    ],
  ),
  r(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
  r(READ, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
  r(
    READ,
    ['extensions'],
    [
      'daemonsets',
      'daemonsets/status',
      'deployments',
      'deployments/scale',
      'deployments/status',
      'ingresses',
      'ingresses/status',
      'networkpolicies',
      'replicasets',
      'replicasets/scale',
      'replicasets/status',
      'replicationcontrollers/scale',
    ],
  ),
  r(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
  r(READ, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
];

/** what `edit` adds (system:aggregate-to-edit) */
export const EDIT: PolicyRule[] = [
  ...VIEW,
  r([...READ], [''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy']),
  r(['impersonate'], [''], ['serviceaccounts']),
  r(
    ['create', 'delete', 'deletecollection', 'patch', 'update'],
    [''],
    ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'],
  ),
  r(['create'], [''], ['pods/eviction']),
  r(
    WRITE,
    [''],
    [
      'configmaps',
      'events',
      'persistentvolumeclaims',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'secrets',
      'serviceaccounts',
      'services',
      'services/proxy',
    ],
  ),
  r(['create'], [''], ['serviceaccounts/token']),
  r(
    WRITE,
    ['apps'],
    [
      'daemonsets',
      'deployments',
      'deployments/rollback',
      'deployments/scale',
      'replicasets',
      'replicasets/scale',
      'statefulsets',
      'statefulsets/scale',
    ],
  ),
  r(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
  r(WRITE, ['batch'], ['cronjobs', 'jobs']),
  r(
    WRITE,
    ['extensions'],
    [
      'daemonsets',
      'deployments',
      'deployments/rollback',
      'deployments/scale',
      'ingresses',
      'networkpolicies',
      'replicasets',
      'replicasets/scale',
      'replicationcontrollers/scale',
    ],
  ),
  r(WRITE, ['policy'], ['poddisruptionbudgets']),
  r(WRITE, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
  r(['create'], ['coordination.k8s.io'], ['leases']),
];

/** what `admin` adds (system:aggregate-to-admin) */
export const ADMIN: PolicyRule[] = [
  ...EDIT,
  r(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
  r([...READ, ...WRITE], ['rbac.authorization.k8s.io'], ['rolebindings', 'roles']),
];

const SELF_REVIEWS: PolicyRule[] = [
  r(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
  r(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
];

const nonResource = (verbs: string[], urls: string[]): PolicyRule => ({verbs, nonResourceURLs: urls});

export const BOOTSTRAP_ROLES: Record<string, PolicyRule[]> = {
  'cluster-admin': [r(['*'], ['*'], ['*']), nonResource(['*'], ['*'])],
  admin: ADMIN,
  edit: EDIT,
  view: VIEW,
  'system:basic-user': SELF_REVIEWS,
  'system:discovery': [
    nonResource(
      ['get'],
      [
        '/api',
        '/api/*',
        '/apis',
        '/apis/*',
        '/healthz',
        '/livez',
        '/openapi',
        '/openapi/*',
        '/readyz',
        '/version',
        '/version/',
      ],
    ),
  ],
  'system:public-info-viewer': [nonResource(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])],
  'system:service-account-issuer-discovery': [
    nonResource(
      ['get'],
      [
        '/.well-known/openid-configuration',
        '/.well-known/openid-configuration/',
        '/openid/v1/jwks',
        '/openid/v1/jwks/',
      ],
    ),
  ],
};

const group = (name: string): Subject => ({kind: 'Group', name});
export const BOOTSTRAP_BINDINGS: Binding[] = [
  ['cluster-admin', [group('system:masters')]],
  ['system:basic-user', [group('system:authenticated')]],
  ['system:discovery', [group('system:authenticated')]],
  ['system:public-info-viewer', [group('system:authenticated'), group('system:unauthenticated')]],
  ['system:service-account-issuer-discovery', [group('system:serviceaccounts')]],
].map(([name, subjects]) => ({
  kind: 'ClusterRoleBinding' as const,
  name: name as string,
  roleRef: {kind: 'ClusterRole', name: name as string},
  subjects: subjects as Subject[],
}));

// ---- evaluation --------------------------------------------------------------------------------------------------

function typeOf(store: ObjectStore, resource: string) {
  return store.types.lookup('rbac.authorization.k8s.io', 'v1', resource);
}

function bindingOf(o: KubeObject, kind: Binding['kind']): Binding {
  const ref = (o.roleRef ?? {}) as {kind?: string; name?: string};
  return {
    kind,
    name: String(o.metadata.name),
    namespace: o.metadata.namespace,
    roleRef: {kind: String(ref.kind ?? ''), name: String(ref.name ?? '')},
    subjects: (Array.isArray(o.subjects) ? o.subjects : []) as Subject[],
  };
}

function clusterBindings(store: ObjectStore): Binding[] {
  const t = typeOf(store, 'clusterrolebindings');
  const stored = t ? store.list(t).items.map((o) => bindingOf(o, 'ClusterRoleBinding')) : [];
  const names = new Set(stored.map((b) => b.name));
  return [...BOOTSTRAP_BINDINGS.filter((b) => !names.has(b.name)), ...stored];
}

function roleBindings(store: ObjectStore, namespace: string | undefined): Binding[] {
  const t = typeOf(store, 'rolebindings');
  if (!t || !namespace) return [];
  return store.list(t, {namespace}).items.map((o) => bindingOf(o, 'RoleBinding'));
}

function rulesOf(store: ObjectStore, b: Binding): PolicyRule[] {
  if (b.roleRef.kind === 'ClusterRole') {
    const t = typeOf(store, 'clusterroles');
    const stored = t && store.get(t, undefined, b.roleRef.name);
    if (stored) return (Array.isArray(stored.rules) ? stored.rules : []) as PolicyRule[];
    return BOOTSTRAP_ROLES[b.roleRef.name] ?? [];
  }
  const t = typeOf(store, 'roles');
  const stored = t && b.namespace ? store.get(t, b.namespace, b.roleRef.name) : undefined;
  return (Array.isArray(stored?.rules) ? stored.rules : []) as PolicyRule[];
}

/** rbac.appliesTo: the subject of a binding this user is */
function subjectFor(user: UserInfo, b: Binding): Subject | undefined {
  return b.subjects.find((s) => {
    if (s.kind === 'User') return s.name === user.username;
    if (s.kind === 'Group') return user.groups.includes(s.name);
    if (s.kind === 'ServiceAccount') {
      const ns = s.namespace || (b.kind === 'RoleBinding' ? b.namespace : '');
      return user.username === `system:serviceaccount:${ns}:${s.name}`;
    }
    return false;
  });
}

const has = (list: string[] | undefined, v: string) => (list ?? []).some((x) => x === '*' || x === v);

/** rbac.RuleAllows */
function ruleAllows(rule: PolicyRule, a: Attributes): boolean {
  if (!has(rule.verbs, 'resource' in a ? a.resource.verb : a.nonResource.verb)) return false;
  if ('nonResource' in a) {
    return (rule.nonResourceURLs ?? []).some(
      (u) =>
        u === '*' || u === a.nonResource.path || (u.endsWith('*') && a.nonResource.path.startsWith(u.slice(0, -1))),
    );
  }
  const x = a.resource;
  if (!rule.resources || !has(rule.apiGroups, x.group)) return false;
  const combined = x.subresource ? `${x.resource}/${x.subresource}` : x.resource;
  const resourceOk = rule.resources.some(
    (res) => res === '*' || res === combined || (x.subresource !== undefined && res === `*/${x.subresource}`),
  );
  if (!resourceOk) return false;
  if (!rule.resourceNames || rule.resourceNames.length === 0) return true;
  return x.name !== undefined && rule.resourceNames.includes(x.name);
}

function describeSubject(s: Subject): string {
  if (s.kind === 'ServiceAccount') return `ServiceAccount "${s.name}/${s.namespace ?? ''}"`;
  return `${s.kind} "${s.name}"`;
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

/** the authorizer chain of k3s: the privileged group system:masters, then RBAC */
export function authorize(store: ObjectStore, user: UserInfo, a: Attributes): Decision {
  if (user.groups.includes('system:masters')) return {allowed: true, reason: ''};
  const namespace = 'resource' in a ? a.resource.namespace : undefined;
  for (const b of [...clusterBindings(store), ...roleBindings(store, namespace)]) {
    const s = subjectFor(user, b);
    if (!s) continue;
    if (rulesOf(store, b).some((rule) => ruleAllows(rule, a))) {
      const where = b.kind === 'RoleBinding' ? `${b.name}/${b.namespace}` : b.name;
      const subject = describeSubject(s.kind === 'ServiceAccount' && !s.namespace ? {...s, namespace: b.namespace} : s);
      return {
        allowed: true,
        reason: `RBAC: allowed by ${b.kind} "${where}" of ${b.roleRef.kind} "${b.roleRef.name}" to ${subject}`,
      };
    }
  }
  return {allowed: false, reason: ''};
}

/** the 403 of a denied request, as the apiserver's authorization filter words it (responsewriters.forbiddenMessage) */
export function forbidden(user: UserInfo, a: Attributes): ApiError {
  if ('nonResource' in a)
    return new ApiError(
      403,
      'Forbidden',
      `forbidden: User "${user.username}" cannot ${a.nonResource.verb} path "${a.nonResource.path}"`,
      {},
    );
  const x = a.resource;
  const res = x.subresource ? `${x.resource}/${x.subresource}` : x.resource;
  const scope = x.namespace ? `in the namespace "${x.namespace}"` : 'at the cluster scope';
  const what = `${x.group ? `${x.resource}.${x.group}` : x.resource}${x.name ? ` "${x.name}"` : ''}`;
  return new ApiError(
    403,
    'Forbidden',
    `${what} is forbidden: User "${user.username}" cannot ${x.verb} resource "${res}" in API group "${x.group}" ${scope}`,
    {name: x.name, group: x.group || undefined, kind: x.resource},
  );
}

/** SelfSubjectRulesReview: the rules that apply to the user in a namespace (`kubectl auth can-i --list`) */
export function rulesReview(
  store: ObjectStore,
  user: UserInfo,
  namespace: string,
): {resourceRules: unknown[]; nonResourceRules: unknown[]} {
  const resourceRules: unknown[] = [];
  const nonResourceRules: unknown[] = [];
  for (const b of [...clusterBindings(store), ...roleBindings(store, namespace)]) {
    if (!subjectFor(user, b)) continue;
    for (const rule of rulesOf(store, b)) {
      if (rule.nonResourceURLs) nonResourceRules.push({verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs});
      else
        resourceRules.push({
          verbs: rule.verbs,
          apiGroups: rule.apiGroups ?? [],
          resources: rule.resources ?? [],
          ...(rule.resourceNames?.length ? {resourceNames: rule.resourceNames} : {}),
        });
    }
  }
  return {resourceRules, nonResourceRules};
}

/** the RBAC verb of a REST request (endpoints/request RequestInfoFactory) */
export function verbOfRequest(method: string, hasName: boolean, watch: boolean): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return watch ? 'watch' : hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

export function check(store: ObjectStore, user: UserInfo, a: Attributes): void {
  if (!authorize(store, user, a).allowed) throw forbidden(user, a);
}
