/**
 * The loopback HTTP server the shims talk to. Two doors:
 *  - `POST /run` + `Upgrade: lab-command`, bearer = a sandbox's command token: runs one command for that sandbox
 *    (the token says which; a learner's shell only ever holds its own);
 *  - `POST /control`, bearer = the lab's control token (kept in the owner-only lock file): what `lab sandbox env|
 *    list|reset|delete` ask a running lab from another terminal.
 * Loopback only, Host checked, tokens compared in constant time: other local users and web pages get nothing.
 */
import {timingSafeEqual} from 'node:crypto';
import {createServer, STATUS_CODES, type IncomingMessage, type Server} from 'node:http';
import type {Duplex} from 'node:stream';
import {SANDBOX_COMMANDS} from '../commands/registry';
import type {SandboxCommand} from '../commands/types';
import {runCommandSession} from './command-session';
import {parseControlRequest, parseHello, type ControlRequest} from './control-request';
import type {LearnerSandbox} from './learner-sandbox';
import {listenLoopback} from './listen-loopback';

export interface CommandServerOptions {
  /** the sandbox a command token belongs to */
  sandboxForToken(token: string): LearnerSandbox | undefined;
  controlToken: string;
  /** a request already checked against the schema (control-request.ts) */
  control(request: ControlRequest): Promise<unknown>;
  /** try this port first (the last run's, so shells opened with `lab sandbox env` keep working), else any */
  preferredPort?: number;
  maxControlBodyBytes?: number;
  /** the commands the shims may run; default SANDBOX_COMMANDS (tests add their own) */
  commands?: ReadonlyMap<string, SandboxCommand>;
}

export interface CommandServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export function bearer(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
}

export function sameToken(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const loopbackHost = (host: string | undefined, port: number) =>
  host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;

/** an upgrade refused: the standard reason phrase on the status line, the why in the body (the shim prints it) */
function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

export async function startCommandServer(opts: CommandServerOptions): Promise<CommandServer> {
  const sockets = new Set<Duplex>();
  let port = 0;
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, {'Content-Type': 'application/json'});
      res.end(JSON.stringify(body));
    };
    if (!loopbackHost(req.headers.host, port)) return reply(403, {error: 'bad Host header'});
    if (req.method !== 'POST' || req.url !== '/control') return reply(404, {error: 'not found'});
    if (!sameToken(bearer(req), opts.controlToken)) return reply(401, {error: 'bad control token'});
    const limit = opts.maxControlBodyBytes ?? 64 * 1024;
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      body += d;
      if (body.length > limit) req.destroy();
    });
    req.on('end', () => {
      const parsed = parseControlRequest(body);
      if (!parsed.ok) return reply(400, {error: parsed.error});
      opts.control(parsed.request).then(
        (result) => reply(200, result),
        (e: unknown) => reply(400, {error: e instanceof Error ? e.message : String(e)}),
      );
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (!loopbackHost(req.headers.host, port)) return refuse(socket, 403, 'bad Host header');
    if (req.url !== '/run' || String(req.headers.upgrade).toLowerCase() !== 'lab-command')
      return refuse(socket, 404, 'not found');
    const token = bearer(req);
    const sandbox = token === undefined ? undefined : opts.sandboxForToken(token);
    if (!sandbox)
      return refuse(socket, 401, 'this shell is not for a sandbox of this lab (bad or old LAB_SANDBOX_TOKEN)');
    const parsed = parseHello(req.headers['x-lab-command'] as string | undefined);
    if (!parsed.ok) return refuse(socket, 400, parsed.error);
    const {hello} = parsed;
    const command = (opts.commands ?? SANDBOX_COMMANDS).get(hello.command);
    if (!command) return refuse(socket, 404, `no sandbox command "${hello.command}"`);
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: lab-command\r\nConnection: Upgrade\r\n\r\n');
    void runCommandSession(socket, hello, command, sandbox);
  });
  port = await listenLoopback(server, opts.preferredPort);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async close() {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
