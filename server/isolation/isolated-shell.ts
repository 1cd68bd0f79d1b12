/**
 * Isolated shells for workshop attendees: each attendee gets a uid of its own, a HOME on disk that only that uid can
 * read, cgroups (processes, memory, CPU weight) where the machine has them, rlimits always, and a bubblewrap sandbox
 * around its bash (bwrap-args.ts says what the shell can see). `launch` turns the usual `bash --rcfile … -i` into the
 * command node-pty runs.
 */
import {chmodSync, chownSync, mkdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {AttendeeCgroup, type CgroupLimits, type LimitEvents} from './cgroup';
import {bwrapArgs, cgroupEntryCommand, type HostLayout, hostLayout, withNetRelay} from './bwrap-args';
import {NET_RELAY} from './net-bridge';
import {HomeVolume} from './home-volume';
import {BWRAP_INSTALL_HINT, type IsolationProbe} from './probe';

const MiB = 1024 * 1024;

/** per-attendee limits; every one named, with a default sized for the walkthrough (bash, kubectl, the shims) */
export interface AttendeeLimits extends CgroupLimits {
  /** the private /tmp (tmpfs) */
  tmpBytes: number;
  /** HOME's size (a loop-mounted ext4 image where the machine allows; else only fileBytes bounds writes) */
  homeBytes: number;
  /** the largest single file (RLIMIT_FSIZE): bounds what one command can write into HOME */
  fileBytes: number;
  openFiles: number;
  /** terminal output read per second (the lab relays every attendee's terminal on one event loop) */
  outputBytesPerSecond: number;
}

export const DEFAULT_ATTENDEE_LIMITS: AttendeeLimits = {
  maxProcesses: 256,
  memoryBytes: 768 * MiB,
  cpuWeight: 50,
  tmpBytes: 64 * MiB,
  homeBytes: 512 * MiB,
  fileBytes: 256 * MiB,
  openFiles: 1024,
  // a browser's terminal shows a few MB a second at best; `yes` at full speed would cost the lab a core
  outputBytesPerSecond: 2 * MiB,
};

/** the name the attendee has inside (its uid is its own outside) */
export const SHELL_USER = 'learner';
export const SHELL_HOME = `/home/${SHELL_USER}`;

export interface IsolatedShellOptions {
  /** what the probe found; bwrap is required */
  probe: IsolationProbe;
  /** on-disk HOME of this attendee (created, owned by uid) */
  homeDir: string;
  /** the HOME volume's image; without it HOME is a plain directory (no size limit but fileBytes) */
  homeImage?: string;
  /** where the passwd/group files of this attendee go (not inside HOME: the attendee must not edit them) */
  privateDir: string;
  /** a short stable id ([a-z0-9-]) naming the cgroup */
  id: string;
  uid: number;
  gid: number;
  limits?: Partial<AttendeeLimits>;
  /** host files the shell needs read-only at their real paths (shims, rc file, CA bundle) */
  readOnly: string[];
  layout?: HostLayout;
}

export class IsolationUnavailableError extends Error {}

export class IsolatedShell {
  readonly limits: AttendeeLimits;
  private readonly cgroup: AttendeeCgroup | undefined;
  private readonly passwdFile: string;
  private readonly groupFile: string;
  private readonly bwrap: string;

  /** what bounds HOME: a volume of `limits.homeBytes`, or (no loop mounts here) only the per-file limit, and why */
  homeQuota: {kind: 'volume'} | {kind: 'per-file'; reason: string} = {kind: 'per-file', reason: 'no HOME image given'};
  private volume: HomeVolume | undefined;

  /** prepares HOME (mounting its volume), the passwd/group files and the cgroups */
  static async create(opts: IsolatedShellOptions): Promise<IsolatedShell> {
    const shell = new IsolatedShell(opts);
    if (opts.homeImage) {
      const volume = new HomeVolume({
        image: opts.homeImage,
        mountPoint: opts.homeDir,
        sizeBytes: shell.limits.homeBytes,
        uid: opts.uid,
        gid: opts.gid,
      });
      const mounted = await volume.mount();
      if (mounted.ok) {
        shell.volume = volume;
        shell.homeQuota = {kind: 'volume'};
      } else {
        shell.homeQuota = {kind: 'per-file', reason: mounted.reason};
      }
    }
    chownSync(opts.homeDir, opts.uid, opts.gid);
    chmodSync(opts.homeDir, 0o700);
    return shell;
  }

  private constructor(private readonly opts: IsolatedShellOptions) {
    if (!opts.probe.bwrap)
      throw new IsolationUnavailableError(`isolated shells need bubblewrap: ${BWRAP_INSTALL_HINT}`);
    if (!opts.probe.root)
      throw new IsolationUnavailableError(
        'isolated shells need the lab to run as root (to give each attendee its own uid)',
      );
    if (!Number.isInteger(opts.uid) || opts.uid < 1000)
      throw new RangeError(`attendee uid must be an integer ≥ 1000, got ${opts.uid}`);
    this.bwrap = opts.probe.bwrap.path;
    this.limits = {...DEFAULT_ATTENDEE_LIMITS, ...opts.limits};
    mkdirSync(opts.homeDir, {recursive: true, mode: 0o700});
    mkdirSync(opts.privateDir, {recursive: true, mode: 0o700});
    this.passwdFile = path.join(opts.privateDir, 'passwd');
    this.groupFile = path.join(opts.privateDir, 'group');
    // root stays resolvable (ls -l of system files); the attendee has a name, a HOME and bash
    writeFileSync(
      this.passwdFile,
      `root:x:0:0:root:/root:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n${SHELL_USER}:x:${opts.uid}:${opts.gid}:Ambient Lab learner:${SHELL_HOME}:/bin/bash\n`,
      {mode: 0o644},
    );
    writeFileSync(this.groupFile, `root:x:0:\nnogroup:x:65534:\n${SHELL_USER}:x:${opts.gid}:\n`, {mode: 0o644});
    const mounts = opts.probe.cgroups;
    this.cgroup = Object.keys(mounts).length > 0 ? new AttendeeCgroup(mounts, opts.id, this.limits) : undefined;
  }

  /** HOME's usage where it is a volume */
  homeUsage(): Promise<{usedBytes: number; sizeBytes: number} | undefined> {
    return this.volume?.usage() ?? Promise.resolve(undefined);
  }

  /**
   * the variables a shell inside expects of its user; LAB_USER_HOME empty: the shell integration sources no one's
   * ~/.bashrc (the instructor's is not the attendee's, and the attendee's own HOME starts empty)
   */
  get env(): Record<string, string> {
    return {HOME: SHELL_HOME, USER: SHELL_USER, LOGNAME: SHELL_USER, SHELL: '/bin/bash', LAB_USER_HOME: ''};
  }

  /** where a host path inside the attendee's HOME appears in the shell */
  insidePath(hostPath: string): string {
    const rel = path.relative(this.opts.homeDir, hostPath);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return hostPath;
    return rel ? path.posix.join(SHELL_HOME, rel) : SHELL_HOME;
  }

  /**
   * The command node-pty runs in place of `command` (e.g. ['bash', '--rcfile', rc, '-i']). With `netBridge` (a
   * NetBridge's folder) the shell gets a network namespace of its own whose loopback has only the bridge's ports.
   */
  launch(
    command: string[],
    cwdInside = SHELL_HOME,
    binds: {readOnly?: string[]; readWrite?: string[]; netBridge?: string} = {},
  ): {file: string; args: string[]; cwd: string} {
    const net = binds.netBridge;
    const argv = bwrapArgs(
      {
        homeSource: this.opts.homeDir,
        homeTarget: SHELL_HOME,
        cwd: cwdInside,
        readOnly: [...new Set([...this.opts.readOnly, ...(binds.readOnly ?? []), ...(net ? [NET_RELAY, net] : [])])],
        readWrite: binds.readWrite,
        passwdFile: this.passwdFile,
        groupFile: this.groupFile,
        uid: this.opts.uid,
        gid: this.opts.gid,
        hostname: 'ambient-lab',
        tmpBytes: this.limits.tmpBytes,
        rlimits: {
          processes: this.limits.maxProcesses,
          fileBytes: this.limits.fileBytes,
          openFiles: this.limits.openFiles,
        },
        privateNetwork: Boolean(net),
        command: net ? withNetRelay(NET_RELAY, net, command) : command,
      },
      this.opts.layout ?? hostLayout,
    );
    const entry = cgroupEntryCommand(this.cgroup?.procsFiles ?? [], this.bwrap, argv);
    return {...entry, cwd: this.opts.homeDir};
  }

  /** limits hit so far (zeros where the machine has no cgroups) */
  events(): LimitEvents {
    return this.cgroup?.events() ?? {pidsMax: 0, oomKills: 0};
  }

  memoryUsage(): number | undefined {
    return this.cgroup?.memoryUsage();
  }

  /** kill everything the attendee still runs; HOME stays (the workshop keeps state for the export and rejoin) */
  async dispose(): Promise<void> {
    await this.cgroup?.dispose();
    await this.volume?.unmount();
  }
}
