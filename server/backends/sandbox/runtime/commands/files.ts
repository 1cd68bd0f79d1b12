import type {Command, CommandContext} from '../shell/shell';
import {fail} from '../shell/shell';
import {lines, readAllInput} from '../shell/streams';

const operands = (ctx: CommandContext) => ctx.argv.slice(1).filter((a) => !a.startsWith('-') || a === '-');

/** the text of each operand (or stdin), reporting unreadable files the way coreutils/busybox do */
async function* inputs(ctx: CommandContext, files: string[]): AsyncGenerator<string | null> {
  if (files.length === 0 || (files.length === 1 && files[0] === '-')) {
    yield await readAllInput(ctx.stdin);
    return;
  }
  for (const f of files) {
    if (f === '-') {
      yield await readAllInput(ctx.stdin);
      continue;
    }
    const r = ctx.fs.read(ctx.fs.resolve(ctx.cwd, f));
    if (r.ok) yield r.value;
    else {
      ctx.stderr.write(`${ctx.argv[0]}: ${f}: ${r.error}\n`);
      yield null;
    }
  }
}

/** cat streams stdin line by line, so `kubectl exec -it … -- cat` echoes as you type */
const cat: Command = async (ctx) => {
  const files = operands(ctx);
  if (files.length === 0) {
    for await (const chunk of streamChunks(ctx)) ctx.stdout.write(chunk);
    return 0;
  }
  let status = 0;
  for await (const text of inputs(ctx, files)) {
    if (text === null) status = 1;
    else ctx.stdout.write(text);
  }
  return status;
};

async function* streamChunks(ctx: CommandContext): AsyncGenerator<Buffer> {
  for (let c = await ctx.stdin.read(); c !== null; c = await ctx.stdin.read()) yield c;
}

const ls: Command = async (ctx) => {
  const flags = ctx.argv
    .slice(1)
    .filter((a) => a.startsWith('-'))
    .join('');
  const long = flags.includes('l');
  const all = flags.includes('a');
  const targets = operands(ctx);
  let status = 0;
  const list = targets.length ? targets : ['.'];
  for (const t of list) {
    const path = ctx.fs.resolve(ctx.cwd, t);
    const r = ctx.fs.list(path);
    if (!r.ok) {
      ctx.stderr.write(`ls: ${t}: ${r.error}\n`);
      status = 1;
      continue;
    }
    if (list.length > 1 && ctx.fs.isDir(path)) ctx.stdout.write(`${t}:\n`);
    const names = (all ? ['.', '..', ...r.value] : r.value).filter((n) => all || !n.startsWith('.'));
    if (long) {
      const user = ctx.container.image.user;
      for (const n of names) {
        const p = ctx.fs.isDir(path) ? `${path === '/' ? '' : path}/${n}` : path;
        const dir = ctx.fs.isDir(p);
        const owner = p.startsWith(user.home) ? user.name : 'root';
        const size = dir ? 4096 : ctx.fs.read(p).ok ? Buffer.byteLength((ctx.fs.read(p) as {value: string}).value) : 0;
        ctx.stdout.write(
          `${dir ? 'drwxr-xr-x' : '-rw-r--r--'}    1 ${owner.padEnd(8)} ${owner.padEnd(8)} ${String(size).padStart(8)} Jan 23 10:00 ${n}\n`,
        );
      }
    } else if (names.length) ctx.stdout.write(ctx.tty ? names.join('  ') + '\n' : names.join('\n') + '\n');
  }
  return status;
};

const count = (ctx: CommandContext, dflt = 10) => {
  const i = ctx.argv.findIndex((a) => a === '-n' || /^-n?\d+$/.test(a));
  if (i < 0) return dflt;
  const a = ctx.argv[i]!;
  return a === '-n' ? Number(ctx.argv[i + 1]) : Number(a.replace(/^-n?/, ''));
};
const fileArgs = (ctx: CommandContext) => {
  const out: string[] = [];
  for (let i = 1; i < ctx.argv.length; i++) {
    const a = ctx.argv[i]!;
    if (a === '-n') i++;
    else if (!a.startsWith('-')) out.push(a);
  }
  return out;
};

const head: Command = async (ctx) => {
  const n = count(ctx);
  const files = fileArgs(ctx);
  if (files.length === 0) {
    // stream stdin and stop after n lines, so an endless writer before the pipe gets SIGPIPE
    let seen = 0;
    if (n > 0)
      for await (const line of lines(ctx.stdin)) {
        ctx.stdout.write(line);
        if (++seen >= n) break;
      }
    return 0;
  }
  for await (const text of inputs(ctx, files))
    if (text !== null)
      ctx.stdout.write(
        text
          .split(/(?<=\n)/)
          .slice(0, n)
          .join(''),
      );
  return 0;
};

const tail: Command = async (ctx) => {
  const n = count(ctx);
  for await (const text of inputs(ctx, fileArgs(ctx)))
    if (text !== null)
      ctx.stdout.write(
        n === 0
          ? ''
          : text
              .split(/(?<=\n)/)
              .slice(-n)
              .join(''),
      );
  return 0;
};

const wc: Command = async (ctx) => {
  const flags = ctx.argv
    .slice(1)
    .filter((a) => a.startsWith('-'))
    .join('');
  for await (const text of inputs(ctx, operands(ctx))) {
    if (text === null) continue;
    const counts = {
      l: (text.match(/\n/g) ?? []).length,
      w: text.split(/\s+/).filter(Boolean).length,
      c: Buffer.byteLength(text),
    };
    const pick = flags ? (['l', 'w', 'c'] as const).filter((f) => flags.includes(f)) : (['l', 'w', 'c'] as const);
    ctx.stdout.write(
      pick.map((k) => (pick.length === 1 ? String(counts[k]) : String(counts[k]).padStart(7))).join(' ') + '\n',
    );
  }
  return 0;
};

/** grep PATTERN [FILE]: -i -v -c -q -o -E; line by line so it works at the end of a pipe */
const grep: Command = async (ctx) => {
  const args = ctx.argv.slice(1);
  const flags = new Set<string>();
  const rest: string[] = [];
  for (const a of args)
    if (/^-[ivcqoEFnw]+$/.test(a)) for (const f of a.slice(1)) flags.add(f);
    else rest.push(a);
  const [pattern, ...files] = rest;
  if (pattern === undefined) return fail(ctx, 'usage: grep [-ivcqoE] PATTERN [FILE]...', 2);
  let re: RegExp;
  try {
    const src = flags.has('F')
      ? pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      : flags.has('E')
        ? pattern
        : pattern
            .replace(/\\([|()+?{}])/g, '\u0000$1')
            .replace(/([|()+?{}])/g, '\\$1')
            .replace(/\u0000/g, '');
    re = new RegExp(flags.has('w') ? `\\b(?:${src})\\b` : src, flags.has('i') ? 'gi' : 'g');
  } catch {
    return fail(ctx, `bad regex '${pattern}'`, 2);
  }
  let matched = 0;
  const onLine = (line: string) => {
    re.lastIndex = 0;
    const hit = re.test(line);
    if (hit === flags.has('v')) return;
    matched++;
    if (flags.has('q') || flags.has('c')) return;
    if (flags.has('o')) for (const m of line.matchAll(re)) ctx.stdout.write(`${m[0]}\n`);
    else ctx.stdout.write(line.endsWith('\n') ? line : `${line}\n`);
  };
  if (files.length === 0) for await (const line of lines(ctx.stdin)) onLine(line);
  else
    for await (const text of inputs(ctx, files))
      if (text !== null) for (const l of text.split(/(?<=\n)/)) if (l) onLine(l);
  if (flags.has('c')) ctx.stdout.write(`${matched}\n`);
  return matched > 0 ? 0 : 1;
};

const tr: Command = async (ctx) => {
  const del = ctx.argv[1] === '-d';
  const [from, to = ''] = del ? [ctx.argv[2] ?? ''] : [ctx.argv[1] ?? '', ctx.argv[2] ?? ''];
  const expandSet = (s: string) =>
    s
      .replace(/(.)-(.)/g, (_m, a: string, b: string) => {
        let r = '';
        for (let c = a.charCodeAt(0); c <= b.charCodeAt(0); c++) r += String.fromCharCode(c);
        return r;
      })
      .replace(/\\n/g, '\n');
  const f = expandSet(from);
  const t = expandSet(to);
  const text = await readAllInput(ctx.stdin);
  ctx.stdout.write(
    [...text]
      .map((c) => {
        const i = f.indexOf(c);
        return i < 0 ? c : del ? '' : (t[Math.min(i, t.length - 1)] ?? '');
      })
      .join(''),
  );
  return 0;
};

export const FILE_COMMANDS: Record<string, Command> = {cat, ls, head, tail, wc, grep, tr};

/** sort [-r] [-n] [-u] */
const sort: Command = async (ctx) => {
  const flags = ctx.argv
    .slice(1)
    .filter((a) => a.startsWith('-'))
    .join('');
  const files = operands(ctx);
  let all: string[] = [];
  for await (const text of inputs(ctx, files))
    if (text !== null) all.push(...text.split('\n').filter((l, i, arr) => l !== '' || i < arr.length - 1));
  all = flags.includes('n')
    ? all.sort((a, b) => (Number.parseFloat(a) || 0) - (Number.parseFloat(b) || 0))
    : all.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (flags.includes('r')) all.reverse();
  if (flags.includes('u')) all = all.filter((l, i) => i === 0 || l !== all[i - 1]);
  ctx.stdout.write(all.map((l) => `${l}\n`).join(''));
  return 0;
};

/** uniq [-c]: adjacent duplicates, as after sort */
const uniq: Command = async (ctx) => {
  const counts = ctx.argv.includes('-c');
  const out: [string, number][] = [];
  for await (const text of inputs(ctx, operands(ctx))) {
    if (text === null) continue;
    for (const l of text.replace(/\n$/, '').split('\n')) {
      const last = out[out.length - 1];
      if (last && last[0] === l) last[1]++;
      else out.push([l, 1]);
    }
  }
  ctx.stdout.write(out.map(([l, n]) => (counts ? `${String(n).padStart(7)} ${l}\n` : `${l}\n`)).join(''));
  return 0;
};

/** cut -d DELIM -f LIST (fields 1-based, "1,3" or "2-") */
const cut: Command = async (ctx) => {
  let delim = '\t';
  let fields = '';
  const files: string[] = [];
  const a = ctx.argv.slice(1);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x === '-d') delim = a[++i] ?? '\t';
    else if (x.startsWith('-d')) delim = x.slice(2);
    else if (x === '-f') fields = a[++i] ?? '';
    else if (x.startsWith('-f')) fields = x.slice(2);
    else files.push(x);
  }
  if (!fields) return fail(ctx, 'you must specify a list of bytes, characters, or fields', 1);
  const want = (n: number) =>
    fields.split(',').some((r) => {
      const [lo, hi] = r.split('-');
      if (hi === undefined) return Number(lo) === n;
      return n >= (lo ? Number(lo) : 1) && (hi === '' || n <= Number(hi));
    });
  for await (const text of inputs(ctx, files)) {
    if (text === null) continue;
    for (const l of text.replace(/\n$/, '').split('\n')) {
      const parts = l.split(delim);
      ctx.stdout.write(`${parts.length === 1 ? l : parts.filter((_, i) => want(i + 1)).join(delim)}\n`);
    }
  }
  return 0;
};

/** seq [FIRST [STEP]] LAST */
const seq: Command = async (ctx) => {
  const n = ctx.argv.slice(1).map(Number);
  if (n.length === 0 || n.some((x) => !Number.isFinite(x))) return fail(ctx, `invalid argument`, 1);
  const [first, step, last] =
    n.length === 1 ? [1, 1, n[0]!] : n.length === 2 ? [n[0]!, 1, n[1]!] : [n[0]!, n[1]!, n[2]!];
  const out: string[] = [];
  for (let x = first; step > 0 ? x <= last : x >= last; x += step) {
    out.push(String(x));
    if (out.length > 100_000) break;
  }
  ctx.stdout.write(out.map((x) => `${x}\n`).join(''));
  return 0;
};

/** touch FILE…: create empty files where the user may write */
const touch: Command = async (ctx) => {
  let status = 0;
  for (const f of operands(ctx)) {
    const path = ctx.fs.resolve(ctx.cwd, f);
    const w = ctx.fs.read(path).ok ? {ok: true as const} : ctx.fs.write(path, '', true);
    if (!w.ok) {
      ctx.stderr.write(`touch: ${f}: ${'error' in w ? w.error : ''}\n`);
      status = 1;
    }
  }
  return status;
};

export const MORE_FILE_COMMANDS: Record<string, Command> = {sort, uniq, cut, seq, touch};
