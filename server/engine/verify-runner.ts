/**
 * Runs a step's verify command beside the learner's terminal, not in it: `bash -c` in a child process with the
 * session's environment and working directory, so retries never clutter what the learner sees. When the shell has
 * a network namespace of its own (a workshop attendee's, server/isolation), the command runs in that namespace
 * (`nsenter --net`, the lab being root there): a verify that curls localhost:9080 then reaches the attendee's own
 * published port, and kubectl reaches the sandbox API through the attendee's bridge. Everything else (user, files,
 * the lab's kubeconfig) stays the lab's.
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
}

const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;

export function createVerifyRunner(shell: ShellEnvironment, options: VerifyRunnerOptions = {}): VerifyRunner {
  const maxOutput = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  if (!Number.isInteger(maxOutput) || maxOutput <= 0) {
    throw new RangeError(`maxOutputBytes must be a positive integer, got ${maxOutput}`);
  }
  return (command, {timeoutMs}) =>
    new Promise<VerifyOutcome>((resolve) => {
      const netns = shellNetwork(options.followShellPid);
      const argv = netns ? [NSENTER, `--net=${netns}`, '--', 'bash', '-c', command] : ['bash', '-c', command];
      const child = spawn(argv[0]!, argv.slice(1), {
        cwd: currentDirectory(options.followShellPid) ?? shell.cwd,
        env: {...process.env, ...shell.env},
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
 * The network namespace of the shell's process tree when it is not ours: the first descendant (breadth-first, a few
 * levels: sh → bwrap → its sandboxed child) living in another one. Undefined where there is none, or where this
 * process could not enter it (not root, no nsenter).
 */
function shellNetwork(pid: number | undefined): string | undefined {
  if (pid === undefined || process.getuid?.() !== 0 || !existsSync(NSENTER)) return undefined;
  try {
    const own = readlinkSync('/proc/self/ns/net');
    let level = [pid];
    for (let depth = 0; depth < 4 && level.length > 0; depth++) {
      const next: number[] = [];
      for (const p of level) {
        const ns = `/proc/${p}/ns/net`;
        if (readlinkSync(ns) !== own) return ns;
        const children = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim();
        if (children) next.push(...children.split(/\s+/).map(Number));
      }
      level = next;
    }
  } catch {
    // not Linux, or the shell is gone: run in our own network
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
