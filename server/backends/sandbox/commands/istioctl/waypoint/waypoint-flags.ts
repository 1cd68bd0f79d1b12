import type {FlagSpec} from '../../../kit/flags';
/** Flags of `istioctl waypoint ...` (waypoint.go): --name is the group's (groups.ts), the rest per subcommand. */

export const NAME_FLAG: FlagSpec = {name: 'name', type: 'string', default: 'waypoint', usage: 'name of the waypoint'};
export const FOR_FLAG: FlagSpec = {
  name: 'for',
  type: 'string',
  usage: 'Specify the traffic type [all none service workload] for the waypoint',
};
export const REVISION_FLAG: FlagSpec = {
  name: 'revision',
  short: 'r',
  type: 'string',
  usage: 'The revision to label the waypoint with',
};
export const WAIT_FLAG: FlagSpec = {name: 'wait', short: 'w', type: 'bool', usage: 'Wait for the waypoint to be ready'};
export const TIMEOUT_FLAG: FlagSpec = {
  name: 'waypoint-timeout',
  type: 'duration',
  default: '1m30s',
  usage: 'Timeout for waiting for waypoint ready',
};
export const ALL_NAMESPACES_FLAG: FlagSpec = {
  name: 'all-namespaces',
  short: 'A',
  type: 'bool',
  usage: 'List all waypoints in all namespaces',
};
