import type {Command, CommandContext} from '../shell/shell';
import {fail} from '../shell/shell';
import {containerArgv} from '../images/catalog';

const env: Command = async (ctx) => {
  const e = {...ctx.env};
  const args = ctx.argv.slice(1);
  // `env` / `env -0`; running a command through env is not simulated, name it
  if (args.some((a) => !a.startsWith('-') && !a.includes('=')))
    return fail(ctx, 'running a command through env is not simulated in the lab sandbox', 126);
  for (const a of args) if (a.includes('=')) e[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
  // the kubelet's variables come in the order the runtime sets them: PATH and HOSTNAME first, as in a real `env`
  ctx.stdout.write(
    Object.entries(e)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
  return 0;
};

const printenv: Command = async (ctx) => {
  const names = ctx.argv.slice(1);
  if (names.length === 0) return env({...ctx, argv: ['env']});
  let status = 0;
  for (const n of names) {
    if (ctx.env[n] === undefined) status = 1;
    else ctx.stdout.write(`${ctx.env[n]}\n`);
  }
  return status;
};

const hostname: Command = async (ctx) => {
  if (ctx.argv.includes('-i')) ctx.stdout.write(`${ctx.container.pod.podIP ?? ''}\n`);
  else if (ctx.argv.includes('-f')) ctx.stdout.write(`${ctx.container.hostname}\n`);
  else if (ctx.argv.length > 1 && !ctx.argv[1]!.startsWith('-'))
    return fail(ctx, 'sethostname: Operation not permitted');
  else ctx.stdout.write(`${ctx.container.hostname}\n`);
  return 0;
};

const id: Command = async (ctx) => {
  const u = ctx.container.image.user;
  if (ctx.argv.includes('-u')) ctx.stdout.write(ctx.argv.includes('-n') ? `${u.name}\n` : `${u.uid}\n`);
  else if (ctx.argv.includes('-g')) ctx.stdout.write(ctx.argv.includes('-n') ? `${u.group}\n` : `${u.gid}\n`);
  else {
    const groups =
      u.uid === 0
        ? '0(root),1(bin),2(daemon),3(sys),4(adm),6(disk),10(wheel),11(floppy),20(dialout),26(tape),27(video)'
        : `${u.gid}(${u.group})`;
    ctx.stdout.write(`uid=${u.uid}(${u.name}) gid=${u.gid}(${u.group}) groups=${groups}\n`);
  }
  return 0;
};

const KERNEL = {
  release: '6.8.0-45-generic',
  version: '#45-Ubuntu SMP PREEMPT_DYNAMIC Fri Aug 30 12:02:04 UTC 2024',
  machine: 'x86_64',
};

const uname: Command = async (ctx) => {
  const f = ctx.argv.slice(1).join('');
  const all = f.includes('a');
  const parts: string[] = [];
  if (all || f.includes('s') || !f) parts.push('Linux');
  if (all || f.includes('n')) parts.push(ctx.container.hostname);
  if (all || f.includes('r')) parts.push(KERNEL.release);
  if (all || f.includes('v')) parts.push(KERNEL.version);
  if (all || f.includes('m')) parts.push(KERNEL.machine);
  if (all || f.includes('o'))
    parts.push('GNU/Linux'.replace('GNU/', ctx.container.image.commands.includes('bash') ? 'GNU/' : ''));
  ctx.stdout.write(parts.join(' ') + '\n');
  return 0;
};

/** busybox ps: PID 1 is the container's command; then the exec'd shell and ps itself */
const ps: Command = async (ctx) => {
  const c = ctx.container;
  const user = c.image.user.name.slice(0, 8);
  const cmd1 = containerArgv(c.image, c.container).join(' ');
  const rows: [number, string][] = [[1, cmd1]];
  if (ctx.shell.isProcess) rows.push([ctx.shell.pid, ctx.shell.name]);
  rows.push([ctx.shell.pid + 6, ctx.argv.join(' ')]);
  ctx.stdout.write(
    'PID   USER     TIME  COMMAND\n' +
      rows.map(([pid, cmd]) => `${String(pid).padStart(5)} ${user.padEnd(8)}  0:00 ${cmd}\n`).join(''),
  );
  return 0;
};

/** sleep N[smhd] | infinity: waits on the runtime clock; Ctrl-C or a closed exec ends it */
const sleep: Command = async (ctx) => {
  const arg = ctx.argv[1];
  if (!arg) return fail(ctx, 'missing operand', 1);
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(arg);
  if (!m && arg !== 'infinity') return fail(ctx, `invalid number '${arg}'`, 1);
  const ms =
    arg === 'infinity' ? Infinity : Number(m![1]) * ({'': 1, s: 1, m: 60, h: 3600, d: 86400}[m![2]!] ?? 1) * 1000;
  return new Promise<number>((resolve) => {
    if (ctx.signal.aborted) return resolve(130);
    const t = Number.isFinite(ms) ? ctx.container.rt.clock.setTimeout(() => done(0), ms) : undefined;
    const onAbort = () => done(130);
    ctx.signal.addEventListener('abort', onAbort, {once: true});
    function done(code: number) {
      t?.dispose();
      ctx.signal.removeEventListener('abort', onAbort);
      resolve(code);
    }
  });
};

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const date: Command = async (ctx) => {
  const d = ctx.container.rt.clock.now();
  const p = (n: number) => String(n).padStart(2, '0');
  if (ctx.argv[1] === '+%s') ctx.stdout.write(`${Math.floor(d.getTime() / 1000)}\n`);
  else if (ctx.argv[1]?.startsWith('-') && ctx.argv[1].includes('I'))
    ctx.stdout.write(`${d.toISOString().slice(0, 10)}\n`);
  else
    ctx.stdout.write(
      `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}\n`,
    );
  return 0;
};

const which: Command = async (ctx) => {
  let status = 0;
  for (const n of ctx.argv.slice(1)) {
    const p = ctx.fs.executable(n);
    if (p) ctx.stdout.write(`${p}\n`);
    else status = 1;
  }
  return status;
};

const whoami: Command = async (ctx) => (ctx.stdout.write(`${ctx.container.image.user.name}\n`), 0);

/**
 * stty size: the terminal's rows and columns as kubectl last sent them (0 0 before any), as a tty's TIOCGWINSZ
 * answers; without a terminal busybox says stdin is not a tty. Other settings are not simulated.
 */
const stty: Command = async (ctx) => {
  if (!ctx.tty) {
    ctx.stderr.write('stty: standard input: Not a tty\n');
    return 1;
  }
  const args = ctx.argv.slice(1);
  if (args.length === 1 && args[0] === 'size') {
    const size = ctx.shell.terminal?.size;
    ctx.stdout.write(`${size?.rows ?? 0} ${size?.cols ?? 0}\n`);
    return 0;
  }
  ctx.stderr.write(`stty: ${args.join(' ') || '(settings)'}: only "stty size" is simulated in the lab sandbox\n`);
  return 1;
};

export const SYSTEM_COMMANDS: Record<string, Command> = {
  stty,
  env,
  printenv,
  hostname,
  id,
  whoami,
  uname,
  ps,
  sleep,
  date,
  which,
};

export type {CommandContext};
