import {WebSocketServer, createWebSocketStream} from 'ws';
import type {Duplex} from 'node:stream';
import type {UpgradeContext} from '../../api/api-server';
import {errors} from '../../api/status';
import {rejectUpgrade} from '../exec/raw-status';
import type {PodView} from '../pod-view';
import type {SandboxRuntime} from '../sandbox-runtime';
import {PodHttpEndpoint, refusedMessage} from './forward-connection';
import {SpdySession, type SpdyStream} from './spdy-session';

/** kubectl ≥ 1.31 tunnels SPDY inside a WebSocket under this subprotocol; older ones upgrade to SPDY directly */
const WS_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

/**
 * pods/portforward: a SPDY/3.1 session (inside a WebSocket or on the raw upgraded socket). For each local
 * connection kubectl opens an error and a data stream with the same requestid; the data stream is the TCP payload
 * to the pod's port.
 */
export function portForwardHandler(runtimeFor: (ctx: UpgradeContext) => SandboxRuntime) {
  const wss = new WebSocketServer({noServer: true, maxPayload: 4 << 20});
  const handler = (ctx: UpgradeContext): void => {
    let rt: SandboxRuntime;
    let pod: PodView;
    try {
      rt = runtimeFor(ctx);
      pod = rt.mustPod(ctx.target.namespace ?? 'default', ctx.target.name!);
      if (pod.phase !== 'Running')
        throw errors.badRequest(`unable to forward port because pod is not running. Current status=${pod.phase}`);
    } catch (e) {
      return rejectUpgrade(ctx.socket, e);
    }
    const upgrade = String(ctx.req.headers.upgrade ?? '').toLowerCase();
    const offered = String(ctx.req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((s) => s.trim());
    if (upgrade === 'websocket') {
      if (!offered.includes(WS_PROTOCOL))
        return rejectUpgrade(ctx.socket, errors.badRequest(`port-forward needs the ${WS_PROTOCOL} subprotocol`));
      // `ws` rejects "/" in a subprotocol token: take the header out for the handshake and put the answer back
      delete ctx.req.headers['sec-websocket-protocol'];
      const addProtocol = (headers: string[]) => headers.push(`Sec-WebSocket-Protocol: ${WS_PROTOCOL}`);
      wss.once('headers', addProtocol);
      wss.handleUpgrade(ctx.req, ctx.socket, ctx.head, (ws) => {
        wss.off('headers', addProtocol);
        run(rt, pod, createWebSocketStream(ws));
      });
      return;
    }
    if (upgrade === 'spdy/3.1') {
      ctx.socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n',
      );
      if (ctx.head.length) ctx.socket.unshift(ctx.head);
      run(rt, pod, ctx.socket);
      return;
    }
    rejectUpgrade(ctx.socket, errors.badRequest(`unsupported upgrade "${upgrade}" for port-forward`));
  };
  return {handler, dispose: () => wss.close()};
}

function run(rt: SandboxRuntime, pod: PodView, transport: Duplex): void {
  const endpoints = new Map<number, PodHttpEndpoint>();
  const errorStreams = new Map<string, SpdyStream>();
  const endpoint = (port: number) => {
    let e = endpoints.get(port);
    if (!e) endpoints.set(port, (e = new PodHttpEndpoint(rt, pod, port)));
    return e;
  };
  const cleanup: (() => void)[] = [];
  const session = new SpdySession(
    transport,
    (s) => {
      const port = Number(s.headers.port);
      const id = s.headers.requestid ?? String(s.id);
      if (s.headers.streamtype === 'error') {
        errorStreams.set(id, s);
        s.data.resume();
        return;
      }
      if (s.headers.streamtype !== 'data' || !Number.isInteger(port)) {
        s.data.end();
        return;
      }
      const ep = endpoint(port);
      if (!ep.listening()) {
        const err = errorStreams.get(id);
        err?.data.end(refusedMessage(pod, port));
        s.data.end();
        return;
      }
      s.data.on('close', () => {
        errorStreams.get(id)?.data.end();
        errorStreams.delete(id);
      });
      ep.accept(s.data);
    },
    () => {
      for (const e of endpoints.values()) e.dispose();
      endpoints.clear();
      for (const c of cleanup) c();
    },
  );
  const untrack = rt.track({dispose: () => session.close()});
  const deleted = rt.onPodDeleted(pod.namespace, pod.name, () => session.close());
  cleanup.push(untrack, () => deleted.dispose());
}
