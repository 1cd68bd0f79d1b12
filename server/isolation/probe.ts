/**
 * What this machine offers for isolating attendee shells: bubblewrap, and which cgroup controllers we may write.
 * Read once at start; the workshop refuses `--lan` when bubblewrap is missing and says how to install it.
 */
import {execFileSync} from 'node:child_process';
import {accessSync, constants, existsSync, readFileSync} from 'node:fs';
import path from 'node:path';

export type CgroupController = 'pids' | 'memory' | 'cpu';

/** where a controller's per-attendee groups go: a cgroup v2 directory with the controller enabled, or a v1 hierarchy */
export interface CgroupMount {
  version: 1 | 2;
  /** the directory under which we create our own groups */
  dir: string;
}

export interface IsolationProbe {
  /** bubblewrap's path and version, when installed */
  bwrap?: {path: string; version: string};
  /** the controllers we can write to, and where */
  cgroups: Partial<Record<CgroupController, CgroupMount>>;
  /** the lab runs as root: it can hand each attendee its own uid (per-uid process limits) */
  root: boolean;
  /** `dev.tty.legacy_tiocsti`: 1 means a process may push input into its controlling terminal (see README) */
  legacyTiocsti?: boolean;
  /** what an operator should know (missing pieces), in plain words */
  notes: string[];
}

export const BWRAP_INSTALL_HINT =
  'install bubblewrap: sudo apt-get install bubblewrap (Debian/Ubuntu) or sudo dnf install bubblewrap';

export interface ProbeOptions {
  /** default /sys/fs/cgroup */
  cgroupRoot?: string;
  /** default: bwrap from PATH */
  bwrapPath?: string;
  /** default: /proc/self/cgroup */
  selfCgroupFile?: string;
}

export function probeIsolation(opts: ProbeOptions = {}): IsolationProbe {
  const notes: string[] = [];
  const bwrap = findBwrap(opts.bwrapPath);
  if (!bwrap) notes.push(`bubblewrap (bwrap) is not installed: ${BWRAP_INSTALL_HINT}`);
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root)
    notes.push(
      'the lab is not running as root: attendees share one uid and per-attendee process limits use cgroups only',
    );
  const cgroups = findCgroups(opts.cgroupRoot ?? '/sys/fs/cgroup', opts.selfCgroupFile ?? '/proc/self/cgroup');
  for (const c of ['pids', 'memory', 'cpu'] as const) {
    if (!cgroups[c]) notes.push(`no writable ${c} cgroup: ${c} limits fall back to rlimits`);
  }
  let legacyTiocsti: boolean | undefined;
  try {
    legacyTiocsti = readFileSync('/proc/sys/dev/tty/legacy_tiocsti', 'utf8').trim() === '1';
  } catch {
    // kernels before 6.2 have no switch (TIOCSTI is always allowed there)
  }
  return {bwrap, cgroups, root, legacyTiocsti, notes};
}

function findBwrap(explicit?: string): IsolationProbe['bwrap'] {
  const candidates = explicit ? [explicit] : (process.env.PATH ?? '').split(':').map((d) => path.join(d, 'bwrap'));
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      const out = execFileSync(file, ['--version'], {encoding: 'utf8', timeout: 5000}).trim();
      return {path: file, version: out.replace(/^bubblewrap\s+/, '')};
    } catch {
      // not here, or not runnable
    }
  }
  return undefined;
}

/**
 * cgroup v2 first: the unified hierarchy's directory of this process, when the controller is listed in its
 * `cgroup.subtree_control` (so children may use it). Else cgroup v1: the controller's own hierarchy, at the path
 * /proc/self/cgroup gives for it. Either way the directory must be writable (root, or delegated to us).
 */
export function findCgroups(root: string, selfCgroupFile: string): Partial<Record<CgroupController, CgroupMount>> {
  const found: Partial<Record<CgroupController, CgroupMount>> = {};
  let self: string;
  try {
    self = readFileSync(selfCgroupFile, 'utf8');
  } catch {
    return found;
  }
  const lines = self.split('\n').filter(Boolean);
  const v2Path = lines.find((l) => l.startsWith('0::'))?.slice(3);
  for (const v2Root of [root, path.join(root, 'unified')]) {
    if (v2Path === undefined || !existsSync(path.join(v2Root, 'cgroup.controllers'))) continue;
    const dir = path.join(v2Root, v2Path);
    const enabled = readWords(path.join(dir, 'cgroup.subtree_control'));
    for (const c of ['pids', 'memory', 'cpu'] as const) {
      if (enabled.includes(c) && writable(dir)) found[c] = {version: 2, dir};
    }
  }
  for (const line of lines) {
    const [, controllers, groupPath] = line.split(':');
    if (!controllers || groupPath === undefined) continue;
    for (const c of controllers.split(',')) {
      if ((c === 'pids' || c === 'memory' || c === 'cpu') && !found[c]) {
        const dir = path.join(root, c, groupPath);
        if (existsSync(path.join(dir, 'cgroup.procs')) && writable(dir)) found[c] = {version: 1, dir};
      }
    }
  }
  return found;
}

function readWords(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').trim().split(/\s+/);
  } catch {
    return [];
  }
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
