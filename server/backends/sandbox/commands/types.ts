/**
 * What a sandbox command (k3d, docker, later istioctl) gets when the shim on the learner's PATH runs it: argv, the
 * shell's cwd and terminal facts, output streams back to that shell, lazily-read stdin, and the learner's sandbox.
 * Commands run in the lab process against the store; the shim only carries bytes.
 */
import type {LearnerSandbox} from '../backend/learner-sandbox';

export interface CommandOutput {
  write(text: string | Buffer): void;
}

export interface CommandIO {
  /** argv after the command name */
  args: string[];
  /** the shell's working directory (the shim reports it; files are read from there) */
  cwd: string;
  stdout: CommandOutput;
  stderr: CommandOutput;
  isTTY: {stdin: boolean; stdout: boolean; stderr: boolean};
  size: {cols: number; rows: number};
  /** one line of stdin (without the newline), or null at end of input; asking is what starts the shim reading */
  readLine(): Promise<string | null>;
  /** aborted when the shim goes away (Ctrl+C, closed terminal): long commands stop early */
  signal: AbortSignal;
  /** when the command started (k3d's INFO[0003] counts seconds from here) */
  startedAt: number;
}

/** A command's implementation: resolves to the exit code. */
export type SandboxCommand = (io: CommandIO, sandbox: LearnerSandbox) => Promise<number>;
