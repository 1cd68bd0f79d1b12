import {WebSocketServer, type WebSocket} from 'ws';
import type {UpgradeContext} from '../../api/api-server';
import {errors} from '../../api/status';
import type {Command} from '../shell/shell';
import type {SandboxRuntime} from '../sandbox-runtime';
import {attachSession} from './container-process';
import {resize, startExecSession, type SessionStarter} from './exec-session';
import {attachTarget, execTarget, flag, type ExecTarget} from './exec-target';
import {rejectUpgrade} from './raw-status';
import {spdyExec, SPDY_EXEC_PROTOCOLS} from './spdy-exec';

/** the remotecommand subprotocols we speak over WebSocket; v5 adds the close signal (channel 255) for stdin EOF */
const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
/** how long an exec takes to start, from the upgrade to its first byte (runc's exec alone takes about this) */
const EXEC_START_MS = 10;
const CH = {stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255} as const;

const MODES = {
  exec: {target: execTarget, start: startExecSession},
  attach: {
    target: attachTarget,
    start: ((rt, t, _opts, commands, transport) => attachSession(rt, t, commands, transport)) as SessionStarter,
  },
};

/**
 * pods/exec and pods/attach: WebSocket (kubectl ≥ 1.30: binary messages whose first byte is the channel) or SPDY/3.1 (kubectl
 * ≤ 1.29, and the fallback when the WebSocket upgrade fails).
 */
export function execHandler(
  runtimeFor: (ctx: UpgradeContext) => SandboxRuntime,
  commands: ReadonlyMap<string, Command>,
  kind: keyof typeof MODES = 'exec',
) {
  const mode = MODES[kind];
  // stdin and resize messages are small; a megabyte bounds what one message can make us buffer
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 1 << 20,
    handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
  const handler = (ctx: UpgradeContext): void => {
    let rt: SandboxRuntime;
    let t: ExecTarget;
    const upgrade = String(ctx.req.headers.upgrade ?? '').toLowerCase();
    try {
      if (upgrade === 'websocket') {
        const offered = String(ctx.req.headers['sec-websocket-protocol'] ?? '')
          .split(',')
          .map((s) => s.trim());
        if (!offered.some((p) => PROTOCOLS.includes(p)))
          throw errors.badRequest(
            `none of the offered subprotocols (${offered.join(', ')}) is supported: ${PROTOCOLS.join(', ')}`,
          );
      } else if (upgrade !== 'spdy/3.1') throw errors.badRequest(`unsupported upgrade "${upgrade}" for ${kind}`);
      rt = runtimeFor(ctx);
      t = mode.target(rt, ctx);
    } catch (e) {
      return rejectUpgrade(ctx.socket, e);
    }
    if (upgrade === 'spdy/3.1') {
      const offered = String(ctx.req.headers['x-stream-protocol-version'] ?? '')
        .split(',')
        .map((s) => s.trim());
      if (!offered.some((p) => SPDY_EXEC_PROTOCOLS.includes(p)))
        return rejectUpgrade(
          ctx.socket,
          errors.badRequest(`unable to upgrade: none of the protocols ${offered.join(', ')} is supported`),
        );
      return spdyExec(rt, ctx, t, commands, mode.start);
    }
    wss.handleUpgrade(ctx.req, ctx.socket, ctx.head, (ws) => session(rt, ws, t, ctx.query, commands, mode.start));
  };
  return {handler, dispose: () => wss.close()};
}

function session(
  rt: SandboxRuntime,
  ws: WebSocket,
  t: ExecTarget,
  query: URLSearchParams,
  commands: ReadonlyMap<string, Command>,
  start: SessionStarter,
): void {
  // client-go's WebSocket executor creates its streams only after the upgrade, and a frame that arrives before them is
  // dropped ("Unknown stream id 2, discarding message"). A real exec's first byte comes after apiserver → kubelet →
  // containerd → runc, milliseconds later; frames wait that long here too.
  let queue: Buffer[] | undefined = [];
  let closing = false;
  const write = (frame: Buffer) => {
    if (ws.readyState === ws.OPEN) ws.send(frame);
  };
  const started = setTimeout(() => {
    const frames = queue ?? [];
    queue = undefined;
    for (const f of frames) write(f);
    if (closing) ws.close(1000);
  }, EXEC_START_MS);
  const send = (ch: number, data: Buffer) => {
    const frame = Buffer.concat([Buffer.from([ch]), data]);
    if (queue) queue.push(frame);
    else write(frame);
  };
  const s = start(rt, t, {tty: flag(query, 'tty'), stdin: flag(query, 'stdin')}, commands, {
    stdout: (d) => send(CH.stdout, d),
    stderr: (d) => send(CH.stderr, d),
    finish: (status) => {
      send(CH.error, Buffer.from(JSON.stringify(status)));
      if (queue) closing = true;
      else ws.close(1000);
    },
  });
  ws.on('message', (data: Buffer) => {
    if (data.length === 0) return;
    const payload = data.subarray(1);
    if (data[0] === CH.stdin) s.stdin(payload);
    else if (data[0] === CH.close && payload[0] === CH.stdin) s.stdinEnd();
    else if (data[0] === CH.resize) resize(s, payload);
  });
  ws.on('close', () => {
    clearTimeout(started);
    s.abort();
  });
  ws.on('error', () => s.abort());
}
