/**
 * Runs a step's verify command beside the learner's terminal, not in it: `bash -c` in a child process with the
 * session's environment and working directory, so retries never clutter what the learner sees.
 */
import {spawn} from 'node:child_process';
import {readlinkSync} from 'node:fs';
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
      const child = spawn('bash', ['-c', command], {
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
