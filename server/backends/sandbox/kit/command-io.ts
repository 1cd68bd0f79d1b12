/**
 * What a command run from the learner's shell gets (k3d, docker, istioctl, and what `docker exec` runs in a node):
 * argv, the shell's cwd and terminal facts, output streams back to that shell, and lazily-read stdin. The shim on
 * the shell's PATH only carries bytes; commands run in the lab process.
 */
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
