/**
 * What istioctl's root flags make of its Kubernetes client (istioctl/pkg/cli/context.go and option.go, 1.29.6):
 * - `--as`, `--as-group`, `--as-uid`: getImpersonateConfig fills client-go's rest.ImpersonationConfig only when
 *   `--as` is set (groups and uid alone are ignored); client-go's impersonating round tripper then sends
 *   Impersonate-User, Impersonate-Uid and one Impersonate-Group per group (client-go transport/round_trippers.go).
 *   The sandbox's istioctl runs in the lab process on the store, so those headers go through the API's own reading of
 *   them (`requestUser`) and every store call the command makes is then decided by the API's RBAC (`check`): the
 *   403 the apiserver would answer, as client-go returns it.
 * - `--kubeclient-timeout`: time.ParseDuration when the client is made (CLIClientWithRevision), `error parsing
 *   kubeclient-timeout: …` if it does not parse; the sandbox answers every request at once, so none times out.
 */
import {authorize, check, forbidden, requestUser, type Attributes, type UserInfo} from '../../api/rbac';
import type {ObjectStore} from '../../api/store';
import type {KubeObject, ResourceType} from '../../api/types';
import type {FlagValues} from '../../kit/flags';
import {CommandError, list, str, type RunContext} from './command';
import {parseGoDuration} from './go-duration';

/** the user istioctl's requests act as: undefined for the kubeconfig's own (the k3d admin) */
export function impersonatedUser(flags: FlagValues): UserInfo | undefined {
  const user = str(flags.as);
  if (!user) return undefined;
  const headers: Record<string, string | string[]> = {'impersonate-user': user};
  const groups = list(flags['as-group']);
  if (groups.length) headers['impersonate-group'] = groups;
  if (str(flags['as-uid'])) headers['impersonate-uid'] = str(flags['as-uid']);
  return requestUser({headers});
}

/** KubeClientTimeout and CLIClientWithRevision's wrapping of its error */
export function checkKubeClientTimeout(flags: FlagValues): void {
  const raw = str(flags['kubeclient-timeout'], '15s');
  if (raw === '') return;
  try {
    parseGoDuration(raw);
  } catch (e) {
    throw new CommandError(`error parsing kubeclient-timeout: ${(e as Error).message}`);
  }
}

const resourceAttrs = (
  t: ResourceType,
  verb: string,
  namespace: string | undefined,
  name?: string,
  subresource?: string,
): Attributes => ({
  resource: {
    verb,
    group: t.group,
    resource: t.resource,
    namespace: t.namespaced ? namespace : undefined,
    ...(name !== undefined ? {name} : {}),
    ...(subresource ? {subresource} : {}),
  },
});

/**
 * the store as the impersonated user reaches it through the API: every read, write and watch is authorized first
 * (a forbidden one throws the apiserver's 403), then done on the real store
 */
export function authorizedStore(store: ObjectStore, user: UserInfo): ObjectStore {
  const allow = (a: Attributes) => check(store, user, a);
  const guarded: Partial<ObjectStore> = {
    get: (t, ns, name) => (allow(resourceAttrs(t, 'get', ns, name)), store.get(t, ns, name)),
    mustGet: (t, ns, name) => (allow(resourceAttrs(t, 'get', ns, name)), store.mustGet(t, ns, name)),
    list: (t, opts = {}, chunk) => (allow(resourceAttrs(t, 'list', opts.namespace)), store.list(t, opts, chunk)),
    create: (t, o: KubeObject, opts) => (
      allow(resourceAttrs(t, 'create', o.metadata?.namespace)),
      store.create(t, o, opts)
    ),
    update: (t, o: KubeObject, opts) => (
      allow(resourceAttrs(t, 'update', o.metadata?.namespace, o.metadata?.name)),
      store.update(t, o, opts)
    ),
    updateStatus: (t, o: KubeObject) => (
      allow(resourceAttrs(t, 'update', o.metadata?.namespace, o.metadata?.name, 'status')),
      store.updateStatus(t, o)
    ),
    delete: (t, ns, name, opts) => (allow(resourceAttrs(t, 'delete', ns, name)), store.delete(t, ns, name, opts)),
    deleteCollection: (t, opts) => (
      allow(resourceAttrs(t, 'deletecollection', opts.namespace)),
      store.deleteCollection(t, opts)
    ),
    watch: (fn, opts = {}) => {
      const r = opts.resource;
      if (r) allow({resource: {verb: 'watch', group: r.group, resource: r.resource}});
      return store.watch(fn, opts);
    },
  };
  return new Proxy(store, {
    get(target, prop) {
      if (typeof prop === 'string' && Object.hasOwn(guarded, prop)) return guarded[prop as keyof ObjectStore];
      // getters run on the store itself too (its own fields, private ones included)
      const v: unknown = Reflect.get(target, prop);
      // the store's own methods run on the store itself, so one guarded call is one request
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * the API requests of one port-forward to a pod (pkg/kube/portforwarder.go buildK8sPortForwarder, 1.29.6): a GET of
 * the pod, then the upgrade of pods/portforward, authorized as `create`; a denial is fw.Start()'s error (which
 * portForwardRequest, the admin-port GETs of zc and pc, wraps once more). The admin is never denied.
 */
export function portForwardError(ctx: RunContext, pod: KubeObject): string | undefined {
  const ns = String(pod.metadata.namespace);
  const name = String(pod.metadata.name);
  const get = deniedMessage(ctx, 'get', ns, name);
  if (get)
    return `failure running port forward process: building port forwarded: failed retrieving: ${get} in the "${ns}" namespace`;
  // client-go's SPDY upgrader: `error upgrading connection: <the Status message>` (after the websocket dialer falls back)
  const upgrade = deniedMessage(ctx, 'create', ns, name, 'portforward');
  if (upgrade) return `failure running port forward process: port forward: error upgrading connection: ${upgrade}`;
  return undefined;
}

/** the apiserver's 403 message for a request of the impersonated user, if RBAC denies it */
export function deniedFor(
  ctx: RunContext,
  r: Extract<Attributes, {resource: unknown}>['resource'],
): string | undefined {
  const world = ctx.world;
  if (!ctx.user || !world) return undefined;
  const a: Attributes = {resource: r};
  return authorize(world, ctx.user, a).allowed ? undefined : forbidden(ctx.user, a).message;
}

/** the apiserver's 403 message for a core-group request of the impersonated user (pods, serviceaccounts), if denied */
export function deniedMessage(
  ctx: RunContext,
  verb: string,
  namespace: string,
  name: string,
  subresource?: string,
  resource = 'pods',
): string | undefined {
  return deniedFor(ctx, {verb, group: '', resource, namespace, name, ...(subresource ? {subresource} : {})});
}
