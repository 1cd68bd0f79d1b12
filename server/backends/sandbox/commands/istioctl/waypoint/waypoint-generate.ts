/** `istioctl waypoint generate`: the waypoint Gateway as YAML, nothing written to the cluster. */
import {str, type IstioctlCommand} from '../command';
import {makeWaypoint, waypointYaml} from './waypoint-gateway';
import {FOR_FLAG, REVISION_FLAG} from './waypoint-flags';

export const waypointGenerate: IstioctlCommand = {
  path: ['waypoint', 'generate'],
  short: 'Generate a waypoint configuration',
  long: 'Generate a waypoint configuration as YAML',
  example: `  # Generate a waypoint as yaml
  istioctl waypoint generate --namespace default`,
  use: 'istioctl waypoint generate [flags]',
  needsCluster: false,
  flags: [FOR_FLAG, REVISION_FLAG],
  async run(ctx) {
    // makeGateway(false): no namespace unless -n names one (ctx.Namespace() is the flag as given)
    const gw = makeWaypoint(
      str(ctx.flags.name, 'waypoint'),
      ctx.set.has('namespace') ? ctx.namespace : '',
      str(ctx.flags.for),
      str(ctx.flags.revision),
    );
    ctx.io.stdout.write(waypointYaml(gw));
    return 0;
  },
};
