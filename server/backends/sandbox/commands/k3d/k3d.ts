/**
 * The sandbox's `k3d`: finds the (cobra-style) subcommand, parses its flags, and fails the way k3d does: cobra's
 * `Error: ...` and usage, then k3d's `FATA[0000] ...` (k3d's main logs cobra's error fatally).
 */

import type {SandboxCommand} from '../types';
import {clusterCreate} from './cluster-create';
import {clusterDelete, clusterStart, clusterStop} from './cluster-lifecycle';
import {clusterList} from './cluster-list';
import {GLOBAL_FLAGS, type K3dCommand} from './k3d-command';
import {K3dLog} from './k3d-log';
import {kubeconfigGet, kubeconfigMerge} from './kubeconfig';
import {nodeCreate, nodeDelete, nodeStart, nodeStop} from './node-lifecycle';
import {nodeList} from './node-list';
import {NOT_SIMULATED} from './not-simulated';
import {version} from './version';
import {FlagError, flagUsage, parseFlags} from '../../kit/flags';

const COMMANDS: K3dCommand[] = [
  clusterCreate,
  clusterDelete,
  clusterList,
  clusterStart,
  clusterStop,
  nodeCreate,
  nodeDelete,
  nodeList,
  nodeStart,
  nodeStop,
  kubeconfigGet,
  kubeconfigMerge,
  version,
  ...NOT_SIMULATED,
];

/** the command groups: what `k3d`, `k3d cluster` ... list as "Available Commands" */
const GROUPS: Record<string, {short: string; children: K3dCommand[]}> = {
  cluster: {short: 'Manage cluster(s)', children: COMMANDS.filter((c) => c.path[0] === 'cluster')},
  kubeconfig: {short: 'Manage kubeconfig(s)', children: COMMANDS.filter((c) => c.path[0] === 'kubeconfig')},
  image: {short: 'Handle container images.', children: COMMANDS.filter((c) => c.path[0] === 'image')},
  node: {short: 'Manage node(s)', children: COMMANDS.filter((c) => c.path[0] === 'node')},
  registry: {short: 'Manage registry/registries', children: COMMANDS.filter((c) => c.path[0] === 'registry')},
  version: {short: 'Show k3d and default k3s version', children: []},
};

const ROOT_HELP = `https://k3d.io/
k3d is a wrapper CLI that helps you to easily create k3s clusters inside docker.
Nodes of a k3d cluster are docker containers running a k3s image.
All Nodes of a k3d cluster are part of the same docker network.
(This is the Ambient Lab sandbox's k3d: clusters are simulated in the lab, no Docker needed.)

`;

function groupUsage(name: string | undefined): string {
  const entries = name
    ? GROUPS[name]!.children.map((c) => [c.path[1]!, c.short])
    : Object.entries(GROUPS).map(([n, g]) => [n, g.short]);
  const w = Math.max(...entries.map((e) => e[0]!.length)) + 2;
  const self = name ? `k3d ${name}` : 'k3d';
  return (
    `Usage:\n  ${self} [flags]\n  ${self} [command]\n\nAvailable Commands:\n` +
    entries.map(([n, s]) => `  ${n!.padEnd(w)}${s}`).join('\n') +
    `\n\nFlags:\n${flagUsage(GLOBAL_FLAGS)}\n\nUse "${self} [command] --help" for more information about a command.\n`
  );
}

function commandUsage(c: K3dCommand): string {
  const aliases = c.aliases ? `\nAliases:\n  ${[c.path[c.path.length - 1], ...c.aliases].join(', ')}\n` : '';
  return `Usage:\n  ${c.use} [flags]\n${aliases}\nFlags:\n${flagUsage(c.flags)}\n\nGlobal Flags:\n${flagUsage(GLOBAL_FLAGS.filter((g) => g.name !== 'help'))}\n`;
}

export const k3d: SandboxCommand = async (io, sandbox) => {
  const log = new K3dLog(io);
  const fail = (message: string, usage: string) => {
    io.stderr.write(`Error: ${message}\n${usage}\n`);
    return log.fatal(message);
  };
  // cobra finds the command from the leading words that are not flags
  const words = io.args.filter((a) => !a.startsWith('-'));
  const [first, second] = words;
  if (first === undefined || (first in GROUPS && first !== 'version' && second === undefined)) {
    const parsed = (() => {
      try {
        return parseFlags(io.args, [
          ...GLOBAL_FLAGS,
          {name: 'version', type: 'bool', usage: 'Show k3d and default k3s version'},
        ]);
      } catch (e) {
        return e as FlagError;
      }
    })();
    if (parsed instanceof FlagError) return fail(parsed.message, groupUsage(first));
    if (parsed.flags.version && !first)
      return version.run({io, sandbox, log, parsed: {...parsed, flags: {output: ''}}});
    io.stdout.write((first ? `Manage ${first}(s)\n\n` : ROOT_HELP) + groupUsage(first));
    return 0;
  }
  if (!(first in GROUPS)) {
    const message = `unknown command "${first}" for "k3d"`;
    io.stderr.write(`Error: ${message}\nRun 'k3d --help' for usage.\n`);
    return log.fatal(message);
  }
  const cmd =
    first === 'version'
      ? version
      : GROUPS[first]!.children.find((c) => c.path[1] === second || c.aliases?.includes(second!));
  if (!cmd) {
    const message = `unknown command "${second}" for "k3d ${first}"`;
    io.stderr.write(`Error: ${message}\nRun 'k3d ${first} --help' for usage.\n`);
    return log.fatal(message);
  }
  // drop the command words (their first occurrences), keep flags and positionals in order
  const rest = [...io.args];
  for (const w of first === 'version' ? [first] : [first, second!]) rest.splice(rest.indexOf(w), 1);
  let parsed;
  try {
    parsed = parseFlags(rest, [...cmd.flags, ...GLOBAL_FLAGS]);
  } catch (e) {
    if (e instanceof FlagError) return fail(e.message, commandUsage(cmd));
    throw e;
  }
  if (parsed.flags.help) {
    io.stdout.write(`${cmd.short}\n\n${commandUsage(cmd)}`);
    return 0;
  }
  if (cmd.maxArgs !== undefined && parsed.args.length > cmd.maxArgs) {
    const message =
      cmd.maxArgs === 0
        ? `unknown command "${parsed.args[0]}" for "k3d ${cmd.path.join(' ')}"`
        : `accepts at most ${cmd.maxArgs} arg(s), received ${parsed.args.length}`;
    return fail(message, commandUsage(cmd));
  }
  if (cmd.exactArgs !== undefined && parsed.args.length !== cmd.exactArgs)
    return fail(`accepts ${cmd.exactArgs} arg(s), received ${parsed.args.length}`, commandUsage(cmd));
  return cmd.run({io, sandbox, log, parsed});
};
