/** `istioctl waypoint delete [name...] [--all]` (waypoint.go): deletes waypoint Gateways; labels stay. */
import type {ObjectStore} from '../../../api/store';
import {bool, str, type IstioctlCommand, type RunContext} from '../command';
import {isWaypointGateway} from '../mesh-view';
import {REVISION_FLAG} from './waypoint-flags';
import {listOf, mustType} from '../../../api/kinds';

async function del(ctx: RunContext, store: ObjectStore): Promise<number> {
  const ns = ctx.namespace;
  const type = mustType(store, 'gateways');
  const names = bool(ctx.flags.all)
    ? listOf(store, 'gateways', {namespace: ns})
        .filter(isWaypointGateway)
        .map((g) => String(g.metadata.name))
    : ctx.args.length
      ? ctx.args
      : [str(ctx.flags.name, 'waypoint')];
  for (const name of names) {
    const gw = store.get(type, ns, name);
    if (!gw || !isWaypointGateway(gw)) {
      ctx.io.stdout.write(`waypoint ${ns}/${name} not found\n`);
      continue;
    }
    store.delete(type, ns, name, {propagationPolicy: 'Background'});
    ctx.io.stdout.write(`waypoint ${ns}/${name} deleted\n`);
  }
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
