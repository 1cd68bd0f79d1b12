/**
 * Finding and killing every process a terminal session started, from /proc (Linux).
 *
 * Killing bash alone is not enough: interactive bash puts each job in its own process group, `nohup` ignores
 * SIGHUP, and `(setsid cmd &)` leaves a process in a new session whose parent has already exited. So a session's
 * processes are the union of
 *   - the members of bash's session (/proc/<pid>/stat field 6 == bash's pid; node-pty makes bash a session leader),
 *   - the descendants of those by parent pid (a `setsid` child whose parent is still alive),
 *   - processes carrying the session's marker in their environment (orphans of `(setsid cmd &)`: re-parented to
 *     init, in another session, but they inherited the environment).
 */
import {readdirSync, readFileSync} from 'node:fs';

export interface ProcInfo {
  pid: number;
  ppid: number;
  /** session id (field 6 of /proc/<pid>/stat) */
  sid: number;
  /** one-letter state; Z (zombie) and X (dead) count as gone */
  state: string;
}

/** Parses /proc/<pid>/stat. The command name (field 2) may contain spaces and parentheses: split after the last ')'. */
export function parseStat(stat: string): ProcInfo | undefined {
  const close = stat.lastIndexOf(')');
  if (close === -1) return undefined;
  const pid = Number.parseInt(stat, 10);
  const rest = stat.slice(close + 2).split(' ');
  // rest: [0]=state [1]=ppid [2]=pgrp [3]=session
  const state = rest[0];
  const ppid = Number(rest[1]);
  const sid = Number(rest[3]);
  if (!state || !Number.isInteger(pid) || !Number.isInteger(ppid) || !Number.isInteger(sid)) return undefined;
  return {pid, ppid, sid, state};
}

/** All live (non-zombie) processes visible in /proc. */
export function listProcesses(procRoot = '/proc'): ProcInfo[] {
  const result: ProcInfo[] = [];
  for (const name of readdirSync(procRoot)) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`${procRoot}/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const info = parseStat(stat);
    if (info && info.state !== 'Z' && info.state !== 'X') result.push(info);
  }
  return result;
}

/** true if the process's environment holds exactly `entry` ("NAME=value"); false when unreadable (not ours). */
export function hasEnvEntry(pid: number, entry: string, procRoot = '/proc'): boolean {
  try {
    const environ = readFileSync(`${procRoot}/${pid}/environ`, 'latin1');
    return environ.split('\0').includes(entry);
  } catch {
    return false;
  }
}

export interface SessionProcessQuery {
  /** bash's pid: session leader and root of the tree */
  leader: number;
  /** "NAME=value" exported to the session's shell, inherited by everything it starts */
  envMarker?: string;
  /** never report these (the server itself) */
  exclude?: number[];
  procRoot?: string;
}

/** Pids of every live process belonging to the session (see the file comment), leader included if alive. */
export function sessionProcesses(query: SessionProcessQuery): number[] {
  const procs = listProcesses(query.procRoot);
  const exclude = new Set([process.pid, ...(query.exclude ?? [])]);
  const found = new Set<number>();
  for (const p of procs) {
    if (p.pid === query.leader || p.sid === query.leader) found.add(p.pid);
  }
  if (query.envMarker) {
    for (const p of procs) {
      if (!found.has(p.pid) && !exclude.has(p.pid) && hasEnvEntry(p.pid, query.envMarker, query.procRoot))
        found.add(p.pid);
    }
  }
  // Descendants of anything found so far, to a fixed point.
  const children = new Map<number, number[]>();
  for (const p of procs) {
    const list = children.get(p.ppid);
    if (list) list.push(p.pid);
    else children.set(p.ppid, [p.pid]);
  }
  const queue = [...found];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    for (const child of children.get(pid) ?? []) {
      if (!found.has(child)) {
        found.add(child);
        queue.push(child);
      }
    }
  }
  for (const pid of exclude) found.delete(pid);
  return [...found];
}

/** Sends a signal to each pid, ignoring processes that are already gone. */
export function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // ESRCH: already exited; EPERM: not ours (pid reused) — either way nothing to do
    }
  }
}

export interface KillTreeOptions extends SessionProcessQuery {
  /**
   * time between SIGHUP and the first SIGKILL, so programs can save state and run their exit traps (default 1.5 s;
   * processes that exit at once end the wait at once). 300 ms was too short for a shell still in its rc file: a
   * shell under a PTY hung up 0.2-0.35 s into a `pyenv init` rc was still running it 300 ms later, was killed, and
   * left pyenv's rehash lock behind (every later shell on the machine then waited 60 s); given 1 s it exited cleanly.
   */
  graceMs?: number;
  /** give up after this long (default 5 s); the survivors are returned */
  timeoutMs?: number;
  /** polling interval (default 20 ms) */
  pollMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * SIGHUP to every process of the session, a short grace, then SIGKILL to whatever is left, repeated until
 * nothing of the session remains (a process may fork while we kill). Resolves with the pids that survived the
 * timeout (normally none).
 */
export async function killSessionProcesses(options: KillTreeOptions): Promise<number[]> {
  const graceMs = options.graceMs ?? 1500;
  const timeoutMs = options.timeoutMs ?? 5000;
  const pollMs = options.pollMs ?? 20;
  const deadline = Date.now() + timeoutMs;

  let pids = sessionProcesses(options);
  if (pids.length === 0) return [];
  signalAll(pids, 'SIGHUP');
  const graceEnd = Date.now() + graceMs;
  while (Date.now() < graceEnd) {
    await sleep(pollMs);
    pids = sessionProcesses(options);
    if (pids.length === 0) return [];
  }
  for (;;) {
    pids = sessionProcesses(options);
    if (pids.length === 0) return [];
    if (Date.now() >= deadline) return pids;
    signalAll(pids, 'SIGKILL');
    await sleep(pollMs);
  }
}
