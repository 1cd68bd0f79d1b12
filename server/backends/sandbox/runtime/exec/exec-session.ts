import type {Command} from '../shell/shell';
import {LineDiscipline, type TerminalHooks} from '../shell/line-discipline';
import {EMPTY_INPUT, Pipe, type Input, type Output} from '../shell/streams';
import {allContainers} from '../pod-view';
import type {SandboxRuntime} from '../sandbox-runtime';
import {randomBytes} from 'node:crypto';
import {exitStatus, startFailedStatus} from './exec-status';
import {ExecStartError, runExec} from './run-exec';
import type {ExecTarget} from './exec-target';

/** How a session's output leaves: WebSocket channels or SPDY streams. */
export interface ExecTransport {
  stdout(data: Buffer): void;
  /** unused with a TTY (stderr is merged into stdout, as a terminal does) */
  stderr(data: Buffer): void;
  /** the final Status (channel 3 / the error stream); the transport closes after it */
  finish(status: object): void;
}

export interface ExecSession {
  stdin(data: Buffer): void;
  /** the client's terminal changed size (kubectl sends it at start and on SIGWINCH) */
  resize(cols: number, rows: number): void;
  stdinEnd(): void;
  /** the client went away (or the pod was deleted): stop the command */
  abort(): void;
}

/** how a connection starts its session: a new process (exec) or the container's own (attach) */
export type SessionStarter = (
  rt: SandboxRuntime,
  t: ExecTarget,
  opts: {tty: boolean; stdin: boolean},
  commands: ReadonlyMap<string, Command>,
  transport: ExecTransport,
) => ExecSession;

/**
 * One `kubectl exec`: stdin through a TTY line discipline when asked, the command run in the container, and the
 * exit status reported at the end. The transports only move bytes.
 */
export function startExecSession(
  rt: SandboxRuntime,
  t: ExecTarget,
  opts: {tty: boolean; stdin: boolean},
  commands: ReadonlyMap<string, Command>,
  transport: ExecTransport,
): ExecSession {
  const {tty} = opts;
  const abort = new AbortController();
  let done = false;
  // a TTY turns "\n" into "\r\n" (onlcr) and merges stderr into stdout
  const crlf = (d: string | Buffer) => Buffer.from(d.toString().replace(/\r?\n/g, '\r\n'));
  const raw = (d: string | Buffer) => (typeof d === 'string' ? Buffer.from(d) : d);
  const out = (d: Buffer) => !done && transport.stdout(d);
  const stdout: Output = {write: (d) => out(tty ? crlf(d) : raw(d))};
  const stderr: Output = {write: (d) => (tty ? out(crlf(d)) : !done && transport.stderr(raw(d)))};

  let interrupt = () => abort.abort();
  const history: string[] = [];
  const terminal: TerminalHooks | undefined = tty ? {onInterrupt: (fn) => (interrupt = fn), history} : undefined;
  const discipline = tty
    ? new LineDiscipline(
        (s) => out(Buffer.from(s)),
        () => interrupt(),
        history,
      )
    : undefined;
  const pipe = discipline ? discipline.input : new Pipe();
  const stdin: Input = opts.stdin ? pipe : EMPTY_INPUT;

  const end = () => {
    abort.abort();
    pipe.close();
  };
  const deleted = rt.onPodDeleted(t.pod.namespace, t.pod.name, end);
  const untrack = rt.track({dispose: end});
  const container = allContainers(t.pod).find((c) => c.name === t.container)!;

  runExec({
    rt,
    pod: t.pod,
    container,
    argv: t.argv,
    tty,
    stdin,
    stdout,
    stderr,
    signal: abort.signal,
    commands,
    terminal,
  })
    .then(
      (code) => {
        // killed from outside (pod deleted, connection gone) looks like SIGKILL: 137
        const status = abort.signal.aborted && !tty && code === 130 ? 137 : code;
        transport.finish(exitStatus(status, t.argv));
      },
      (e: unknown) => {
        // containerd names the exec by a random 32-byte id
        if (e instanceof ExecStartError)
          transport.finish(startFailedStatus(randomBytes(32).toString('hex'), e.message));
        else {
          stderr.write(`sandbox runtime error: ${e instanceof Error ? e.message : String(e)}\n`);
          transport.finish(exitStatus(1, t.argv));
        }
      },
    )
    .then(() => {
      done = true;
    })
    .finally(() => {
      deleted.dispose();
      untrack();
    });

  return {
    stdin: (d) => (discipline ? discipline.feed(d) : pipe.write(d)),
    resize: (cols, rows) => {
      if (!terminal || cols <= 0 || rows <= 0) return;
      const before = terminal.size;
      terminal.size = {rows, cols};
      // a window that changed size gets SIGWINCH: a shell at its prompt redraws it
      if (before && (before.rows !== rows || before.cols !== cols)) terminal.redraw?.(discipline?.pending ?? '');
    },
    stdinEnd: () => (discipline ? discipline.close() : pipe.close()),
    abort: end,
  };
}

/** a resize message, {"Width":W,"Height":H}; one that does not parse is ignored, as the kubelet logs and goes on */
export function resize(s: ExecSession, payload: Buffer): void {
  for (const m of payload.toString().matchAll(/\{[^}]*\}/g)) {
    try {
      const size = JSON.parse(m[0]) as {Width?: unknown; Height?: unknown};
      if (typeof size.Width === 'number' && typeof size.Height === 'number') s.resize(size.Width, size.Height);
    } catch {
      // not JSON: ignored
    }
  }
}
