/**
 * Attendees' shells: each attendee's bash runs as the attendee's own uid inside an IsolatedShell (bubblewrap,
 * cgroups, rlimits; server/isolation). This module turns the backend's shell environment into the one the isolated
 * shell sees (its HOME, its own kubeconfig copy, a PATH of what is bound inside, none of the instructor's variables),
 * says which host paths the shell needs, and watches each attendee's limits so the board and the attendee hear when
 * one was hit. Each attendee's shell has a network namespace of its own; its NetBridge (net/<attendee>) brings in
 * the lab's shared services and the attendee's own published ports, and nothing else of the host's loopback.
 */
import {chownSync, existsSync, mkdirSync, realpathSync} from 'node:fs';
import path from 'node:path';
import type {Backend, LearnerId, ShellEnvironment} from '../backends/types';
import type {LimitKind} from '../../src/core/protocol/workshop';
import type {IsolationProbe} from '../isolation/probe';
import {DEFAULT_ATTENDEE_LIMITS, IsolatedShell, SHELL_HOME, type AttendeeLimits} from '../isolation/isolated-shell';
import {NetBridge} from '../isolation/net-bridge';
import {INTEGRATION_RC, type PtySessionOptions} from '../sessions/pty-session';

export interface AttendeeShellsOptions {
  /** the workshop's folder: homes/<attendee>, private/<attendee> */
  dir: string;
  probe: IsolationProbe;
  backend: Backend;
  /** the attendee's uid, or undefined when the learner is not an attendee (the instructor's own shell) */
  uidOf(learner: LearnerId): number | undefined;
  limits?: Partial<AttendeeLimits>;
  /** HOME as a size-limited volume (a loop-mounted image); off in tests that make many attendees */
  homeVolumes?: boolean;
  onLimit(learner: LearnerId, kind: LimitKind): void;
  logger?: {warn(obj: object, msg: string): void};
}

/** system directories bound inside every isolated shell (bwrap-args.ts): PATH entries under them work as they are */
const SYSTEM_PREFIXES = ['/usr/', '/bin', '/sbin'];

/** variables of the lab's own environment an attendee's shell may inherit; nothing else (tokens, cloud keys) */
const INHERITED = ['LANG', 'LC_ALL', 'LC_CTYPE', 'TZ'];

export interface PreparedShell {
  environment: ShellEnvironment;
  launch: NonNullable<PtySessionOptions['launch']>;
  baseEnv: NodeJS.ProcessEnv;
  outputLimit: NonNullable<PtySessionOptions['outputLimit']>;
}

export class AttendeeShells {
  private readonly shells = new Map<LearnerId, Promise<IsolatedShell>>();
  /** kept across shells and resets: the attendee's cluster listens in it for as long as the lab runs */
  private readonly bridges = new Map<LearnerId, NetBridge>();
  private readonly seen = new Map<LearnerId, {pidsMax: number; oomKills: number}>();
  /** attendees whose HOME was found full (told once, again after it drained) */
  private readonly homeFull = new Set<LearnerId>();

  constructor(private readonly opts: AttendeeShellsOptions) {}

  /** what SessionRegistry's prepareShell needs; undefined for a learner who is not an attendee */
  async prepare(learner: LearnerId, environment: ShellEnvironment): Promise<PreparedShell | undefined> {
    const uid = this.opts.uidOf(learner);
    if (uid === undefined) return undefined;
    if (!this.opts.backend.prepareIsolated) {
      throw new Error(`the ${this.opts.backend.name} backend cannot give attendees isolated shells`);
    }
    const shell = await this.shellOf(learner, uid);
    const bridge = this.bridgeOf(learner, uid);
    const net = {socketPath: (port: number) => bridge.socketPath(port), own: (p: string) => bridge.own(p)};
    const paths = await this.opts.backend.prepareIsolated(learner, {uid, gid: uid, net});
    await bridge.forward(paths.loopbackPorts ?? []);
    const {env, toolDirs} = isolatedEnv(environment.env, paths.env, shell.env);
    const readOnly = [...paths.readOnly, ...toolDirs, path.dirname(INTEGRATION_RC)];
    return {
      // the backend's seal holds inside too: the same vars re-asserted after the attendee's rc, the shims first on
      // PATH (bound read-only at the same path), and the engine refuses a step once the attendee's shell strays
      environment: {env, cwd: this.homeOf(learner), seal: environment.seal},
      launch: (argv) => shell.launch(argv, SHELL_HOME, {readOnly, readWrite: paths.readWrite, netBridge: bridge.dir}),
      baseEnv: Object.fromEntries(INHERITED.flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : []))),
      outputLimit: {
        bytesPerSecond: this.opts.limits?.outputBytesPerSecond ?? DEFAULT_ATTENDEE_LIMITS.outputBytesPerSecond,
        onLimited: () => this.opts.onLimit(learner, 'output'),
      },
    };
  }

  homeOf(learner: LearnerId): string {
    return path.join(this.opts.dir, 'homes', learner);
  }

  /** reads every attendee's limit counters and reports what went up since the last look (call it every second) */
  checkLimits(): void {
    for (const [learner, pending] of this.shells) {
      void pending.then(
        (shell) => {
          const now = shell.events();
          const before = this.seen.get(learner) ?? {pidsMax: 0, oomKills: 0};
          this.seen.set(learner, now);
          if (now.pidsMax > before.pidsMax) this.opts.onLimit(learner, 'processes');
          if (now.oomKills > before.oomKills) this.opts.onLimit(learner, 'memory');
          return shell.homeUsage().then((usage) => {
            if (!usage) return;
            const ratio = usage.usedBytes / usage.sizeBytes;
            if (ratio >= 0.98 && !this.homeFull.has(learner)) {
              this.homeFull.add(learner);
              this.opts.onLimit(learner, 'disk');
            } else if (ratio < 0.9) this.homeFull.delete(learner);
          });
        },
        () => {},
      );
    }
  }

  /** HOME usage where HOME is a volume, for the disk limit */
  async homeUsage(learner: LearnerId): Promise<{usedBytes: number; sizeBytes: number} | undefined> {
    const shell = this.shells.get(learner);
    return shell ? (await shell).homeUsage() : undefined;
  }

  /** stop everything the attendee runs (reset, end); the next shell starts a new IsolatedShell */
  async release(learner: LearnerId): Promise<void> {
    const shell = this.shells.get(learner);
    this.shells.delete(learner);
    this.seen.delete(learner);
    if (shell) await (await shell.catch(() => undefined))?.dispose();
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.shells.keys()].map((l) => this.release(l)));
    const bridges = [...this.bridges.values()];
    this.bridges.clear();
    await Promise.all(bridges.map((b) => b.close()));
  }

  private bridgeOf(learner: LearnerId, uid: number): NetBridge {
    let bridge = this.bridges.get(learner);
    if (!bridge) {
      bridge = new NetBridge({dir: path.join(this.opts.dir, 'net', learner), uid, gid: uid});
      this.bridges.set(learner, bridge);
    }
    return bridge;
  }

  private shellOf(learner: LearnerId, uid: number): Promise<IsolatedShell> {
    let shell = this.shells.get(learner);
    if (!shell) {
      const homeDir = this.homeOf(learner);
      const privateDir = path.join(this.opts.dir, 'private', learner);
      shell = IsolatedShell.create({
        probe: this.opts.probe,
        homeDir,
        homeImage: this.opts.homeVolumes ? path.join(this.opts.dir, 'volumes', `${learner}.img`) : undefined,
        privateDir,
        id: learner,
        uid,
        gid: uid,
        limits: this.opts.limits,
        readOnly: [],
      }).then((s) => {
        // the walkthrough's own folder, ready as on a learner's laptop after `mkdir -p ~/ambient-lab`
        const kubeDir = path.join(homeDir, '.kube');
        if (!existsSync(kubeDir)) {
          mkdirSync(kubeDir, {mode: 0o700});
          chownSync(kubeDir, uid, uid);
        }
        return s;
      });
      shell.catch((err: unknown) => {
        this.opts.logger?.warn({err, learner}, 'could not prepare an isolated shell');
        if (this.shells.get(learner) === shell) this.shells.delete(learner);
      });
      this.shells.set(learner, shell);
    }
    return shell;
  }
}

/**
 * The environment inside: the backend's variables, with the isolated shell's own KUBECONFIG and HOME-relative
 * folders, and a PATH of only what the shell can see (system folders, and the folders of the tools found elsewhere,
 * which are returned to be bound read-only).
 */
export function isolatedEnv(
  backendEnv: Record<string, string>,
  overrides: Record<string, string>,
  user: Record<string, string>,
): {env: Record<string, string>; toolDirs: string[]} {
  const env: Record<string, string> = {...backendEnv, ...overrides, ...user};
  env.KUBECACHEDIR = `${SHELL_HOME}/.kube/cache`;
  const toolDirs: string[] = [];
  const kept: string[] = [];
  for (const dir of (env.PATH ?? '').split(':')) {
    if (!dir || !path.isAbsolute(dir) || kept.includes(dir)) continue;
    if (SYSTEM_PREFIXES.some((p) => dir === p.replace(/\/$/, '') || dir.startsWith(p))) {
      kept.push(dir);
      continue;
    }
    // a folder outside the system ones (the shims, a pinned kubectl): bound read-only when it is a real folder
    // that holds a tool the walkthrough runs; anything else on the instructor's PATH stays out
    if (!existsSync(dir) || !holdsTool(dir)) continue;
    kept.push(dir);
    toolDirs.push(dir);
  }
  env.PATH = kept.join(':');
  return {env, toolDirs};
}

const TOOLS = ['kubectl', 'k3d', 'istioctl', 'docker', 'node', 'helm'];

function holdsTool(dir: string): boolean {
  return TOOLS.some((t) => {
    try {
      return existsSync(path.join(realpathSync(dir), t));
    } catch {
      return false;
    }
  });
}
