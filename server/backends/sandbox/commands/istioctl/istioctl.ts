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
import {commandWords, ROOT_FLAGS, unknownCommand} from './cobra';
import {istioRelease} from './istio-release';
import {rootHelp, TOP_LEVEL} from './root-help';
import {ISTIOCTL_COMMANDS} from './subcommands';
import {
  cobraGroupHelp,
  groupChild,
  groupNamed,
  GROUPS,
  inheritedGroupFlags,
  sortedFlags,
  type CommandGroup,
} from './groups';
import {FlagError, flagUsage, parseFlags} from '../../kit/flags';

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
 * a simulated command's help as cobra's defaultHelpFunc prints it: Long or Short, Usage, Aliases, Examples, its own
 * flags, then the root's and its group's persistent ones, each sorted by name
 */
function commandHelp(c: IstioctlCommand): string {
  const name = c.path[c.path.length - 1]!;
  const own = sortedFlags([...c.flags, {name: 'help', short: 'h', type: 'bool', usage: `help for ${name}`}]);
  const global = sortedFlags([...ROOT_FLAGS.filter((f) => f.name !== 'help'), ...inheritedGroupFlags(c.path, c.flags)]);
  return (
    `${c.long ?? c.short}\n\nUsage:\n  ${c.use}\n` +
    (c.aliases ? `\nAliases:\n  ${[name, ...c.aliases].join(', ')}\n` : '') +
    (c.example ? `\nExamples:\n${c.example}\n` : '') +
    `\nFlags:\n${flagUsage(own)}\n\nGlobal Flags:\n${flagUsage(global)}\n`
  );
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
      io.stdout.write(
        cobraGroupHelp(
          group,
          ROOT_FLAGS.filter((f) => f.name !== 'help'),
        ),
      );
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
    io.stdout.write(commandHelp(cmd));
    return 0;
  }
  let parsed;
  try {
    parsed = parseFlags(args, [...ROOT_FLAGS, ...inheritedGroupFlags(cmd.path, cmd.flags), ...cmd.flags]);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    io.stderr.write(`Error: ${e.message}\n`);
    return EXIT_INCORRECT_USAGE;
  }
  // the words that named the command are not its arguments
  const positional = parsed.args.slice(found.consumed);
  const ctx: RunContext = {
    io,
    cluster,
    opts,
    flags: parsed.flags,
    set: parsed.set,
    args: positional,
    namespace: str(parsed.flags.namespace) || 'default',
    istioNamespace: str(parsed.flags.istioNamespace) || 'istio-system',
  };
  try {
    if (cmd.needsCluster && !cluster.store) throw new CommandError(NO_CLUSTER);
    return await cmd.run(ctx, cluster.store!);
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
