/**
 * `istioctl waypoint apply` (waypoint.go, 1.29.6): reads the namespace; with --enroll-namespace stops at an enrolled
 * one (unless --overwrite) and warns when it is not in ambient; applies the Gateway (server-side), waits for it with
 * --wait, and with --enroll-namespace labels the namespace `istio.io/use-waypoint=<name>`. Lines as
 * istio.io's snips show them at 1.24+: `✅ waypoint default/waypoint applied`, `... is ready!`,
 * `✅ namespace default labeled with "istio.io/use-waypoint: waypoint"`.
 */
import type {ObjectStore} from '../../../api/store';
import type {KubeObject} from '../../../api/types';
import {ApiError} from '../../../api/status';
import {bool, CommandError, str, type IstioctlCommand, type RunContext} from '../command';
import {makeWaypoint} from './waypoint-gateway';
import {FOR_FLAG, REVISION_FLAG, TIMEOUT_FLAG, WAIT_FLAG} from './waypoint-flags';
import {waitProgrammed} from './waypoint-wait';
import {getOf, mustType, typeOf} from '../../../api/kinds';
import {labelsOf} from '../../../mesh/world';
import {deniedFor} from '../kube-client';

/** a plain copy (no undefined-valued keys: the API validates what it gets) with labels merged and spec replaced */
function withChanges(o: KubeObject, change: {labels?: Record<string, string>; spec?: unknown}): KubeObject {
  const next = JSON.parse(JSON.stringify(o)) as KubeObject;
  next.metadata.labels = {...next.metadata.labels, ...change.labels};
  if (change.spec) next.spec = change.spec;
  delete next.metadata.resourceVersion;
  return next;
}

/** getNamespace (waypoint.go, 1.29.6): its own words for a missing namespace and for any other error */
function getNamespace(store: ObjectStore, ns: string): KubeObject {
  let o: KubeObject | undefined;
  try {
    o = getOf(store, 'namespaces', undefined, ns);
  } catch (e) {
    if (e instanceof ApiError) throw new CommandError(`failed to get namespace ${ns}: ${e.message}`);
    throw e;
  }
  if (!o) throw new CommandError(`namespace: ${ns} not found`);
  return o;
}

async function apply(ctx: RunContext, store: ObjectStore): Promise<number> {
  const {io} = ctx;
  const ns = ctx.namespace;
  // makeGateway turns an empty --name into the default waypoint's
  const name = str(ctx.flags.name, 'waypoint') || 'waypoint';
  // namespaceHasLabel (istio.io/use-waypoint, any value), then with --enroll-namespace the warnings
  const nsObj = getNamespace(store, ns);
  const enroll = bool(ctx.flags['enroll-namespace']);
  if (enroll) {
    if (!bool(ctx.flags.overwrite) && labelsOf(nsObj)['istio.io/use-waypoint']) {
      io.stdout.write(
        `⚠️ Warning: namespace (${ns}) already has an enrolled Waypoint. Consider adding the \`--overwrite\` flag to your apply command.\n`,
      );
      return 0;
    }
    if (labelsOf(nsObj)['istio.io/dataplane-mode'] !== 'ambient')
      io.stdout.write(
        `⚠️ Warning: namespace is not enrolled in ambient. Consider running\t\`kubectl label namespace ${ns} istio.io/dataplane-mode=ambient\`\n`,
      );
  }
  const gwType = typeOf(store, 'gateways');
  if (!gwType)
    throw new CommandError(
      'missing Kubernetes Gateway CRDs need to be installed before applying a waypoint: the server could not find the requested resource',
    );
  const gw = makeWaypoint(name, ns, str(ctx.flags.for), str(ctx.flags.revision));
  // a server-side apply (PATCH, field manager istioctl): RBAC asks for `patch`, whether the Gateway exists or not
  const denied = deniedFor(ctx, {verb: 'patch', group: gwType.group, resource: gwType.resource, namespace: ns, name});
  if (denied) throw new CommandError(denied);
  const world = ctx.world ?? store;
  try {
    const existing = world.get(gwType, ns, name);
    if (existing) {
      const next = withChanges(existing, {labels: gw.metadata.labels, spec: gw.spec});
      const same =
        JSON.stringify(next.spec) === JSON.stringify(existing.spec) &&
        JSON.stringify(next.metadata.labels) === JSON.stringify(existing.metadata.labels ?? {});
      // the store copies an absent .status as `undefined`, which the CRD schema rejects: give it an empty one first
      if (!same && existing.status === undefined) world.updateStatus(gwType, {...existing, status: {}});
      if (!same) world.update(gwType, next);
    } else world.create(gwType, gw);
  } catch (e) {
    if (e instanceof ApiError) throw new CommandError(e.message);
    throw e;
  }
  io.stdout.write(`✅ waypoint ${ns}/${name} applied\n`);
  if (bool(ctx.flags.wait)) {
    if (!(await waitProgrammed(ctx, store, ns, name)))
      throw new CommandError(`timed out while waiting for waypoint\t${ns}/${name}`);
    io.stdout.write(`✅ waypoint ${ns}/${name} is ready!\n`);
  }
  if (enroll) {
    // labelNamespaceWithWaypoint: a GET (getNamespace's errors) and an UPDATE of the namespace
    const fail = (why: string) => new CommandError(`failed to label namespace with waypoint: ${why}`);
    let fresh: KubeObject;
    try {
      fresh = getNamespace(store, ns);
    } catch (e) {
      throw e instanceof CommandError ? fail(e.message) : e;
    }
    try {
      store.update(mustType(store, 'namespaces'), withChanges(fresh, {labels: {'istio.io/use-waypoint': name}}));
    } catch (e) {
      throw e instanceof ApiError ? fail(`failed to update namespace ${ns}: ${e.message}`) : e;
    }
    io.stdout.write(`✅ namespace ${ns} labeled with "istio.io/use-waypoint: ${name}"\n`);
  }
  return 0;
}

export const waypointApply: IstioctlCommand = {
  path: ['waypoint', 'apply'],
  short: 'Apply a waypoint configuration',
  long: 'Apply a waypoint configuration to the cluster',
  example: `  # Apply a waypoint to the current namespace
  istioctl waypoint apply

  # Apply a waypoint to a specific namespace and wait for it to be ready
  istioctl waypoint apply --namespace default --wait`,
  use: 'istioctl waypoint apply [flags]',
  needsCluster: true,
  flags: [
    FOR_FLAG,
    REVISION_FLAG,
    WAIT_FLAG,
    TIMEOUT_FLAG,
    {name: 'enroll-namespace', type: 'bool', usage: 'If set, the namespace will be labeled with the waypoint name'},
    {name: 'overwrite', type: 'bool', usage: 'Overwrite the existing Waypoint used by the namespace'},
  ],
  run: apply,
};
