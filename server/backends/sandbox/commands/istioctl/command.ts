/**
 * What one istioctl subcommand is and what it gets when it runs. The dispatcher (istioctl.ts) finds the command
 * the way cobra does, parses its flags with the shared pflag-compatible parser, and hands over a RunContext.
 */
import type {UserInfo} from '../../api/rbac';
import type {ObjectStore} from '../../api/store';
import type {IstioRelease} from './istio-release';
import type {FlagValues} from '../../kit/flags';
import type {CommandGroup} from './groups';
import type {HelpText} from './help';

export interface Output {
  write(text: string): void;
}

export interface IstioctlIO {
  stdout: Output;
  stderr: Output;
  isTTY: {stdin: boolean; stdout: boolean; stderr: boolean};
  /** one line of stdin without its newline, null at end of input */
  readLine(): Promise<string | null>;
  signal: AbortSignal;
}

/** The cluster istioctl talks to, as the sandbox knows it. */
export interface IstioctlCluster {
  /** undefined: no cluster (no kubeconfig), commands that need one fail as istioctl does against localhost:8080 */
  store: ObjectStore | undefined;
  /** /version gitVersion, e.g. v1.31.5+k3s1 */
  serverVersion: string;
  /** whether controllers run, so Deployments and DaemonSets become ready by themselves (install waits for them) */
  simulated: boolean;
}

export interface IstioctlOptions {
  release: IstioRelease;
  /** upper bound on waiting for readiness (install, waypoint --wait): the sandbox compresses time */
  readinessTimeoutMs: number;
  /** how often a wait looks again (real time) */
  pollMs: number;
}

export interface RunContext {
  io: IstioctlIO;
  cluster: IstioctlCluster;
  opts: IstioctlOptions;
  flags: FlagValues;
  /** names of the flags given */
  set: Set<string>;
  args: string[];
  /** -n, or the context's namespace (default) */
  namespace: string;
  /** -i / --istioNamespace */
  istioNamespace: string;
  /**
   * the cluster as istiod, ztunnel and Envoy know it, for what istioctl learns from them (XDS, admin ports) rather
   * than from the Kubernetes API; `cluster.store` is the API as istioctl's user reaches it (--as)
   */
  world: ObjectStore | undefined;
  /** whom --as impersonates; undefined: the kubeconfig's user (the k3d admin) */
  user: UserInfo | undefined;
}

export interface IstioctlCommand extends HelpText {
  /**
   * a real command with children the sandbox runs as one (`x describe pod` is `x describe` here): its help is the
   * group's, or the named child's
   */
  helpGroup?: {group: CommandGroup; children: HelpText[]};
  /** false for commands that never touch the cluster (waypoint generate) */
  needsCluster: boolean;
  run(ctx: RunContext, store: ObjectStore): Promise<number>;
}

/** a command failed: printed as cobra prints a RunE error (`Error: <message>`), exit 1 */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export const str = (v: unknown, dflt = ''): string => (typeof v === 'string' ? v : dflt);
export const bool = (v: unknown): boolean => v === true;
export const list = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : []);

/** ANSI colour only when the stream is a terminal, as fatih/color does */
export function painter(tty: boolean) {
  const wrap = (code: number) => (s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
  return {green: wrap(32), red: wrap(31), yellow: wrap(33)};
}
