import { WebSocketServer, type WebSocket } from 'ws';
import type { UpgradeContext } from '../../api/api-server';
import { errors } from '../../api/status';
import type { Command } from '../shell/command';
import { LineDiscipline } from '../shell/line-discipline';
import { EMPTY_INPUT, Pipe, type Input, type Output } from '../shell/streams';
import { runningStatus, type PodView } from '../pod-view';
import type { SandboxRuntime } from '../sandbox-runtime';
import { exitStatus } from './exec-status';
import { rejectUpgrade } from './raw-status';
import { runExec } from './run-exec';

/** the remotecommand subprotocols we speak; v5 adds the close signal (channel 255) for stdin EOF */
const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const CH = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

export interface ExecTarget {
  pod: PodView;
  container: string;
  argv: string[];
}

/** check an exec request as the API server and kubelet would, before upgrading */
export function execTarget(rt: SandboxRuntime, ctx: Pick<UpgradeContext, 'target' | 'query'>): ExecTarget {
  const pod = rt.mustPod(ctx.target.namespace ?? 'default', ctx.target.name!);
  const argv = ctx.query.getAll('command');
  if (argv.length === 0) throw errors.badRequest('you must specify at least 1 command');
  let container = ctx.query.get('container') ?? '';
  if (!container) {
    if (pod.containers.length !== 1) throw errors.badRequest(`a container name must be specified for pod ${pod.name}, choose one of: [${pod.containers.map((c) => c.name).join(' ')}]`);
    container = pod.containers[0]!.name;
  }
  if (!pod.containers.some((c) => c.name === container)) throw errors.badRequest(`container ${container} is not valid for pod ${pod.name}`);
  if (pod.phase === 'Succeeded' || pod.phase === 'Failed') throw errors.badRequest(`cannot exec into a container in a completed pod; current phase is ${pod.phase}`);
  if (!runningStatus(pod, container)) throw errors.badRequest(`unable to upgrade connection: container not found ("${container}")`);
  return { pod, container, argv };
}

/** pods/exec over WebSocket (kubectl ≥ 1.30): binary messages whose first byte is the channel */
export function wsExecHandler(runtimeFor: (ctx: UpgradeContext) => SandboxRuntime, commands: ReadonlyMap<string, Command>) {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false });
  const handler = (ctx: UpgradeContext): void => {
    let rt: SandboxRuntime;
    let t: ExecTarget;
    try {
      if ((ctx.req.headers.upgrade ?? '').toLowerCase() !== 'websocket') throw errors.badRequest('exec over SPDY is not supported by the lab sandbox; use kubectl 1.30 or newer (WebSocket)');
      const offered = String(ctx.req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
      if (!offered.some((p) => PROTOCOLS.includes(p))) throw errors.badRequest(`none of the offered subprotocols ${offered.join(', ')} is supported: ${PROTOCOLS.join(', ')}`);
      rt = runtimeFor(ctx);
      t = execTarget(rt, ctx);
    } catch (e) {
      return rejectUpgrade(ctx.socket, e);
    }
    wss.handleUpgrade(ctx.req, ctx.socket, ctx.head, (ws) => session(rt, ws, t, ctx.query, commands));
  };
  return { handler, dispose: () => wss.close() };
}

function session(rt: SandboxRuntime, ws: WebSocket, t: ExecTarget, query: URLSearchParams, commands: ReadonlyMap<string, Command>): void {
  const tty = query.get('tty') === 'true' || query.get('tty') === '1';
  const wantStdin = query.get('stdin') === 'true' || query.get('stdin') === '1';
  const abort = new AbortController();
  let finished = false;
  const send = (ch: number, data: string | Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    const payload = typeof data === 'string' ? Buffer.from(data) : data;
    ws.send(Buffer.concat([Buffer.from([ch]), payload]));
  };
  // a TTY turns "\n" into "\r\n" (onlcr) and merges stderr into stdout
  const crlf = (d: string | Buffer) => Buffer.from(d.toString().replace(/\r?\n/g, '\r\n'));
  const stdout: Output = { write: (d) => send(CH.stdout, tty ? crlf(d) : d) };
  const stderr: Output = { write: (d) => send(tty ? CH.stdout : CH.stderr, tty ? crlf(d) : d) };

  let interrupt = () => abort.abort();
  const discipline = tty ? new LineDiscipline((s) => send(CH.stdout, s), () => interrupt()) : undefined;
  const pipe = discipline ? discipline.input : new Pipe();
  const stdin: Input = wantStdin ? pipe : EMPTY_INPUT;

  ws.on('message', (data: Buffer) => {
    if (data.length === 0) return;
    const ch = data[0];
    const payload = data.subarray(1);
    if (ch === CH.stdin) discipline ? discipline.feed(payload) : pipe.write(payload);
    else if (ch === CH.close && payload[0] === CH.stdin) discipline ? discipline.close() : pipe.close();
    // resize ({"Width":W,"Height":H}) needs no action: nothing we run draws full-screen
  });
  const end = () => {
    abort.abort();
    pipe.close();
  };
  ws.on('close', end);
  ws.on('error', end);
  const subs = [rt.onPodDeleted(t.pod.namespace, t.pod.name, end)];
  const untrack = rt.track({ dispose: () => { end(); ws.terminate(); } });

  const container = t.pod.containers.find((c) => c.name === t.container)!;
  runExec({ rt, pod: t.pod, container, argv: t.argv, tty, stdin, stdout, stderr, signal: abort.signal, commands, setInterrupt: (fn) => (interrupt = fn) })
    .catch((e: unknown) => {
      stderr.write(`sandbox runtime error: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    })
    .then((code) => {
      finished = true;
      const status = abort.signal.aborted && !tty && code === 130 ? 137 : code;
      send(CH.error, JSON.stringify(exitStatus(status, t.argv)));
      ws.close(1000);
    })
    .finally(() => {
      for (const s of subs) s.dispose();
      untrack();
      void finished;
    });
}
