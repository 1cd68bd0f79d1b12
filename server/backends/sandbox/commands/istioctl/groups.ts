/**
 * istioctl's command groups as cobra prints them: a group's help (cobra's default help and usage templates: Long or
 * Short, Usage, Aliases, Available Commands, Flags, Global Flags) lists every real child, simulated or not, and a
 * real child the sandbox does not simulate says so instead of printing the group's help.
 */
import {flagUsage, type FlagSpec} from '../../kit/flags';

export interface CommandGroup {
  /** cobra's Use: the group's name */
  name: string;
  aliases: string[];
  short: string;
  /** cobra prints Long instead of Short when there is one */
  long?: string;
  /** a group with its own RunE (it prints its help) and an Args check that refuses any other word */
  runnable?: boolean;
  /** every child of the real command, [name, Short, aliases] */
  children: ReadonlyArray<readonly [string, string, string[]?]>;
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

export const GROUPS: Record<string, CommandGroup> = {experimental: EXPERIMENTAL, tag: TAG};

/** the real child a word names (by name or alias), if any */
export function groupChild(group: CommandGroup, word: string | undefined): string | undefined {
  return group.children.find(([n, , aliases]) => n === word || (!!word && !!aliases?.includes(word)))?.[0];
}

/** cobra's NamePadding: the longest sibling name, at least minNamePadding (11) */
const namePadding = (names: string[]) => Math.max(11, ...names.map((n) => n.length));

/**
 * cobra's help of a command that only groups others (not Runnable): `(or .Long .Short)`, then the usage template
 * with `istioctl <group> [command]`, the aliases, the children sorted by name, the group's own `-h` and the
 * root's persistent flags
 */
export function cobraGroupHelp(group: CommandGroup, globalFlags: FlagSpec[]): string {
  const children = [...group.children].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const pad = namePadding(children.map(([n]) => n));
  const path = `istioctl ${group.name}`;
  return (
    `${group.long ?? group.short}\n\nUsage:\n${group.runnable ? `  ${path} [flags]\n` : ''}  ${path} [command]\n` +
    (group.aliases.length ? `\nAliases:\n  ${[group.name, ...group.aliases].join(', ')}\n` : '') +
    `\nAvailable Commands:\n${children.map(([n, s]) => `  ${n.padEnd(pad)} ${s}`).join('\n')}\n` +
    `\nFlags:\n${flagUsage([{name: 'help', short: 'h', type: 'bool', usage: `help for ${group.name}`}])}\n` +
    `\nGlobal Flags:\n${flagUsage(globalFlags)}\n` +
    `\nUse "${path} [command] --help" for more information about a command.\n`
  );
}
