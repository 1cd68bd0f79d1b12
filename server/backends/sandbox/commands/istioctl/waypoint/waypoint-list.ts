/**
 * `istioctl waypoint list` and `status` (waypoint.go): tabwriter padding 5. list: NAME REVISION TRAFFIC TYPE
 * PROGRAMMED, `No waypoints found.`
 * when empty; status: NAME STATUS TYPE REASON MESSAGE from the Programmed condition, waiting for it by default.
 */
import type {ObjectStore} from '../../../api/store';
import type {KubeObject} from '../../../api/types';
import {bool, type IstioctlCommand, type RunContext} from '../command';
import {isWaypointGateway} from '../mesh-view';
import {conditionOf} from './waypoint-gateway';
import {ALL_NAMESPACES_FLAG, TIMEOUT_FLAG} from './waypoint-flags';
import {waitProgrammed} from './waypoint-wait';
import {formatTable} from '../../../kit/table';
import {listOf} from '../../../api/kinds';
import {labelsOf} from '../../../mesh/world';

function waypoints(store: ObjectStore, ctx: RunContext): KubeObject[] {
  const all = bool(ctx.flags['all-namespaces']);
  return listOf(store, 'gateways', all ? {} : {namespace: ctx.namespace})
    .filter(isWaypointGateway)
    .sort((a, b) =>
      `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
    );
}

async function list(ctx: RunContext, store: ObjectStore): Promise<number> {
  const gws = waypoints(store, ctx);
  if (!gws.length) {
    ctx.io.stdout.write('No waypoints found.\n');
    return 0;
  }
  const all = bool(ctx.flags['all-namespaces']);
  const rows = gws.map((g) => [
    ...(all ? [String(g.metadata.namespace)] : []),
    String(g.metadata.name),
    labelsOf(g)['istio.io/rev'] ?? 'default',
    // the source prints `none` for an unlabelled waypoint, though istiod then serves services
    labelsOf(g)['istio.io/waypoint-for'] ?? 'none',
    conditionOf(g, 'Programmed')?.status ?? 'False',
  ]);
  ctx.io.stdout.write(
    formatTable([[...(all ? ['NAMESPACE'] : []), 'NAME', 'REVISION', 'TRAFFIC TYPE', 'PROGRAMMED'], ...rows], 5),
  );
  return 0;
}

async function status(ctx: RunContext, store: ObjectStore): Promise<number> {
  // every waypoint of the namespace (or -A): the group's --name plays no part here (waypoint.go, 1.29.6)
  let gws = waypoints(store, ctx);
  if (!gws.length) {
    ctx.io.stdout.write('No waypoints found.\n');
    return 0;
  }
  if (ctx.flags.wait !== false) {
    for (const g of gws) await waitProgrammed(ctx, store, String(g.metadata.namespace), String(g.metadata.name));
    gws = waypoints(store, ctx);
  }
  const all = bool(ctx.flags['all-namespaces']);
  const rows = gws.map((g) => {
    const c = conditionOf(g, 'Programmed');
    return [
      ...(all ? [String(g.metadata.namespace)] : []),
      String(g.metadata.name),
      c?.status ?? 'Unknown',
      'Programmed',
      c?.reason ?? 'Pending',
      c?.message ?? 'Waiting for controller',
    ];
  });
  ctx.io.stdout.write(
    formatTable([[...(all ? ['NAMESPACE'] : []), 'NAME', 'STATUS', 'TYPE', 'REASON', 'MESSAGE'], ...rows], 5),
  );
  return 0;
}

export const waypointList: IstioctlCommand = {
  path: ['waypoint', 'list'],
  short: 'List managed waypoint configurations',
  long: 'List managed waypoint configurations in the cluster',
  example: `  # List all waypoints in a specific namespace
  istioctl waypoint list --namespace default

  # List all waypoints in the cluster
  istioctl waypoint list -A`,
  use: 'istioctl waypoint list [flags]',
  needsCluster: true,
  flags: [ALL_NAMESPACES_FLAG],
  run: list,
};

export const waypointStatus: IstioctlCommand = {
  path: ['waypoint', 'status'],
  short: 'Show the status of waypoints',
  long: 'Show the status of waypoints in the cluster',
  example: `  # Show the status of the waypoint in the default namespace
  istioctl waypoint status

  # Show the status of the waypoint in a specific namespace
  istioctl waypoint status --namespace default

  # Show the status of the waypoint in all namespaces
  istioctl waypoint status --all-namespaces`,
  use: 'istioctl waypoint status [flags]',
  needsCluster: true,
  // status's own texts for the flags it shares (waypoint.go, 1.29.6)
  flags: [
    {...ALL_NAMESPACES_FLAG, usage: 'Show the status of waypoints in all namespaces'},
    {name: 'wait', short: 'w', type: 'bool', default: true, usage: 'Wait for the waypoint to be ready'},
    {...TIMEOUT_FLAG, usage: 'Timeout for retrieving status for waypoint'},
  ],
  run: status,
};
