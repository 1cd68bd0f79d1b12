import {posix} from 'node:path';
import type {Command, CommandContext} from '../shell/shell';
import type {Input} from '../shell/streams';
import {packTar, unpackTar, type TarEntry} from './tar-format';

/** all of stdin as bytes (an archive is binary) */
async function readBytes(input: Input): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let c = await input.read(); c !== null; c = await input.read()) parts.push(c);
  return Buffer.concat(parts);
}

interface TarArgs {
  mode?: 'c' | 'x' | 't';
  file?: string;
  dir?: string;
  verbose: boolean;
  paths: string[];
}

/** busybox tar's command line: old-style bundled flags (`tar cf - x`), -xmf, -C DIR, GNU long options */
function parseArgs(argv: string[]): TarArgs | string {
  const a: TarArgs = {verbose: false, paths: []};
  const rest = argv.slice(1);
  // the first word may be the flags without a dash, as `tar cf - /tmp/h` (what kubectl cp runs)
  if (rest[0] && !rest[0].startsWith('-')) rest[0] = `-${rest[0]}`;
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i]!;
    if (w.startsWith('--')) {
      const [name, value] = w.split('=', 2);
      if (name === '--directory') a.dir = value ?? rest[++i];
      else if (name === '--file') a.file = value ?? rest[++i];
      else if (name === '--extract') a.mode = 'x';
      else if (name === '--create') a.mode = 'c';
      else if (name === '--list') a.mode = 't';
      else if (name === '--verbose') a.verbose = true;
      else if (!['--no-same-permissions', '--no-same-owner', '--touch', '--numeric-owner'].includes(name!))
        return `unrecognized option '${w}'`;
      continue;
    }
    if (!w.startsWith('-') || w === '-') {
      a.paths.push(w);
      continue;
    }
    for (let j = 1; j < w.length; j++) {
      const f = w[j]!;
      if (f === 'c' || f === 'x' || f === 't') a.mode = f;
      else if (f === 'v') a.verbose = true;
      else if (f === 'f' || f === 'C') {
        const value = w.slice(j + 1) || rest[++i];
        if (value === undefined) return `option requires an argument -- '${f}'`;
        if (f === 'f') a.file = value;
        else a.dir = value;
        break;
      } else if (!'mopO'.includes(f)) return `invalid option -- '${f}'`;
    }
  }
  return a;
}

/** the archive members under path (a directory brings its whole tree), named as given without the leading '/' */
function collect(ctx: CommandContext, base: string, operand: string, out: TarEntry[]): string | undefined {
  const path = ctx.fs.resolve(base, operand);
  const name = operand.replace(/^\/+/, '') || '.';
  const mtime = Math.floor(ctx.container.rt.clock.now().getTime() / 1000);
  if (ctx.fs.isDir(path)) {
    out.push({name: `${name.replace(/\/+$/, '')}/`, type: 'dir', mode: 0o755, data: Buffer.alloc(0), mtime});
    const list = ctx.fs.list(path);
    for (const child of list.ok ? list.value : []) collect(ctx, base, posix.join(operand, child), out);
    return undefined;
  }
  const r = ctx.fs.read(path);
  if (!r.ok) return `${operand}: ${r.error}`;
  out.push({name, type: 'file', mode: 0o644, data: Buffer.from(r.value), mtime});
  return undefined;
}

/** make every directory on the way to path (tar creates the parents it needs) */
function mkdirs(ctx: CommandContext, path: string): string | undefined {
  if (ctx.fs.isDir(path)) return undefined;
  const up = mkdirs(ctx, posix.dirname(path));
  if (up) return up;
  const r = ctx.fs.mkdir(path);
  return r.ok ? undefined : `can't create directory '${path}': ${r.error}`;
}

/**
 * tar as busybox (and Debian's GNU tar, for what kubectl uses) runs it over the container's files: `tar cf - PATH`
 * and `tar -xmf - -C DIR` are what `kubectl cp` execs (kubectl v1.31 pkg/cmd/cp/cp.go), `tar tf -` lists. Contents
 * are the virtual fs's text; modes and owners are not kept (as with --no-same-permissions --no-same-owner).
 */
export const tar: Command = async (ctx) => {
  const err = (msg: string) => {
    ctx.stderr.write(`tar: ${msg}\n`);
    return 1;
  };
  const a = parseArgs(ctx.argv);
  if (typeof a === 'string') return err(a);
  if (!a.mode) return err('need one of -c, -x or -t');
  const base = a.dir ? ctx.fs.resolve(ctx.cwd, a.dir) : ctx.cwd;
  if (a.dir && !ctx.fs.isDir(base)) return err(`can't change directory to '${a.dir}': No such file or directory`);
  const toStdio = !a.file || a.file === '-';

  if (a.mode === 'c') {
    if (a.paths.length === 0) return err('empty archive');
    if (a.paths.some((p) => p.startsWith('/'))) ctx.stderr.write("tar: removing leading '/' from member names\n");
    const entries: TarEntry[] = [];
    let status = 0;
    for (const p of a.paths) {
      const problem = collect(ctx, base, p, entries);
      if (problem) status = err(problem);
    }
    if (a.verbose) for (const e of entries) ctx.stderr.write(`${e.name}\n`);
    const archive = packTar(entries);
    if (toStdio) ctx.stdout.write(archive);
    else {
      const w = ctx.fs.write(ctx.fs.resolve(ctx.cwd, a.file!), archive.toString('latin1'), false);
      if (!w.ok) return err(`can't open '${a.file}': ${w.error}`);
    }
    return status;
  }

  let raw: Buffer;
  if (toStdio) raw = await readBytes(ctx.stdin);
  else {
    const r = ctx.fs.read(ctx.fs.resolve(ctx.cwd, a.file!));
    if (!r.ok) return err(`can't open '${a.file}': ${r.error}`);
    raw = Buffer.from(r.value, 'latin1');
  }
  let entries: TarEntry[];
  try {
    entries = unpackTar(raw);
  } catch (e) {
    return err(e instanceof Error ? e.message : String(e));
  }
  if (raw.length === 0) return err('short read');
  if (a.mode === 't') {
    for (const e of entries) ctx.stdout.write(`${e.name}\n`);
    return 0;
  }
  let status = 0;
  for (const e of entries) {
    if (a.verbose) ctx.stdout.write(`${e.name}\n`);
    const path = ctx.fs.resolve(base, e.name.replace(/^\/+/, ''));
    if (e.type === 'other') continue;
    const problem = mkdirs(ctx, e.type === 'dir' ? path : posix.dirname(path));
    if (problem) {
      status = err(problem);
      continue;
    }
    if (e.type === 'file') {
      const w = ctx.fs.write(path, e.data.toString('utf8'), false);
      if (!w.ok) status = err(`can't open '${e.name}': ${w.error}`);
    }
  }
  return status;
};
