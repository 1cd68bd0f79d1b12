import type {UpgradeContext} from '../../api/api-server';
import {SpdySession, type SpdyStream} from '../portforward/spdy-session';
import type {Command} from '../shell/shell';
import type {SandboxRuntime} from '../sandbox-runtime';
import {resize, startExecSession, type ExecSession, type SessionStarter} from './exec-session';
import {flag, type ExecTarget} from './exec-target';

/** remotecommand over SPDY: v4 carries the exit code as a Status on the error stream, like v5 */
export const SPDY_EXEC_PROTOCOLS = ['v4.channel.k8s.io'];

/**
 * Exec over SPDY/3.1 (kubectl ≤ 1.29, or KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false): the client opens one stream per
 * channel (streamtype error, stdin, stdout, stderr, resize); the command starts once all expected streams exist.
 */
export function spdyExec(
  rt: SandboxRuntime,
  ctx: UpgradeContext,
  t: ExecTarget,
  commands: ReadonlyMap<string, Command>,
  startSession: SessionStarter = startExecSession,
): void {
  const tty = flag(ctx.query, 'tty');
  const wantStdin = flag(ctx.query, 'stdin');
  const expected = new Set([
    'error',
    ...(wantStdin ? ['stdin'] : []),
    ...(flag(ctx.query, 'stdout') ? ['stdout'] : []),
    ...(flag(ctx.query, 'stderr') && !tty ? ['stderr'] : []),
    ...(tty ? ['resize'] : []),
  ]);
  ctx.socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${SPDY_EXEC_PROTOCOLS[0]}\r\n\r\n`,
  );
  if (ctx.head.length) ctx.socket.unshift(ctx.head);
  const streams = new Map<string, SpdyStream>();
  let exec: ExecSession | undefined;
  const pendingStdin: Buffer[] = [];
  let stdinEnded = false;
  const start = () => {
    exec = startSession(rt, t, {tty, stdin: wantStdin}, commands, {
      stdout: (d) => streams.get('stdout')?.data.write(d),
      stderr: (d) => streams.get('stderr')?.data.write(d),
      finish: (status) => {
        streams.get('stdout')?.data.end();
        streams.get('stderr')?.data.end();
        streams.get('error')?.data.end(JSON.stringify(status));
      },
    });
    for (const d of pendingStdin) exec.stdin(d);
    if (stdinEnded) exec.stdinEnd();
  };
  const session = new SpdySession(
    ctx.socket,
    (s) => {
      const type = s.headers.streamtype ?? '';
      streams.set(type, s);
      if (type === 'stdin') {
        s.data.on('data', (d: Buffer) => (exec ? exec.stdin(d) : pendingStdin.push(d)));
        s.data.on('end', () => (exec ? exec.stdinEnd() : (stdinEnded = true)));
      } else if (type === 'resize') s.data.on('data', (d: Buffer) => exec && resize(exec, d));
      else s.data.resume();
      if (!exec && [...expected].every((e) => streams.has(e))) start();
    },
    () => exec?.abort(),
  );
  const untrack = rt.track({dispose: () => session.close()});
  ctx.socket.on('close', untrack);
}
