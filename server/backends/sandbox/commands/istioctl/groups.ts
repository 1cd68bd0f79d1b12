/**
 * istioctl's command groups as cobra prints them: a group's help (cobra v1.10.2's defaultHelpFunc and
 * defaultUsageFunc: Long or Short, Usage, Aliases, Examples, Available Commands, Flags, Global Flags) lists every real
 * child, simulated or not, and a real child the sandbox does not simulate says so instead of printing the group's
 * help.
 */
import {flagUsage, type FlagSpec} from '../../kit/flags';
import {NAME_FLAG} from './waypoint/waypoint-flags';

export interface CommandGroup {
  /** cobra's Use: the group's name */
  name: string;
  /** the path of its parent below the root, for a group that is not a top-level command (`experimental`) */
  parent?: string;
  aliases: string[];
  short: string;
  /** cobra prints Long instead of Short when there is one */
  long?: string;
  /** cobra's Example, printed as is under "Examples:" */
  example?: string;
  /** a group with its own RunE (it prints its help) and an Args check that refuses any other word */
  runnable?: boolean;
  /** the group's own (persistent) flags besides -h; pflag lists them sorted by name */
  flags?: FlagSpec[];
  /** every child of the real command, [name, Short, aliases] */
  children: ReadonlyArray<readonly [string, string, string[]?]>;
  /** real children cobra leaves out of the list (Hidden) but still runs; their names still count for padding */
  hidden?: ReadonlyArray<readonly [string, string[]?]>;
}

/**
 * `istioctl experimental` (istioctl/cmd/root.go at 1.29.6: the group, the children it adds, and each child's Short
 * from its package; `version` and `proxy-status` are the xDS-based variants root.go keeps under it)
 */
export const EXPERIMENTAL: CommandGroup = {
  name: 'experimental',
  aliases: ['x', 'exp'],
  short: 'Experimental commands that may be modified or deprecated',
  children: [
    ['authz', 'Inspect Istio AuthorizationPolicy'],
    [
      'check-inject',
      'Check the injection status or inject-ability of a given resource, explains why it is (or will be) injected or not',
    ],
    ['config', 'Configure istioctl defaults'],
    ['describe', 'Describe resource and related Istio configuration', ['des']],
    ['envoy-stats', 'Retrieves Envoy metrics in the specified pod'],
    ['injector', 'List sidecar injector and sidecar versions'],
    ['internal-debug', 'Retrieves the debug information of istio'],
    ['metrics', 'Prints the metrics for the specified workload(s) when running in Kubernetes.', ['m']],
    ['precheck', 'Check whether Istio can safely be installed or upgraded'],
    ['proxy-status', 'Retrieves the synchronization status of each Envoy in the mesh'],
    ['version', 'Prints out build version information'],
    [
      'workload',
      'Commands to assist in configuring and deploying workloads running on VMs and other non-Kubernetes environments',
    ],
  ],
};

/** `istioctl tag` (istioctl/pkg/tag/tag.go TagCommand, 1.29.6): runnable, `unknown subcommand "x"` for other words */
export const TAG: CommandGroup = {
  name: 'tag',
  aliases: [],
  short: 'Command group used to interact with revision tags',
  long: `Command group used to interact with revision tags. Revision tags allow for the creation of mutable aliases
referring to control plane revisions for sidecar injection.

With revision tags, rather than relabeling a namespace from "istio.io/rev=revision-a" to "istio.io/rev=revision-b" to
change which control plane revision handles injection, it's possible to create a revision tag "prod" and label our
namespace "istio.io/rev=prod". The "prod" revision tag could point to "1-7-6" initially and then be changed to point to "1-8-1"
at some later point.

This allows operators to change which Istio control plane revision should handle injection for a namespace or set of namespaces
without manual relabeling of the "istio.io/rev" tag.`,
  runnable: true,
  children: [
    ['generate', 'Generate configuration for a revision tag to stdout'],
    ['list', 'List existing revision tags', ['show']],
    ['remove', 'Remove Istio control plane revision tag'],
    ['set', 'Create or modify revision tags'],
  ],
};

/**
 * `istioctl waypoint` (istioctl/pkg/waypoint/waypoint.go Cmd, 1.29.6): runnable (RunE prints the help), an Args check
 * that answers `unknown subcommand "x"`, and the persistent --name every child inherits
 */
export const WAYPOINT: CommandGroup = {
  name: 'waypoint',
  aliases: [],
  short: 'Manage waypoint configuration',
  long: 'A group of commands used to manage waypoint configuration',
  example: `  # Apply a waypoint to the current namespace
  istioctl waypoint apply

  # Generate a waypoint as yaml
  istioctl waypoint generate --namespace default

  # List all waypoints in a specific namespace
  istioctl waypoint list --namespace default`,
  runnable: true,
  flags: [NAME_FLAG],
  children: [
    ['apply', 'Apply a waypoint configuration'],
    ['delete', 'Delete a waypoint configuration'],
    ['generate', 'Generate a waypoint configuration'],
    ['list', 'List managed waypoint configurations'],
    ['status', 'Show the status of waypoints'],
  ],
};

/**
 * `istioctl ztunnel-config` (istioctl/pkg/ztunnelconfig/ztunnelconfig.go ZtunnelConfig, 1.29.6): no Run, no flags of
 * its own (each child attaches its own)
 */
export const ZTUNNEL_CONFIG: CommandGroup = {
  name: 'ztunnel-config',
  aliases: ['zc'],
  short: 'Update or retrieve current Ztunnel configuration.',
  long: 'A group of commands used to update or retrieve Ztunnel configuration from a Ztunnel instance.',
  example: `  # Retrieve summary about workload configuration
  istioctl ztunnel-config workload

  # Retrieve summary about certificates
  istioctl ztunnel-config certificates`,
  children: [
    ['all', 'Retrieves all configuration for the specified Ztunnel pod.'],
    ['certificate', 'Retrieves certificate for the specified Ztunnel pod.', ['certificates', 'certs', 'cert']],
    ['connections', 'Retrieves connections for the specified Ztunnel pod.', ['cons']],
    ['log', 'Retrieves logging levels of the Ztunnel instance in the specified pod.', ['o']],
    ['policy', 'Retrieves policies for the specified Ztunnel pod.', ['policies', 'p', 'pol']],
    ['service', 'Retrieves services for the specified Ztunnel pod.', ['services', 's', 'svc']],
    ['workload', 'Retrieves workload configuration for the specified Ztunnel pod.', ['w', 'workloads']],
  ],
};

/**
 * `istioctl proxy-config` (istioctl/pkg/proxyconfig/proxyconfig.go ProxyConfig, 1.29.6): no Run; persistent -o and
 * --proxy-admin-port (istioctl/pkg/util/constants.go DefaultProxyAdminPort); `eds` is Hidden. `envoy-stats` is not
 * here: root.go adds it under `experimental`.
 */
export const PROXY_CONFIG: CommandGroup = {
  name: 'proxy-config',
  aliases: ['pc'],
  short: 'Retrieve information about proxy configuration from Envoy [kube only]',
  long: 'A group of commands used to retrieve information about proxy configuration from the Envoy config dump',
  example: `  # Retrieve information about proxy configuration from an Envoy instance.
  istioctl proxy-config <clusters|listeners|routes|endpoints|ecds|bootstrap|log|secret> <pod-name[.namespace]>`,
  flags: [
    {name: 'output', short: 'o', type: 'string', default: 'short', usage: 'Output format: one of json|yaml|short'},
    {name: 'proxy-admin-port', type: 'int', default: 15000, usage: 'Envoy proxy admin port'},
  ],
  children: [
    ['all', 'Retrieves all configuration for the Envoy in the specified pod', ['a']],
    ['bootstrap', 'Retrieves bootstrap configuration for the Envoy in the specified pod', ['b']],
    ['cluster', 'Retrieves cluster configuration for the Envoy in the specified pod', ['clusters', 'c']],
    ['ecds', 'Retrieves typed extension configuration for the Envoy in the specified pod', ['ec']],
    ['endpoint', 'Retrieves endpoint configuration for the Envoy in the specified pod', ['endpoints', 'ep']],
    ['listener', 'Retrieves listener configuration for the Envoy in the specified pod', ['listeners', 'l']],
    ['log', 'Retrieves logging levels of the Envoy in the specified pod', ['o']],
    ['rootca-compare', 'Compare ROOTCA values for the two given pods', ['rc']],
    ['route', 'Retrieves route configuration for the Envoy in the specified pod', ['routes', 'r']],
    ['secret', 'Retrieves secret configuration for the Envoy in the specified pod', ['secrets', 's']],
  ],
  hidden: [['eds']],
};

/**
 * `istioctl experimental describe` (istioctl/pkg/describe/describe.go Cmd, 1.29.6): runnable (RunE prints the help),
 * an Args check that refuses any other word; the sandbox runs it as one command (describe.ts), so it is not in GROUPS
 */
export const DESCRIBE: CommandGroup = {
  name: 'describe',
  parent: 'experimental',
  aliases: ['des'],
  short: 'Describe resource and related Istio configuration',
  runnable: true,
  children: [
    ['pod', 'Describe pods and their Istio configuration [kube-only]', ['po']],
    ['service', 'Describe services and their Istio configuration [kube-only]', ['svc']],
  ],
};

/** every istioctl group the sandbox knows, by its canonical name */
export const GROUPS: Record<string, CommandGroup> = {
  experimental: EXPERIMENTAL,
  tag: TAG,
  waypoint: WAYPOINT,
  'ztunnel-config': ZTUNNEL_CONFIG,
  'proxy-config': PROXY_CONFIG,
};

/** the group a canonical first word names (own keys only: `istioctl toString` is no group) */
export const groupNamed = (word: string | undefined): CommandGroup | undefined =>
  word !== undefined && Object.hasOwn(GROUPS, word) ? GROUPS[word] : undefined;

/** the real child a word names (by name or alias), listed or hidden, if any */
export function groupChild(group: CommandGroup, word: string | undefined): string | undefined {
  if (word === undefined) return undefined;
  const names = (n: string, aliases?: string[]) => n === word || !!aliases?.includes(word);
  return (
    group.children.find(([n, , aliases]) => names(n, aliases))?.[0] ??
    group.hidden?.find(([n, aliases]) => names(n, aliases))?.[0]
  );
}

/** cobra's NamePadding: the longest sibling name, hidden ones included (AddCommand), at least minNamePadding (11) */
const namePadding = (names: string[]) => Math.max(11, ...names.map((n) => n.length));

/** cobra sorts children by name (EnableCommandSorting), pflag sorts flags by name (SortFlags) */
const sortedBy = <T>(items: readonly T[], key: (t: T) => string): T[] =>
  [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

/** pflag's FlagUsages order: by name */
export const sortedFlags = (flags: readonly FlagSpec[]): FlagSpec[] => sortedBy(flags, (f) => f.name);

/** the group's persistent flags a child inherits: those it does not define again itself (cobra's InheritedFlags) */
export const inheritedGroupFlags = (path: readonly string[], own: readonly FlagSpec[]): FlagSpec[] =>
  path.length === 2 ? (groupNamed(path[0])?.flags ?? []).filter((g) => !own.some((f) => f.name === g.name)) : [];

/**
 * cobra's help of a group: `(or .Long .Short)`, then the usage (the `[flags]` line only when the group is Runnable),
 * the aliases, the example, the listed children sorted by name, the group's own flags with `-h` (sorted, as pflag
 * prints them) and the root's persistent flags
 */
export function cobraGroupHelp(group: CommandGroup, globalFlags: FlagSpec[]): string {
  const children = sortedBy(group.children, ([n]) => n);
  const pad = namePadding([...children, ...(group.hidden ?? [])].map(([n]) => n));
  const path = `istioctl ${group.parent ? `${group.parent} ` : ''}${group.name}`;
  const help: FlagSpec = {name: 'help', short: 'h', type: 'bool', usage: `help for ${group.name}`};
  return (
    `${group.long ?? group.short}\n\nUsage:\n${group.runnable ? `  ${path} [flags]\n` : ''}  ${path} [command]\n` +
    (group.aliases.length ? `\nAliases:\n  ${[group.name, ...group.aliases].join(', ')}\n` : '') +
    (group.example ? `\nExamples:\n${group.example}\n` : '') +
    `\nAvailable Commands:\n${children.map(([n, s]) => `  ${n.padEnd(pad)} ${s}`).join('\n')}\n` +
    `\nFlags:\n${flagUsage(sortedFlags([help, ...(group.flags ?? [])]))}\n` +
    `\nGlobal Flags:\n${flagUsage(globalFlags)}\n` +
    `\nUse "${path} [command] --help" for more information about a command.\n`
  );
}
