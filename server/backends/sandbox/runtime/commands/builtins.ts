import type {Command, CommandContext} from '../shell/shell';
import {fail} from '../shell/shell';
import {ExitSignal} from '../shell/shell';
import {lines} from '../shell/streams';

/** echo as ash/dash do it: -n, and backslash escapes (dash always, ash with -e) */
const echo: Command = async (ctx) => {
  let args = ctx.argv.slice(1);
  let newline = true;
  let escapes = ctx.shell.opts.flavor === 'dash';
  while (args[0] && /^-[neE]+$/.test(args[0])) {
    for (const f of args[0].slice(1)) {
      if (f === 'n') newline = false;
      if (f === 'e') escapes = true;
      if (f === 'E') escapes = false;
    }
    args = args.slice(1);
  }
  let s = args.join(' ');
  if (escapes) {
    const cut = s.indexOf('\\c');
    if (cut >= 0) {
      s = s.slice(0, cut);
      newline = false;
    }
    s = unescape(s);
  }
  ctx.stdout.write(s + (newline ? '\n' : ''));
  return 0;
};

function unescape(s: string): string {
  return s.replace(/\\(0[0-7]{0,3}|[abefnrtv\\])/g, (_, c: string) => {
    const map: Record<string, string> = {
      a: '\x07',
      b: '\b',
      e: '\x1b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
      '\\': '\\',
    };
    return c[0] === '0' ? String.fromCharCode(parseInt(c.slice(1) || '0', 8)) : map[c]!;
  });
}

/** printf FORMAT ARGS: %s %d %i %x %o %c %% with widths, the format reused while args remain */
const printf: Command = async (ctx) => {
  const [fmt, ...args] = ctx.argv.slice(1);
  if (fmt === undefined) return fail(ctx, 'usage: printf format [arg ...]', 2);
  let out = '';
  let i = 0;
  do {
    const used = i;
    out += unescape(fmt).replace(
      /%([-+ 0#]*)(\d*)(?:\.(\d+))?([sdixXoc%b])/g,
      (_m, flags: string, width: string, prec: string | undefined, conv: string) => {
        if (conv === '%') return '%';
        const a = args[i++] ?? '';
        let v: string;
        if (conv === 's') v = prec !== undefined ? a.slice(0, Number(prec)) : a;
        else if (conv === 'b') v = unescape(a);
        else if (conv === 'c') v = a.slice(0, 1);
        else {
          const n = Number.parseInt(a || '0', 10) || 0;
          v =
            conv === 'x'
              ? n.toString(16)
              : conv === 'X'
                ? n.toString(16).toUpperCase()
                : conv === 'o'
                  ? n.toString(8)
                  : String(n);
        }
        const w = Number(width || 0);
        return flags.includes('-') ? v.padEnd(w) : v.padStart(w, flags.includes('0') && conv !== 's' ? '0' : ' ');
      },
    );
    if (i === used) break;
  } while (i < args.length);
  ctx.stdout.write(out);
  return 0;
};

const cd: Command = async (ctx) => {
  const target = ctx.fs.resolve(ctx.shell.cwd, ctx.argv[1] ?? ctx.env.HOME ?? '/');
  if (!ctx.fs.isDir(target)) {
    ctx.stderr.write(`${ctx.shell.errPrefix()}cd: can't cd to ${ctx.argv[1]}: No such file or directory\n`);
    return 2;
  }
  ctx.shell.cwd = target;
  ctx.shell.vars.set('PWD', target);
  return 0;
};

const exit: Command = async (ctx) => {
  const code = ctx.argv[1] === undefined ? ctx.shell.status : Number(ctx.argv[1]);
  if (!Number.isInteger(code)) {
    ctx.stderr.write(`${ctx.shell.errPrefix()}exit: Illegal number: ${ctx.argv[1]}\n`);
    throw new ExitSignal(2);
  }
  throw new ExitSignal(((code % 256) + 256) % 256);
};

const exportCmd: Command = async (ctx) => {
  for (const a of ctx.argv.slice(1)) {
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (eq >= 0) ctx.shell.vars.set(name, a.slice(eq + 1));
    ctx.shell.exported.add(name);
  }
  if (ctx.argv.length === 1)
    for (const [k, v] of Object.entries(ctx.shell.env()).sort()) ctx.stdout.write(`export ${k}='${v}'\n`);
  return 0;
};

const unset: Command = async (ctx) => {
  for (const a of ctx.argv.slice(1)) {
    ctx.shell.vars.delete(a);
    ctx.shell.exported.delete(a);
  }
  return 0;
};

/** test / [: the string, integer and file tests scripts use */
const test: Command = async (ctx) => {
  let args = ctx.argv.slice(1);
  if (ctx.argv[0] === '[') {
    if (args[args.length - 1] !== ']') return fail(ctx, 'missing ]', 2);
    args = args.slice(0, -1);
  }
  const negate = args[0] === '!';
  if (negate) args = args.slice(1);
  const ok = evalTest(ctx, args);
  if (ok === undefined) return fail(ctx, `${args.join(' ')}: unexpected operator`, 2);
  return ok !== negate ? 0 : 1;
};

function evalTest(ctx: CommandContext, a: string[]): boolean | undefined {
  if (a.length === 0) return false;
  if (a.length === 1) return a[0] !== '';
  if (a.length === 2) {
    const [op, v] = a as [string, string];
    const path = ctx.fs.resolve(ctx.shell.cwd, v);
    if (op === '-z') return v === '';
    if (op === '-n') return v !== '';
    if (op === '-d') return ctx.fs.isDir(path);
    if (op === '-f' || op === '-r' || op === '-s') return !ctx.fs.isDir(path) && ctx.fs.read(path).ok;
    if (op === '-e') return ctx.fs.isDir(path) || ctx.fs.read(path).ok;
    if (op === '-x') return !!ctx.fs.executable(v);
    return undefined;
  }
  const [l, op, r] = a as [string, string, string];
  const n = (s: string) => Number.parseInt(s, 10);
  switch (op) {
    case '=':
    case '==':
      return l === r;
    case '!=':
      return l !== r;
    case '-eq':
      return n(l) === n(r);
    case '-ne':
      return n(l) !== n(r);
    case '-lt':
      return n(l) < n(r);
    case '-le':
      return n(l) <= n(r);
    case '-gt':
      return n(l) > n(r);
    case '-ge':
      return n(l) >= n(r);
  }
  return undefined;
}

/** read NAME...: one line of stdin into variables */
const read: Command = async (ctx) => {
  const names = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
  const it = lines(ctx.stdin);
  const first = await it.next();
  if (first.done) return 1;
  const words = first.value.replace(/\n$/, '').trim().split(/\s+/);
  (names.length ? names : ['REPLY']).forEach((n, i, all) =>
    ctx.shell.vars.set(n, i === all.length - 1 ? words.slice(i).join(' ') : (words[i] ?? '')),
  );
  return 0;
};

/** type / command -v: where a command comes from */
const typeCmd: Command = async (ctx) => {
  const names = ctx.argv.slice(1).filter((a) => a !== '-v');
  const brief = ctx.argv[0] === 'command';
  let status = 0;
  for (const n of names) {
    const path = ctx.fs.executable(n);
    if (['echo', 'printf', 'cd', 'exit', 'export', 'test', 'pwd', 'read', 'type', 'command'].includes(n))
      ctx.stdout.write(brief ? `${n}\n` : `${n} is a shell builtin\n`);
    else if (path) ctx.stdout.write(brief ? `${path}\n` : `${n} is ${path}\n`);
    else {
      status = 1;
      if (!brief) ctx.stdout.write(`${n}: not found\n`);
    }
  }
  return status;
};

export const SHELL_BUILTIN_COMMANDS: Record<string, Command> = {
  echo,
  printf,
  cd,
  exit,
  export: exportCmd,
  unset,
  set: async () => 0,
  ':': async () => 0,
  true: async () => 0,
  false: async () => 1,
  pwd: async (ctx) => (ctx.stdout.write(`${ctx.shell.cwd}\n`), 0),
  test,
  '[': test,
  read,
  type: typeCmd,
  command: typeCmd,
  kill: async () => 0,
};
