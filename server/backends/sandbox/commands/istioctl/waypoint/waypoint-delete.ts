/**
 * `istioctl waypoint delete [name...] | --all | --revision <rev>` (waypoint.go deleteWaypoints, 1.29.6): deletes
 * waypoint Gateways (class istio-waypoint); labels stay. Names and --all/--revision exclude each other.
 */
import type {ObjectStore} from '../../../api/store';
import {ApiError} from '../../../api/status';
import {bool, CommandError, str, type IstioctlCommand, type RunContext} from '../command';
import {isWaypointGateway} from '../mesh-view';
import {REVISION_FLAG} from './waypoint-flags';
import {listOf, mustType} from '../../../api/kinds';

/** hashicorp/go-multierror's ErrorOrNil().Error() (ListFormatFunc) */
const multiError = (errs: string[]) =>
  `${errs.length} error${errs.length === 1 ? '' : 's'} occurred:\n${errs.map((e) => `\t* ${e}`).join('\n')}\n\n`;

async function del(ctx: RunContext, store: ObjectStore): Promise<number> {
  const all = bool(ctx.flags.all);
  const revision = str(ctx.flags.revision);
  // the command's Args check
  if ((all || revision) && ctx.args.length)
    throw new CommandError('cannot specify waypoint names when deleting all waypoints');
  if (!(all || revision) && !ctx.args.length)
    throw new CommandError(
      'must specify a waypoint name or delete all using --all or delete specific revision using --revision',
    );
  const ns = ctx.namespace;
  const type = mustType(store, 'gateways');
  let names: string[];
  if (all || revision) {
    const labelSelector = revision ? `istio.io/rev=${revision}` : undefined;
    names = listOf(store, 'gateways', {namespace: ns, labelSelector})
      .filter(isWaypointGateway)
      .map((g) => String(g.metadata.name));
  } else {
    const waypoints = new Set(
      listOf(store, 'gateways', {namespace: ns})
        .filter(isWaypointGateway)
        .map((g) => String(g.metadata.name)),
    );
    names = ctx.args.filter((name) => {
      if (!waypoints.has(name)) ctx.io.stdout.write(`waypoint ${ns}/${name} not found\n`);
      return waypoints.has(name);
    });
  }
  const errors: string[] = [];
  for (const name of names) {
    try {
      store.delete(type, ns, name, {propagationPolicy: 'Background'});
      ctx.io.stdout.write(`waypoint ${ns}/${name} deleted\n`);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.code === 404) ctx.io.stdout.write(`waypoint ${ns}/${name} not found\n`);
      else errors.push(e.message);
    }
  }
  if (errors.length) throw new CommandError(multiError(errors));
  return 0;
}

export const waypointDelete: IstioctlCommand = {
  path: ['waypoint', 'delete'],
  short: 'Delete a waypoint configuration',
  long: 'Delete a waypoint configuration from the cluster',
  example: `  # Delete a waypoint by name, which can obtain from istioctl waypoint list
  istioctl waypoint delete waypoint-name --namespace default

  # Delete several waypoints by name
  istioctl waypoint delete waypoint-name1 waypoint-name2 --namespace default

  # Delete all waypoints in a specific namespace
  istioctl waypoint delete --all --namespace default

  # Delete specific revision waypoints in a namespace
  istioctl waypoint delete --revision v1 --namespace default`,
  use: 'istioctl waypoint delete [flags]',
  needsCluster: true,
  flags: [
    {...REVISION_FLAG, usage: 'Delete the specified version of the waypoint in the namespace'},
    {name: 'all', type: 'bool', usage: 'Delete all waypoints in the namespace'},
  ],
  run: del,
};
