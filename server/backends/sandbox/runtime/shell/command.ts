import type {ContainerEnv} from '../pod-env';
import type {Shell} from './shell';
import type {Input, Output} from './streams';
import type {VirtualFs} from './virtual-fs';

/** What a command gets: its argv and streams, the container it runs in, and the shell that started it. */
export interface CommandContext {
  argv: string[];
  stdin: Input;
  stdout: Output;
  stderr: Output;
  /** the exported environment */
  env: Record<string, string>;
  cwd: string;
  container: ContainerEnv;
  fs: VirtualFs;
  shell: Shell;
  /** aborted on Ctrl-C (TTY) or when the exec connection goes away */
  signal: AbortSignal;
  /** the terminal, if the exec has one (interactive commands) */
  tty: boolean;
}

/** A command "installed" in an image. Returns the exit status; never runs a host process. */
export type Command = (ctx: CommandContext) => Promise<number>;

/** the error prefix busybox applets and coreutils use: "cat: /x: No such file or directory" */
export const fail = (ctx: CommandContext, msg: string, code = 1): number => {
  ctx.stderr.write(`${ctx.argv[0]}: ${msg}\n`);
  return code;
};
