/**
 * `istioctl waypoint apply` (waypoint.go): warns when the namespace is not in ambient, applies the Gateway, waits
 * for it with --wait, and with --enroll-namespace labels the namespace `istio.io/use-waypoint=<name>`. Lines as
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

/** a plain copy (no undefined-valued keys: the API validates what it gets) with labels merged and spec replaced */
function withChanges(o: KubeObject, change: {labels?: Record<string, string>; spec?: unknown}): KubeObject {
  const next = JSON.parse(JSON.stringify(o)) as KubeObject;
  next.metadata.labels = {...next.metadata.labels, ...change.labels};
  if (change.spec) next.spec = change.spec;
  delete next.metadata.resourceVersion;
  return next;
}

async function apply(ctx: RunContext, store: ObjectStore): Promise<number> {
  const {io} = ctx;
  const ns = ctx.namespace;
  const name = str(ctx.flags.name, 'waypoint');
  const gwType = typeOf(store, 'gateways');
  if (!gwType)
    throw new CommandError(
      'missing Kubernetes Gateway CRDs need to be installed before applying a waypoint: the server could not find the requested resource',
    );
  const nsObj = getOf(store, 'namespaces', undefined, ns);
  if (!nsObj) throw new CommandError(`namespaces "${ns}" not found`);
  const enroll = bool(ctx.flags['enroll-namespace']);
  const current = labelsOf(nsObj)['istio.io/use-waypoint'];
  if (enroll && current && current !== name && !bool(ctx.flags.overwrite)) {
    io.stdout.write(
      `⚠️ Warning: namespace (${ns}) already has an enrolled Waypoint. Consider adding the \`--overwrite\` flag to your apply command.\n`,
    );
    return 1;
  }
  if (labelsOf(nsObj)['istio.io/dataplane-mode'] !== 'ambient') {
    io.stdout.write(
      `⚠️ Warning: namespace is not enrolled in ambient. Consider running\t\`kubectl label namespace ${ns} istio.io/dataplane-mode=ambient\`\n`,
    );
  }
  const gw = makeWaypoint(name, ns, str(ctx.flags.for), str(ctx.flags.revision));
  try {
    const existing = store.get(gwType, ns, name);
    if (existing) {
      const next = withChanges(existing, {labels: gw.metadata.labels, spec: gw.spec});
      const same =
        JSON.stringify(next.spec) === JSON.stringify(existing.spec) &&
        JSON.stringify(next.metadata.labels) === JSON.stringify(existing.metadata.labels ?? {});
      // the store copies an absent .status as `undefined`, which the CRD schema rejects: give it an empty one first
      if (!same && existing.status === undefined) store.updateStatus(gwType, {...existing, status: {}});
      if (!same) store.update(gwType, next);
    } else store.create(gwType, gw);
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
    const nsType = mustType(store, 'namespaces');
    const fresh = store.get(nsType, undefined, ns)!;
    store.update(nsType, withChanges(fresh, {labels: {'istio.io/use-waypoint': name}}));
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
