import type {CommandIO} from '../../kit/command-io';
/**
 * k3d's log lines: logrus `LEVEL[seconds]` with INFO/DEBUG on stdout and WARN/ERRO/FATA on stderr (k3d installs
 * one writer hook per level group). k3d forces colours; we colour only on a terminal so piped output and step
 * checks read plain `INFO[0000] ...`.
 */

const COLOURS = {INFO: 36, WARN: 33, ERRO: 31, FATA: 31} as const;

export class K3dLog {
  constructor(private readonly io: CommandIO) {}

  private line(level: keyof typeof COLOURS, msg: string): void {
    const secs = Math.floor((Date.now() - this.io.startedAt) / 1000);
    const toErr = level !== 'INFO';
    const tty = toErr ? this.io.isTTY.stderr : this.io.isTTY.stdout;
    const tag = tty ? `\x1b[${COLOURS[level]}m${level}\x1b[0m` : level;
    (toErr ? this.io.stderr : this.io.stdout).write(`${tag}[${String(secs).padStart(4, '0')}] ${msg}\n`);
  }

  info(msg: string): void {
    this.line('INFO', msg);
  }
  warn(msg: string): void {
    this.line('WARN', msg);
  }
  error(msg: string): void {
    this.line('ERRO', msg);
  }
  /** logrus Fatal: the message, then exit 1 */
  fatal(msg: string): number {
    this.line('FATA', msg);
    return 1;
  }
}

/**
 * Real k3d fails the whole create when Docker cannot bind a published port ("Bind for 0.0.0.0:9080 failed: port is
 * already allocated"); the sandbox leaves the port alone so two labs on one machine both work, and says so here,
 * so a learner whose `curl localhost:9080` reaches something else knows why.
 */
export function warnUnpublished(log: K3dLog, mappings: readonly string[]): void {
  for (const m of mappings) {
    const hostPort = m.split(':').at(-2) ?? m;
    log.warn(
      `Port mapping '${m}' is not published: host port ${hostPort} is already in use on this machine (another lab or program holds it), so requests to localhost:${hostPort} do not reach this cluster. Free the port, then run 'k3d cluster stop' and 'k3d cluster start', or create the cluster with another host port.`,
    );
  }
}
