/**
 * The sandbox's `istioctl`: finds the subcommand as cobra does, parses root and command flags, connects it to the
 * learner's cluster (the sandbox store) and prints failures the way istioctl does (`Error: ...`, exit 1; analyze's
 * own exit codes). `runIstioctl` is the pure entry (tests drive it directly); `istioctl` adapts it to the sandbox
 * command launcher.
 */
import {ApiError} from '../../api/status';
import {K3S_VERSION} from '../../versions';
import type {SandboxCommand} from '../types';
import {
  str,
  CommandError,
  type IstioctlCluster,
  type IstioctlCommand,
  type IstioctlIO,
  type IstioctlOptions,
  type RunContext,
} from './command';
import {commandWords, GLOBAL_HELP_FLAGS, ROOT_FLAGS, unknownCommand} from './cobra';
import {istioRelease} from './istio-release';
import {rootHelp, TOP_LEVEL} from './root-help';
import {ISTIOCTL_COMMANDS} from './subcommands';
import {cobraGroupHelp, groupChild, groupNamed, GROUPS, inheritedGroupFlags, type CommandGroup} from './groups';
import {commandHelp, type HelpEnv, type HelpText} from './help';
import {FlagError, flagUsage, parseFlags} from '../../kit/flags';
import {authorizedStore, checkKubeClientTimeout, impersonatedUser} from './kube-client';

export const defaultIstioctlOptions = (): IstioctlOptions => ({
  release: istioRelease(process.env),
  readinessTimeoutMs: 30_000,
  pollMs: 100,
});

/** group words (`waypoint`, `zc`, `x`) and their aliases → canonical first path word */
const GROUP_ALIASES: Record<string, string> = {
  zc: 'ztunnel-config',
  x: 'experimental',
  exp: 'experimental',
  experimental: 'experimental',
  waypoint: 'waypoint',
  'ztunnel-config': 'ztunnel-config',
  ps: 'proxy-status',
  pc: 'proxy-config',
  'proxy-config': 'proxy-config',
};

function findCommand(words: string[]): {cmd?: IstioctlCommand; consumed: number; group?: CommandGroup} {
  const first = GROUP_ALIASES[words[0] ?? ''] ?? words[0];
  const matches = (c: IstioctlCommand, w: string | undefined, i: number) =>
    w !== undefined && (c.path[i] === w || (i === c.path.length - 1 && !!c.aliases?.includes(w)));
  for (const c of ISTIOCTL_COMMANDS) {
    if (c.path.length === 1 && (c.path[0] === first || c.aliases?.includes(words[0]!))) return {cmd: c, consumed: 1};
    if (c.path.length === 2 && c.path[0] === first && matches(c, words[1], 1)) return {cmd: c, consumed: 2};
  }
  return {consumed: 0, group: groupNamed(first)};
}

/**
 * istioctl's exit code for cobra's `unknown command` and for flag errors (root.go wraps every flag error in a
 * CommandParseError): ExitIncorrectUsage in istioctl/cmd/sysexits.go GetExitCode, 1.29.6. Other errors exit 1.
 */
const EXIT_INCORRECT_USAGE = 64;

/** a cluster command without a cluster: what client-go says when nothing listens where the kubeconfig points */
const NO_CLUSTER =
  'Get "http://localhost:8080/version?timeout=5s": dial tcp 127.0.0.1:8080: connect: connection refused';

export async function runIstioctl(
  args: string[],
  io: IstioctlIO,
  cluster: IstioctlCluster,
  opts: IstioctlOptions = defaultIstioctlOptions(),
): Promise<number> {
  const allFlags = [
    ...ROOT_FLAGS,
    ...Object.values(GROUPS).flatMap((g) => g.flags ?? []),
    ...ISTIOCTL_COMMANDS.flatMap((c) => c.flags),
  ];
  const words = commandWords(args, allFlags);
  const help = args.includes('-h') || args.includes('--help');
  if (words[0] === 'help' && help) {
    // -h names the help command itself, whatever words follow
    io.stdout.write(commandHelp(HELP_COMMAND, {release: opts.release, stdoutTTY: io.isTTY.stdout}));
    return 0;
  }
  if (words[0] === 'help' && words.length > 1) return helpCommand(words.slice(1), io, cluster, opts);
  if (!words.length || words[0] === 'help') {
    io.stdout.write(rootHelp(flagUsage(ROOT_FLAGS)));
    return 0;
  }
  const found = findCommand(words);
  if (!found.cmd) {
    if (found.group) {
      // a real child the sandbox does not simulate says so. Any other word: a runnable group's Args check refuses
      // it (waypoint, tag); a group without Run prints its help (cobra's legacyArgs accepts any word below the root)
      const group = found.group;
      const child = groupChild(group, words[1]);
      if (child) {
        io.stderr.write(
          `Error: "istioctl ${group.name} ${child}" is not simulated in the Ambient Lab sandbox (it runs against a real cluster: the host backend).\n`,
        );
        return 1;
      }
      if (group.runnable && words[1] !== undefined && !help) {
        io.stderr.write(`Error: unknown subcommand "${words[1]}"\n`);
        return 1;
      }
      io.stdout.write(cobraGroupHelp(group, GLOBAL_HELP_FLAGS));
      return 0;
    }
    const known = TOP_LEVEL.find(([n]) => n === words[0]);
    if (known) {
      io.stderr.write(
        `Error: "istioctl ${words[0]}" is not simulated in the Ambient Lab sandbox (it runs against a real cluster: the host backend).\n`,
      );
      return 1;
    }
    io.stderr.write(
      unknownCommand(
        words[0]!,
        'istioctl',
        TOP_LEVEL.map(([n]) => n),
      ),
    );
    return EXIT_INCORRECT_USAGE;
  }
  const cmd = found.cmd;
  if (help) {
    const env: HelpEnv = {release: opts.release, stdoutTTY: io.isTTY.stdout};
    const sub = cmd.helpGroup;
    const word = words[found.consumed];
    const child = sub?.children.find((c) => c.path[c.path.length - 1] === word || !!c.aliases?.includes(word!));
    io.stdout.write(sub && !child ? cobraGroupHelp(sub.group, GLOBAL_HELP_FLAGS) : commandHelp(child ?? cmd, env));
    return 0;
  }
  let parsed;
  try {
    parsed = parseFlags(args, [...ROOT_FLAGS, ...inheritedGroupFlags(cmd.path, cmd.flags), ...cmd.flags]);
    checkKlogLevel(parsed.flags.vklog);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    io.stderr.write(`Error: ${e.message}\n`);
    return EXIT_INCORRECT_USAGE;
  }
  // the words that named the command are not its arguments
  const positional = parsed.args.slice(found.consumed);
  const user = impersonatedUser(parsed.flags);
  // the cluster as the command's client reaches it: as the impersonated user when --as is given
  const client: IstioctlCluster =
    user && cluster.store ? {...cluster, store: authorizedStore(cluster.store, user)} : cluster;
  const ctx: RunContext = {
    io,
    cluster: client,
    opts,
    flags: parsed.flags,
    set: parsed.set,
    args: positional,
    namespace: str(parsed.flags.namespace) || 'default',
    istioNamespace: str(parsed.flags.istioNamespace) || 'istio-system',
    world: cluster.store,
    user,
  };
  try {
    if (cmd.needsCluster) {
      // CLIClientWithRevision parses the timeout before it makes the client
      checkKubeClientTimeout(parsed.flags);
      if (!client.store) throw new CommandError(NO_CLUSTER);
    }
    return await cmd.run(ctx, client.store!);
  } catch (e) {
    if (e instanceof CommandError) {
      if (e.message) io.stderr.write(`Error: ${e.message}\n`);
      return e.exitCode;
    }
    // the API refused a write (a namespace being terminated, a conflict): istioctl prints client-go's error
    if (e instanceof ApiError) {
      io.stderr.write(`Error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/** --vklog is klog's Level: its Set is strconv.ParseInt(value, 10, 32), and pflag words the failure */
function checkKlogLevel(v: unknown): void {
  if (typeof v !== 'string') return;
  const why = !/^[+-]?\d+$/.test(v) ? 'invalid syntax' : Math.abs(Number(v)) > 2 ** 31 - 1 ? 'value out of range' : '';
  if (why) throw new FlagError(`invalid argument "${v}" for "--vklog" flag: strconv.ParseInt: parsing "${v}": ${why}`);
}

/** cobra v1.10.2's default help command (command.go InitDefaultHelpCmd), as its own -h prints it */
const HELP_COMMAND: HelpText = {
  path: ['help'],
  short: 'Help about any command',
  long: 'Help provides help for any command in the application.\nSimply type istioctl help [path to command] for full details.',
  use: 'istioctl help [command] [flags]',
  flags: [],
};

/**
 * `istioctl help <command>` (cobra v1.10.2's help command): the command's help as its -h prints it; words that name
 * no command are `Unknown help topic` and the root's usage (on stderr, exit 0)
 */
function helpCommand(
  topic: string[],
  io: IstioctlIO,
  cluster: IstioctlCluster,
  opts: IstioctlOptions,
): Promise<number> {
  const first = topic[0]!;
  const known =
    !!findCommand(topic).cmd || !!groupNamed(GROUP_ALIASES[first] ?? first) || TOP_LEVEL.some(([n]) => n === first);
  if (known) return runIstioctl([...topic, '--help'], io, cluster, opts);
  const usage = rootHelp(flagUsage(ROOT_FLAGS));
  io.stderr.write(
    `Unknown help topic [${topic.map((w) => `\`${w}\``).join(' ')}]\n${usage.slice(usage.indexOf('Usage:'))}`,
  );
  return Promise.resolve(0);
}

/** the launcher's entry: the learner's cluster is the sandbox's store while its k3d cluster runs */
export const istioctl: SandboxCommand = async (io, sandbox) => {
  const running = sandbox.cluster?.state === 'running';
  return runIstioctl(io.args, io, {
    store: running ? sandbox.store : undefined,
    serverVersion: sandbox.cluster?.k3sVersion ?? K3S_VERSION,
    // nodes, controllers and system pods are simulated: install waits for pods to become Ready
    simulated: true,
  });
};
