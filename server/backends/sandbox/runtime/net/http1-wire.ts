/**
 * HTTP/1.x on a byte stream, for the sandbox's listeners that real clients reach (kubectl port-forward's forwarded
 * connections, k3d's published ports). Requests are parsed by Node's own llhttp, through an `http.Server` that is
 * handed the connection's bytes; its answers go nowhere. Node's would add `Connection: keep-alive` and
 * `Keep-Alive: timeout=5`, which no simulated server sends (Go's net/http sends no Connection header on a kept
 * HTTP/1.1 connection, Envoy neither), and answer an HTTP/1.0 request with HTTP/1.1. Here the answer's head is
 * written to the connection exactly as the app made it: its status line, its headers in its order and casing, and
 * a chunked body when it says `Transfer-Encoding: chunked`; a request the parser rejects gets what the app's own
 * server writes then (`wire-servers.ts`).
 */
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import {Duplex} from 'node:stream';
import type {HeaderList} from './network-model';
import {GO_NET_HTTP, type WireProblem, type WireServer} from './wire-servers';

/** one request as read off the connection */
export interface WireRequest {
  method: string;
  /** the request target as sent: /path?query */
  target: string;
  /** HTTP/1.0 or HTTP/1.1 */
  httpVersion: string;
  headers: HeaderList;
  body: Buffer;
  /** aborted when the client closes the connection */
  signal: AbortSignal;
}

/** one answer, written as is */
export interface WireAnswer {
  status: number;
  statusText?: string;
  /** HTTP/1.1 unless set */
  httpVersion?: string;
  headers: HeaderList;
  /** the body, not yet chunked */
  body: Buffer | string;
  /** close the connection after this answer */
  closeAfter?: boolean;
}

/** undefined: drop the connection unanswered (nothing listens, a network error) */
export type WireHandler = (req: WireRequest) => Promise<WireAnswer | undefined>;

/** the largest body kept (a learner's curl -d is small): a larger one drops the connection */
const MAX_BODY = 8 << 20;

const headerOf = (h: HeaderList, name: string) => h.find(([k]) => k.toLowerCase() === name)?.[1];
const tokens = (v: string | undefined) => (v ?? '').split(',').map((t) => t.trim().toLowerCase());

/** the answer's bytes: status line, headers, blank line, then the body (chunked when the headers say so) */
export function encodeAnswer(a: WireAnswer, method: string): Buffer {
  const head = `${a.httpVersion ?? 'HTTP/1.1'} ${a.status} ${a.statusText ?? ''}\r\n${a.headers
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
  const bodyless = method === 'HEAD' || (a.status >= 100 && a.status < 200) || a.status === 204 || a.status === 304;
  if (bodyless) return Buffer.from(head);
  const body = Buffer.from(a.body);
  if (!tokens(headerOf(a.headers, 'transfer-encoding')).includes('chunked'))
    return Buffer.concat([Buffer.from(head), body]);
  // the whole body as one chunk, as a handler's single Write of it is
  const chunk = body.length ? [Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')] : [];
  return Buffer.concat([Buffer.from(head), ...chunk, Buffer.from('0\r\n\r\n')]);
}

/** llhttp's error as a WireProblem: the request line or header line it stopped in (gunicorn names it) */
function problemOf(err: Error & {code?: string; rawPacket?: Buffer; bytesParsed?: number}): WireProblem {
  if (err.code === 'HPE_HEADER_OVERFLOW') return {kind: 'head-too-large'};
  const raw = err.rawPacket?.toString('latin1') ?? '';
  const at = Math.min(err.bytesParsed ?? 0, raw.length);
  const eol = at > 0 ? raw.lastIndexOf('\r\n', at - 1) : -1;
  const start = eol < 0 ? 0 : eol + 2;
  const end = raw.indexOf('\r\n', at);
  const line = raw.slice(start, end < 0 ? undefined : end);
  // a line that starts the packet or follows a blank line is a request line
  const first = start === 0 || raw.slice(Math.max(0, start - 4), start) === '\r\n\r\n';
  return first ? {kind: 'bad-request', requestLine: line} : {kind: 'bad-request', headerLine: line};
}

/** the request's body, or undefined when the client went away first or sent more than MAX_BODY */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.destroy();
      } else parts.push(d);
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    // Node's server destroys a request still unanswered when the client half-closes: its body may be complete
    req.on('close', () => resolve(req.complete ? Buffer.concat(parts) : undefined));
    req.on('error', () => undefined);
  });
}

/**
 * Serve HTTP/1.x requests on `conn`, as the app's `server` would: each parsed request goes to `handle` as soon as
 * its body has arrived, and pipelined answers go out in the requests' order. The connection stays open between
 * requests unless the answer closes it, or the client asked to: `Connection: close`, or HTTP/1.0 without
 * `Connection: keep-alive`. A client sending `Expect: 100-continue` gets `100 Continue` while its body has not
 * arrived, as net/http answers when the handler reads the body. A client that half-closes still gets the answers to
 * what it sent, then the close.
 */
export function serveHttp1(conn: Duplex, handle: WireHandler, server: WireServer = GO_NET_HTTP): void {
  // the client's FIN ends only its side: answers still go out (stream.Duplex allowHalfOpen, settable until 'end')
  conn.allowHalfOpen = true;
  const abort = new AbortController();
  conn.on('close', () => abort.abort());
  conn.on('error', () => conn.destroy());
  // a server closes the whole connection, not only its side (Go's conn.close): a forwarded stream ends then
  const close = (last?: string | Buffer) => {
    if (!conn.destroyed) conn.end(last ?? Buffer.alloc(0), () => conn.destroy());
  };

  // what the parser reads: the client's bytes, with backpressure; what Node's server writes to it is dropped
  const wire = new Duplex({
    read: () => void conn.resume(),
    write: (_chunk, _encoding, done) => done(),
  });
  conn.on('data', (d: Buffer) => {
    if (!wire.push(d)) conn.pause();
  });
  conn.on('end', () => wire.push(null));
  conn.on('close', () => wire.destroy());

  // each step waits for the one before it: answers leave in the order the requests came
  let queue: Promise<void> = Promise.resolve();
  const then = (step: () => Promise<void> | void) => {
    queue = queue.then(step).catch(() => void conn.destroy());
  };
  /** a request whose body is still coming: an EOF now cuts a body, not a head */
  let bodyPending = false;

  const answer = (req: IncomingMessage, res: ServerResponse | undefined, withBody: boolean) => {
    if (withBody) bodyPending = !req.complete;
    const body = withBody ? readBody(req) : Promise.resolve(Buffer.alloc(0));
    void body.then(() => (bodyPending = false));
    then(async () => {
      if (conn.destroyed) return;
      const headers: HeaderList = [];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      const httpVersion = `HTTP/${req.httpVersion}`;
      if (server.requiresHost && httpVersion === 'HTTP/1.1' && headerOf(headers, 'host') === undefined) {
        close(server.refuse({kind: 'missing-host'}));
        return;
      }
      if (!req.complete && (headerOf(headers, 'expect') ?? '').toLowerCase() === '100-continue')
        conn.write('HTTP/1.1 100 Continue\r\n\r\n');
      const got = await body;
      if (got === undefined || conn.destroyed) {
        conn.destroy();
        return;
      }
      let reply: WireAnswer | undefined;
      try {
        reply = await handle({
          method: req.method ?? 'GET',
          target: req.url ?? '/',
          httpVersion,
          headers,
          body: got,
          signal: abort.signal,
        });
      } catch {
        // an app that fails drops the connection, as a server whose handler panics does
        reply = undefined;
      }
      if (conn.destroyed) return;
      if (!reply) {
        conn.destroy();
        return;
      }
      const connection = tokens(headerOf(headers, 'connection'));
      const clientCloses =
        connection.includes('close') || (httpVersion === 'HTTP/1.0' && !connection.includes('keep-alive'));
      const bytes = encodeAnswer(reply, req.method ?? 'GET');
      if (reply.closeAfter || clientCloses) {
        close(bytes);
        return;
      }
      conn.write(bytes);
      // lets Node's server move on to the next request (its answer goes to `wire`, nowhere)
      res?.end();
    });
  };

  const http = createServer({
    maxHeaderSize: server.maxHeadBytes,
    // the apps' servers check Host themselves (requiresHost), and time nothing out here
    requireHostHeader: false,
    requestTimeout: 0,
    headersTimeout: 0,
    keepAliveTimeout: 0,
  });
  http.on('request', (req: IncomingMessage, res: ServerResponse) => answer(req, res, true));
  // no automatic `100 Continue` or `417` from Node: the request is the app's
  http.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => answer(req, res, true));
  http.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => answer(req, res, true));
  // an Upgrade (curl --http2's h2c) or CONNECT request: the app answers it as any other (none of them upgrades);
  // Node's parser stops there, so a new one reads on from the bytes after its head
  const reparse = (req: IncomingMessage, _socket: unknown, head: Buffer) => {
    answer(req, undefined, false);
    if (head.length) wire.unshift(head);
    http.emit('connection', wire);
  };
  http.on('upgrade', reparse);
  http.on('connect', reparse);
  http.on('clientError', (err: Error & {code?: string}) => {
    const problem: WireProblem | undefined =
      err.code === 'HPE_INVALID_EOF_STATE'
        ? bodyPending
          ? undefined
          : {kind: 'truncated-head'}
        : err.code?.startsWith('HPE_')
          ? problemOf(err)
          : undefined;
    wire.destroy();
    then(() => {
      if (problem) close(server.refuse(problem));
      else conn.destroy();
    });
  });
  http.emit('connection', wire);
  // the client has sent its last byte (and Node's server has seen it): answer what it asked, then close
  wire.on('end', () => then(() => close()));
}
