/**
 * Runs a step's verify command beside the learner's terminal, not in it: `bash -c` in a child process with the
 * session's environment and working directory, so retries never clutter what the learner sees. When the shell is
 * isolated (a workshop attendee's, server/isolation: bubblewrap, its own user, mount and network namespaces), the
 * command runs in there with `nsenter` (the lab being root): the attendee's files, HOME and current directory, its
 * own published ports and sandbox bridge, as its own user, so `test -f ~/ambient-lab/.ready` or `curl
 * localhost:9080` checks what the attendee's shell sees.
 */
import {spawn} from 'node:child_process';
import {existsSync, readFileSync, readlinkSync} from 'node:fs';
import type {ShellEnvironment} from '../backends/types';

export interface VerifyOutcome {
  exitCode: number;
  /** stdout and stderr interleaved (as `2>&1`), bounded: the tail is kept */
  output: string;
  /** the attempt was killed at its timeout */
  timedOut: boolean;
}

/** One attempt of a verify command; the engine retries it with backoff. */
export type VerifyRunner = (command: string, options: {timeoutMs: number}) => Promise<VerifyOutcome>;

export interface VerifyRunnerOptions {
  /** output kept per attempt (default 64 KiB) */
  maxOutputBytes?: number;
  /**
   * pid of the learner's bash: each attempt then runs in that shell's current directory (a step may `cd`), where
   * the platform shows it (/proc on Linux); otherwise in ShellEnvironment.cwd. Exported variables stay unseen.
   */
  followShellPid?: number;
  /** the environment of an isolated shell (HOME, KUBECONFIG and PATH as inside it), for verifies run in there */
  isolatedEnv?: Record<string, string>;
}

const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;

export function createVerifyRunner(shell: ShellEnvironment, options: VerifyRunnerOptions = {}): VerifyRunner {
  const maxOutput = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  if (!Number.isInteger(maxOutput) || maxOutput <= 0) {
    throw new RangeError(`maxOutputBytes must be a positive integer, got ${maxOutput}`);
  }
  return (command, {timeoutMs}) =>
    new Promise<VerifyOutcome>((resolve) => {
      const inside = isolatedShell(options.followShellPid);
      // an isolated shell (a workshop attendee's, in its own mount and network namespaces as its own user): the
      // verify runs where that bash is, as it sees things: its files and HOME, its cwd, its network, its user
      const argv = inside
        ? [
            NSENTER,
            `--target=${inside.pid}`,
            '--mount',
            ...(inside.ownNetwork ? ['--net'] : []),
            '--root',
            '--wd',
            `--setgid=${inside.gid}`,
            `--setuid=${inside.uid}`,
            '--',
            'bash',
            '-c',
            command,
          ]
        : ['bash', '-c', command];
      const child = spawn(argv[0]!, argv.slice(1), {
        cwd: inside ? '/' : (currentDirectory(options.followShellPid) ?? shell.cwd),
        env: {...(inside ? {} : process.env), ...(inside ? (options.isolatedEnv ?? shell.env) : shell.env)},
        stdio: ['ignore', 'pipe', 'pipe'],
        // own process group, so a timeout kills the whole pipeline, not only bash
        detached: true,
      });
      let output = '';
      const append = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.length > maxOutput * 2) output = output.slice(-maxOutput);
      };
      child.stdout.on('data', append);
      child.stderr.on('data', append);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid);
      }, timeoutMs);
      let settled = false;
      const finish = (exitCode: number) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({exitCode, output: output.slice(-maxOutput), timedOut});
      };
      child.on('error', (error) => {
        output += `cannot run bash: ${error.message}`;
        finish(127);
      });
      child.on('close', (code, signal) => finish(code ?? (signal ? 128 + signalNumber(signal) : 1)));
    });
}

const NSENTER = '/usr/bin/nsenter';

/**
 * The bash of an isolated shell: the first descendant of the session's process (breadth-first, a few levels: sh →
 * bwrap → its init → bash) that is a bash in another mount namespace than ours, with its user and whether its
 * network is its own. Undefined for a shell of our own (the lone learner's), or where this process could not enter
 * it (not root, no nsenter, not Linux).
 */
function isolatedShell(
  pid: number | undefined,
): {pid: number; uid: number; gid: number; ownNetwork: boolean} | undefined {
  if (pid === undefined || process.getuid?.() !== 0 || !existsSync(NSENTER)) return undefined;
  try {
    const ownMount = readlinkSync('/proc/self/ns/mnt');
    const ownNet = readlinkSync('/proc/self/ns/net');
    let level = [pid];
    for (let depth = 0; depth < 5 && level.length > 0; depth++) {
      const next: number[] = [];
      for (const p of level) {
        const comm = readFileSync(`/proc/${p}/comm`, 'utf8').trim();
        if (comm === 'bash' && readlinkSync(`/proc/${p}/ns/mnt`) !== ownMount) {
          const status = readFileSync(`/proc/${p}/status`, 'utf8');
          const id = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
          const [uid, gid] = [id('Uid'), id('Gid')];
          if (!Number.isInteger(uid) || !Number.isInteger(gid)) return undefined;
          return {pid: p, uid, gid, ownNetwork: readlinkSync(`/proc/${p}/ns/net`) !== ownNet};
        }
        const children = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim();
        if (children) next.push(...children.split(/\s+/).map(Number));
      }
      level = next;
    }
  } catch {
    // the shell is gone, or this is not Linux: run as a shell of our own
  }
  return undefined;
}

function currentDirectory(pid: number | undefined): string | undefined {
  if (pid === undefined) return undefined;
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined; // not Linux, or the shell is gone
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : signal === 'SIGINT' ? 2 : 1;
}
