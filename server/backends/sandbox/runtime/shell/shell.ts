import type {ContainerEnv} from '../pod-env';
import type {AndOr, Command as ShellCommand, Pipeline, Redirect, Script, SimpleCommand, Word} from './ast';
import {evalArithmetic} from './arithmetic';
import type {TerminalHooks} from './line-discipline';
import {ShellSyntaxError} from './ast';
import {parse} from './parser';
import {BrokenPipe, EMPTY_INPUT, NULL_OUTPUT, Pipe, StringOutput, type Input, type Output} from './streams';
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

export interface ShellIo {
  stdin: Input;
  stdout: Output;
  stderr: Output;
}

export interface ShellOptions {
  container: ContainerEnv;
  fs: VirtualFs;
  /** every command the runtime implements; the image's list decides which exist */
  commands: ReadonlyMap<string, Command>;
  signal: AbortSignal;
  tty: boolean;
  /** "sh" of busybox (ash) or Debian (dash): they word errors differently */
  flavor: 'ash' | 'dash';
  /** $0 as errors print it */
  name?: string;
  /** the next PID (for $$ and ps) */
  pid: number;
}

/** exit requested by the `exit` builtin: unwinds the current script */
export class ExitSignal {
  constructor(readonly code: number) {}
}

/**
 * A small POSIX-sh interpreter over the sandbox's virtual container: variables, expansion, pipes, && || ;,
 * redirections to the virtual filesystem, and exit statuses. Commands are in-process functions.
 */
export class Shell {
  readonly vars = new Map<string, string>();
  readonly exported = new Set<string>();
  cwd: string;
  status = 0;
  lineNo = 0;
  readonly pid: number;
  /** set on a TTY exec: lets an interactive shell route Ctrl-C and keep its history */
  terminal?: TerminalHooks;
  /** false for the stand-in shell of a direct exec (`kubectl exec pod -- ps`): no sh process exists then */
  isProcess = true;

  constructor(readonly opts: ShellOptions) {
    for (const [k, v] of Object.entries(opts.container.env)) {
      this.vars.set(k, v);
      this.exported.add(k);
    }
    this.cwd = opts.container.container.workingDir ?? opts.container.image.workingDir;
    this.pid = opts.pid;
    this.vars.set('PWD', this.cwd);
    this.exported.add('PWD');
  }

  get name(): string {
    return this.opts.name ?? 'sh';
  }

  env(): Record<string, string> {
    const e: Record<string, string> = {};
    for (const k of this.exported) {
      const v = this.vars.get(k);
      if (v !== undefined) e[k] = v;
    }
    return e;
  }

  /** the prefix of the shell's own error messages: "sh: " (ash) or "sh: 1: " (dash) */
  errPrefix(): string {
    return this.opts.flavor === 'dash' ? `${this.name}: ${this.lineNo || 1}: ` : `${this.name}: `;
  }

  /** run a script; an `exit` ends it with that status */
  async run(src: string, io: ShellIo): Promise<number> {
    this.lineNo++;
    let script: Script;
    try {
      script = parse(src);
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      io.stderr.write(`${this.errPrefix()}${e.message}\n`);
      return (this.status = 2);
    }
    try {
      return await this.list(script, io);
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      io.stderr.write(`${this.errPrefix()}${e.message}\n`);
      return (this.status = 2);
    }
  }

  private async list(script: Script, io: ShellIo): Promise<number> {
    for (const item of script) {
      this.status = await this.andOr(item, io);
      if (this.opts.signal.aborted) return (this.status = 130);
    }
    return this.status;
  }

  /** run, turning `exit N` into the status N (for `sh -c` and the top level) */
  async runToExit(src: string, io: ShellIo): Promise<number> {
    try {
      return await this.run(src, io);
    } catch (e) {
      if (e instanceof ExitSignal) return e.code;
      throw e;
    }
  }

  private async andOr(a: AndOr, io: ShellIo): Promise<number> {
    let status = await this.pipeline(a.first, io);
    for (const {op, pipeline} of a.rest) {
      if ((op === '&&' && status !== 0) || (op === '||' && status === 0)) continue;
      status = await this.pipeline(pipeline, io);
    }
    return status;
  }

  private async pipeline(p: Pipeline, io: ShellIo): Promise<number> {
    let status: number;
    if (p.commands.length === 1) status = await this.command(p.commands[0]!, io);
    else {
      const runs: Promise<number>[] = [];
      let input = io.stdin;
      p.commands.forEach((cmd, i) => {
        const last = i === p.commands.length - 1;
        const pipe = last ? undefined : new Pipe();
        const reading = input instanceof Pipe ? input : undefined;
        const stageIo = {stdin: input, stdout: pipe ?? io.stdout, stderr: io.stderr};
        runs.push(
          this.command(cmd, stageIo, true)
            .catch((e: unknown) => {
              if (e instanceof BrokenPipe) return 141;
              throw e;
            })
            .finally(() => {
              pipe?.close();
              reading?.closeReader();
            }),
        );
        if (pipe) input = pipe;
      });
      const results = await Promise.all(runs);
      status = results[results.length - 1]!;
    }
    this.status = p.negate ? (status === 0 ? 1 : 0) : status;
    return this.status;
  }

  // ----- compound commands -----

  private async command(cmd: ShellCommand, io: ShellIo, inPipeline = false): Promise<number> {
    switch (cmd.kind) {
      case 'simple':
        return this.simple(cmd, io, inPipeline);
      case 'subshell': {
        // a subshell's cd, variables and exit stay inside it
        const sub = this.fork();
        return sub.runScript(cmd.body, io);
      }
      case 'if': {
        for (const b of cmd.branches) {
          if ((await this.list(b.condition, io)) === 0) return this.list(b.body, io);
        }
        return cmd.orElse ? this.list(cmd.orElse, io) : 0;
      }
      case 'for': {
        const values: string[] = [];
        for (const w of cmd.words) values.push(...(await this.expand(w, io)));
        let status = 0;
        for (const v of values) {
          this.vars.set(cmd.name, v);
          status = await this.list(cmd.body, io);
          if (await this.yieldOrStop()) return 130;
        }
        return status;
      }
      case 'while':
      case 'until': {
        let status = 0;
        for (;;) {
          const c = await this.list(cmd.condition, io);
          if ((c === 0) !== (cmd.kind === 'while')) return status;
          status = await this.list(cmd.body, io);
          if (await this.yieldOrStop()) return 130;
        }
      }
    }
  }

  /** let the server breathe between loop iterations (commands are async but may never wait), and stop on Ctrl-C */
  private async yieldOrStop(): Promise<boolean> {
    await new Promise<void>((r) => setImmediate(r));
    return this.opts.signal.aborted;
  }

  private fork(): Shell {
    const sub = new Shell({...this.opts, pid: this.opts.pid + 1});
    for (const [k, v] of this.vars) sub.vars.set(k, v);
    for (const k of this.exported) sub.exported.add(k);
    sub.cwd = this.cwd;
    sub.status = this.status;
    sub.terminal = this.terminal;
    return sub;
  }

  private async runScript(script: Script, io: ShellIo): Promise<number> {
    try {
      return await this.list(script, io);
    } catch (e) {
      if (e instanceof ExitSignal) return e.code;
      throw e;
    }
  }

  // ----- expansion -----

  private param(name: string): string {
    if (name === '?') return String(this.status);
    if (name === '$') return String(this.pid);
    if (name === '#') return '0';
    if (name === '0') return this.name;
    return this.vars.get(name) ?? '';
  }

  /** expand a word into fields: unquoted expansions split on whitespace, quoted text never does */
  async expand(word: Word, io: ShellIo): Promise<string[]> {
    const fields: string[] = [];
    let cur = '';
    let has = false;
    for (const part of word.parts) {
      let text: string;
      if (part.kind === 'lit') {
        cur += part.text;
        has = true;
        continue;
      }
      if (part.kind === 'arith') {
        const expanded = (
          await this.expand({parts: [{kind: 'lit', text: '', quoted: true}, ...parseArithVars(part.expr)]}, io)
        ).join(' ');
        text = String(evalArithmetic(expanded, (n) => this.param(n)));
      } else if (part.kind === 'param') {
        text = this.param(part.name);
        if (text === '' && part.fallback) text = (await this.expand(part.fallback, io)).join(' ');
      } else {
        const out = new StringOutput();
        const sub = this.fork();
        sub.status = await sub.runToExit(part.script, {stdin: EMPTY_INPUT, stdout: out, stderr: io.stderr});
        this.status = sub.status;
        text = out.text().replace(/\n+$/, '');
      }
      if (part.quoted) {
        cur += text;
        has = true;
      } else {
        const pieces = text.split(/[ \t\n]+/);
        pieces.forEach((piece, i) => {
          if (i > 0) {
            if (has || cur) fields.push(cur);
            cur = '';
            has = false;
          }
          cur += piece;
          if (piece) has = true;
        });
      }
    }
    if (has || cur) fields.push(cur);
    return fields;
  }

  async expandOne(word: Word, io: ShellIo): Promise<string> {
    return (await this.expand(word, io)).join(' ');
  }

  // ----- simple commands -----

  private async redirect(redirects: Redirect[], io: ShellIo): Promise<ShellIo | string> {
    const fds: [Input, Output, Output] = [io.stdin, io.stdout, io.stderr];
    for (const r of redirects) {
      if (r.op === '>&') {
        const src = r.target as number;
        if (src !== 1 && src !== 2) return `${src}: Bad file descriptor`;
        if (r.fd === 1 || r.fd === 2) fds[r.fd] = fds[src] as Output;
        continue;
      }
      const path = this.opts.fs.resolve(this.cwd, await this.expandOne(r.target as Word, io));
      if (r.op === '<') {
        const f = this.opts.fs.read(path);
        if (!f.ok) return `can't open ${path}: ${f.error}`;
        const data = Buffer.from(f.value);
        let done = false;
        fds[0] = {read: async () => (done ? null : ((done = true), data))};
        continue;
      }
      if (path === '/dev/null') {
        if (r.fd === 1 || r.fd === 2) fds[r.fd] = NULL_OUTPUT;
        continue;
      }
      const first = this.opts.fs.write(path, '', r.op === '>>');
      if (!first.ok) return `can't create ${path}: ${first.error}`;
      const fs = this.opts.fs;
      const out: Output = {write: (d) => void fs.write(path, d.toString(), true)};
      if (r.fd === 1 || r.fd === 2) fds[r.fd] = out;
    }
    return {stdin: fds[0], stdout: fds[1], stderr: fds[2]};
  }

  private async simple(cmd: SimpleCommand, io: ShellIo, inPipeline = false): Promise<number> {
    const argv: string[] = [];
    for (const w of cmd.words) argv.push(...(await this.expand(w, io)));
    const assigns: [string, string][] = [];
    for (const a of cmd.assigns) assigns.push([a.name, await this.expandOne(a.value, io)]);
    const rio = await this.redirect(cmd.redirects, io);
    if (typeof rio === 'string') {
      io.stderr.write(`${this.errPrefix()}${rio}\n`);
      return 1;
    }
    if (argv.length === 0) {
      for (const [k, v] of assigns) this.vars.set(k, v);
      return 0;
    }
    const name = argv[0]!;
    const env = {...this.env(), ...Object.fromEntries(assigns)};
    const builtin = SHELL_BUILTINS.has(name) ? this.opts.commands.get(name) : undefined;
    const path = builtin ? name : this.opts.fs.executable(name);
    if (!path) {
      rio.stderr.write(`${this.errPrefix()}${name}: not found\n`);
      return 127;
    }
    const impl = this.opts.commands.get(name.split('/').pop()!);
    if (!impl) {
      rio.stderr.write(`${this.errPrefix()}${name}: cannot run this program in the lab sandbox (it is simulated)\n`);
      return 126;
    }
    const ctx: CommandContext = {
      argv,
      stdin: rio.stdin,
      stdout: rio.stdout,
      stderr: rio.stderr,
      env,
      cwd: this.cwd,
      container: this.opts.container,
      fs: this.opts.fs,
      shell: this,
      signal: this.opts.signal,
      tty: this.opts.tty,
    };
    try {
      return await impl(ctx);
    } catch (e) {
      // `exit` inside a pipeline only ends that stage, as in a real subshell
      if (e instanceof ExitSignal && inPipeline) return e.code;
      throw e;
    }
  }
}

/** builtins of ash and dash: they exist whatever the image's /bin holds */
export const SHELL_BUILTINS = new Set([
  'echo',
  'printf',
  'cd',
  'exit',
  'export',
  'unset',
  'set',
  'true',
  'false',
  'pwd',
  'test',
  '[',
  ':',
  'type',
  'command',
  'read',
  'kill',
]);

/** $(( )) may hold $VAR and $(cmd): expand those first, keep the rest as literal text */
function parseArithVars(expr: string): Word['parts'] {
  const parts: Word['parts'] = [];
  const re = /\$\{?([A-Za-z_][A-Za-z0-9_]*|[?$#])\}?/g;
  let last = 0;
  for (let m = re.exec(expr); m; m = re.exec(expr)) {
    if (m.index > last) parts.push({kind: 'lit', text: expr.slice(last, m.index), quoted: true});
    parts.push({kind: 'param', name: m[1]!, quoted: true});
    last = m.index + m[0].length;
  }
  if (last < expr.length) parts.push({kind: 'lit', text: expr.slice(last), quoted: true});
  return parts;
}
