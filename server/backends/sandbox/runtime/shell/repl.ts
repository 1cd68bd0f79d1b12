import type {TerminalHooks} from './line-discipline';
import {ExitSignal, type Shell, type ShellIo} from './shell';

/** the prompt each shell prints by default: ash "~ $ ", dash "$ ", bash "root@pod:/dir# " */
export function prompt(shell: Shell, kind: string): string {
  const user = shell.opts.container.image.user;
  const mark = user.uid === 0 ? '#' : '$';
  const home = user.home;
  const cwd =
    shell.cwd === home ? '~' : shell.cwd.startsWith(`${home}/`) ? `~${shell.cwd.slice(home.length)}` : shell.cwd;
  if (kind === 'bash') return `${user.name}@${shell.opts.container.hostname}:${cwd}${mark} `;
  if (shell.opts.flavor === 'dash') return `${mark} `;
  return `${cwd} ${mark} `;
}

/**
 * An interactive shell on a TTY: prompt, read a line, run it. Ctrl-C aborts the running command (the line
 * discipline calls `interrupt`), Ctrl-D at the prompt or `exit` ends the session.
 */
export async function interactive(shell: Shell, io: ShellIo, kind: string, terminal: TerminalHooks): Promise<number> {
  const setInterrupt = (fn: () => void) => terminal.onInterrupt(fn);
  for (;;) {
    io.stdout.write(prompt(shell, kind));
    let controller = new AbortController();
    setInterrupt(() => controller.abort());
    terminal.redraw = (typed) => io.stdout.write(`\r${prompt(shell, kind)}${typed}`);
    const chunk = await io.stdin.read();
    terminal.redraw = undefined;
    if (chunk === null) {
      if (kind === 'bash') io.stdout.write('exit\n');
      return shell.status;
    }
    const line = chunk.toString();
    if (controller.signal.aborted || !line.trim()) continue;
    terminal.history.push(line.replace(/\n$/, ''));
    if (terminal.history.length > 500) terminal.history.shift();
    controller = new AbortController();
    setInterrupt(() => controller.abort());
    shell.opts.signal = controller.signal;
    try {
      await shell.run(line, io);
    } catch (e) {
      if (e instanceof ExitSignal) return e.code;
      throw e;
    }
  }
}
