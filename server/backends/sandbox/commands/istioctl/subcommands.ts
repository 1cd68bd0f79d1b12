/** Every istioctl subcommand the sandbox simulates. */
import type {IstioctlCommand} from './command';
import {analyzeCommand} from './analyze';
import {installCommand} from './install/install';
import {precheckCommand} from './precheck';
import {proxyStatusCommand} from './proxy-status';
import {uninstallCommand} from './uninstall';
import {versionCommand} from './version';
import {waypointApply} from './waypoint/waypoint-apply';
import {waypointDelete} from './waypoint/waypoint-delete';
import {waypointGenerate} from './waypoint/waypoint-generate';
import {waypointList, waypointStatus} from './waypoint/waypoint-list';
import {ZTUNNEL_CONFIG_COMMANDS} from './ztunnel-config';
import {PROXY_CONFIG_COMMANDS} from './proxy-config';
import {describeCommand} from './describe';
import {tagListCommand} from './tag';

export const ISTIOCTL_COMMANDS: IstioctlCommand[] = [
  analyzeCommand,
  installCommand,
  precheckCommand,
  proxyStatusCommand,
  uninstallCommand,
  versionCommand,
  waypointApply,
  waypointDelete,
  waypointGenerate,
  waypointList,
  waypointStatus,
  ...ZTUNNEL_CONFIG_COMMANDS,
  ...PROXY_CONFIG_COMMANDS,
  describeCommand,
  tagListCommand,
];
