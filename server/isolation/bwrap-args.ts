/**
 * The bubblewrap command line of one attendee shell, as a pure function of what the shell may see (golden-tested).
 *
 * What the shell sees: the system read-only (/usr, the merged-/usr links, /etc with its own passwd/group), its own
 * HOME (read-write, on disk under the lab's state dir), a private size-limited /tmp, its own /proc and PID namespace,
 * and the few lab files it needs read-only at their real paths (the sandbox commands, the shell integration, its
 * kubeconfig and CA bundle). Not the instructor's HOME, not the repository, not the lab's state dir, not another
 * attendee's files or processes. With `privateNetwork` the shell has a network namespace of its own (only `lo`,
 * which bwrap brings up): what it may reach of the lab comes in through a bridge folder of unix sockets (net-bridge.ts).
 *
 * bwrap runs as root to set the namespaces up, then `setpriv` drops to the attendee's own uid with no capabilities
 * and no_new_privs (setuid binaries under /usr gain nothing), and `prlimit` sets the per-process rlimits.
 */
import {lstatSync, readlinkSync} from 'node:fs';
import {posix} from 'node:path';

export interface ShellSandboxSpec {
  /** the attendee's HOME on disk, mounted read-write at `homeTarget` */
  homeSource: string;
  homeTarget: string;
  /** the shell's working directory inside (usually homeTarget or below) */
  cwd: string;
  /** host paths bound read-only at the same path inside (files or directories) */
  readOnly: string[];
  /** a passwd and a group file naming the attendee, bound over /etc/passwd and /etc/group */
  passwdFile: string;
  groupFile: string;
  uid: number;
  gid: number;
  hostname: string;
  /** size of the private /tmp (tmpfs: it counts against memory) */
  tmpBytes: number;
  rlimits: {
    /** processes of this uid (RLIMIT_NPROC, counted per real uid) */
    processes: number;
    /** largest file a process may write (RLIMIT_FSIZE): a runaway writer gets "File size limit exceeded" */
    fileBytes: number;
    /** open files per process */
    openFiles: number;
  };
  /** host directories the shell may write at their real paths (the attendee's own, e.g. its kubeconfig's folder) */
  readWrite?: string[];
  /** a network namespace of its own (`--unshare-net`): its loopback is not the host's */
  privateNetwork?: boolean;
  /** the program and arguments run inside */
  command: string[];
}

/** top-level entries that merged-/usr systems make symlinks into /usr; bound or linked as the host has them */
const SYSTEM_LINKS = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];

export interface HostLayout {
  /** how the host has each top-level system entry: a symlink target, a directory, or absent */
  entry(name: string): {symlink: string} | 'dir' | undefined;
}

export const hostLayout: HostLayout = {
  entry(name) {
    try {
      const st = lstatSync(`/${name}`);
      if (st.isSymbolicLink()) return {symlink: readlinkSync(`/${name}`)};
      return st.isDirectory() ? 'dir' : undefined;
    } catch {
      return undefined;
    }
  },
};

export function bwrapArgs(spec: ShellSandboxSpec, layout: HostLayout = hostLayout): string[] {
  const args = ['--die-with-parent', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try'];
  if (spec.privateNetwork) args.push('--unshare-net');
  args.push('--hostname', spec.hostname);
  args.push('--ro-bind', '/usr', '/usr');
  for (const name of SYSTEM_LINKS) {
    const e = layout.entry(name);
    if (e === 'dir') args.push('--ro-bind', `/${name}`, `/${name}`);
    else if (e) args.push('--symlink', e.symlink, `/${name}`);
  }
  args.push('--ro-bind', '/etc', '/etc');
  args.push('--ro-bind', spec.passwdFile, '/etc/passwd', '--ro-bind', spec.groupFile, '/etc/group');
  args.push('--proc', '/proc', '--dev', '/dev');
  args.push('--perms', '1777', '--size', String(spec.tmpBytes), '--tmpfs', '/tmp');
  args.push('--perms', '0755', '--dir', '/var', '--perms', '1777', '--dir', '/var/tmp');
  // bwrap creates missing parents owned by root with mode 0700: make them traversable for the attendee's uid
  const made = new Set(['/', '/usr', '/etc', '/proc', '/dev', '/tmp', '/var', '/var/tmp']);
  const parents = (p: string) => {
    const chain: string[] = [];
    for (let d = posix.dirname(p); !made.has(d); d = posix.dirname(d)) chain.unshift(d);
    for (const d of chain) {
      made.add(d);
      args.push('--perms', '0755', '--dir', d);
    }
  };
  for (const p of spec.readOnly) {
    parents(p);
    args.push('--ro-bind', p, p);
  }
  for (const p of spec.readWrite ?? []) {
    parents(p);
    args.push('--bind', p, p);
  }
  parents(spec.homeTarget);
  args.push('--bind', spec.homeSource, spec.homeTarget);
  args.push('--chdir', spec.cwd);
  args.push(
    '--',
    '/usr/bin/setpriv',
    `--reuid=${spec.uid}`,
    `--regid=${spec.gid}`,
    '--clear-groups',
    '--inh-caps=-all',
    '--bounding-set=-all',
    '--no-new-privs',
    '--',
    '/usr/bin/prlimit',
    `--nproc=${spec.rlimits.processes}`,
    `--fsize=${spec.rlimits.fileBytes}`,
    `--nofile=${spec.rlimits.openFiles}`,
    '--',
    ...spec.command,
  );
  return args;
}

/**
 * The launcher node-pty runs: a POSIX sh that writes its own pid into each cgroup's `cgroup.procs` and then execs
 * bwrap, so the shell is inside its limits before it runs anything (no window in which a fork escapes).
 */
export function cgroupEntryCommand(
  procsFiles: string[],
  bwrap: string,
  bwrapArgv: string[],
): {file: string; args: string[]} {
  const script = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 97; shift; n=$((n-1)); done; exec "$@"';
  return {
    file: '/bin/sh',
    args: ['-c', script, 'lab-enter', String(procsFiles.length), ...procsFiles, bwrap, ...bwrapArgv],
  };
}

/**
 * Inside the sandbox, before the shell: start the network relay (net-relay.mjs) on the bridge folder and wait until it
 * listens (it closes its stdout then), so the attendee's first command already finds its ports. A relay that fails
 * is reported in the terminal and the shell starts anyway (it then reaches nothing but its own loopback).
 */
export function withNetRelay(relay: string, bridgeDir: string, command: string[]): string[] {
  const script =
    'r=$(node "$1" "$2" 2>/dev/null &); [ "$r" = ready ] || echo "lab: the network relay did not start${r:+ ($r)}" >&2; shift 2; exec "$@"';
  return ['/bin/sh', '-c', script, 'lab-net', relay, bridgeDir, ...command];
}
