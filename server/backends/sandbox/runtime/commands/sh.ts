import {posix} from 'node:path';
import type {Command} from '../shell/shell';
import {interactive} from '../shell/repl';
import {ShellSyntaxError} from '../shell/ast';
import {parse} from '../shell/parser';
import {ExitSignal, Shell, type ShellIo} from '../shell/shell';
import {lines} from '../shell/streams';

/** sh / ash / dash / bash: `-c SCRIPT`, a script file, a script on stdin, or interactive on a TTY */
export const sh: Command = async (ctx) => {
  const kind = posix.basename(ctx.argv[0]!);
  const child = new Shell({...ctx.shell.opts, name: kind, pid: ctx.shell.pid + 6});
  for (const [k, v] of Object.entries(ctx.env)) child.vars.set(k, v);
  child.cwd = ctx.cwd;
  child.terminal = ctx.shell.terminal;
  const args = ctx.argv.slice(1).filter((a) => a !== '-l' && a !== '-i' && a !== '-e' && a !== '-x');
  const io = {stdin: ctx.stdin, stdout: ctx.stdout, stderr: ctx.stderr};
  if (args[0] === '-c') {
    if (args[1] === undefined) {
      ctx.stderr.write(`${kind}: -c requires an argument\n`);
      return 2;
    }
    return child.runToExit(args[1], io);
  }
  if (args[0] !== undefined) {
    const f = ctx.fs.read(ctx.fs.resolve(ctx.cwd, args[0]));
    if (!f.ok) {
      ctx.stderr.write(`${kind}: can't open '${args[0]}': ${f.error}\n`);
      return 2;
    }
    return child.runToExit(f.value, io);
  }
  if (ctx.tty && ctx.shell.terminal) return interactive(child, io, kind, ctx.shell.terminal);
  return fromStdin(child, io);
};

/** the parser's complaints that only mean "the command goes on on the next line" */
const INCOMPLETE = /end of file unexpected|Unterminated quoted string|Missing '\}'|missing "\)\)"/;

/**
 * A script read from stdin runs command by command as its lines arrive, as sh does: `kubectl attach -i` to a
 * shell (or `kubectl exec -i … -- sh`) answers each line before the next is typed, and stdin need not end.
 */
async function fromStdin(child: Shell, io: ShellIo): Promise<number> {
  let pending = '';
  try {
    for await (const line of lines(io.stdin)) {
      pending += line;
      try {
        parse(pending);
      } catch (e) {
        if (e instanceof ShellSyntaxError && INCOMPLETE.test(e.message)) continue;
      }
      const script = pending;
      pending = '';
      await child.run(script, io);
    }
    if (pending) await child.run(pending, io);
  } catch (e) {
    if (e instanceof ExitSignal) return e.code;
    throw e;
  }
  return child.status;
}
