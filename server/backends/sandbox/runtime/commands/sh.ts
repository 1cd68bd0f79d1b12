import {posix} from 'node:path';
import type {Command} from '../shell/shell';
import {interactive} from '../shell/repl';
import {Shell} from '../shell/shell';
import {readAllInput} from '../shell/streams';

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
  return child.runToExit(await readAllInput(ctx.stdin), io);
};
