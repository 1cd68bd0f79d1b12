/**
 * HTTP/1.x on a byte stream, for the sandbox's listeners that real clients reach (kubectl port-forward's forwarded
 * connections, k3d's published ports). Node's http server would add its own `Connection: keep-alive` and
 * `Keep-Alive: timeout=5` to every answer, which no simulated server sends (Go's net/http sends no Connection
 * header on a kept HTTP/1.1 connection, Envoy neither); here the answer's head is written exactly as the app made
 * it: its status line, its headers in its order and casing, and a chunked body when it says `Transfer-Encoding:
 * chunked`.
 */
import type {Duplex} from 'node:stream';
import type {HeaderList} from './network-model';

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

/** net/http's DefaultMaxHeaderBytes (1 MB) */
const MAX_HEAD = 1 << 20;
/** the largest body kept (a learner's curl -d is small) */
const MAX_BODY = 8 << 20;

/** what a server says to bytes that are not HTTP/1.x (net/http's 400 for a malformed request) */
const BAD_REQUEST =
  'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request';

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

type Parsed =
  | {kind: 'more'}
  | {kind: 'bad'}
  | {kind: 'request'; req: Omit<WireRequest, 'signal'>; rest: Buffer; continue100: boolean};

/** the request line and headers, if all have arrived */
function parseHead(
  buf: Buffer,
): {method: string; target: string; httpVersion: string; headers: HeaderList; end: number} | 'more' | 'bad' {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return buf.length > MAX_HEAD ? 'bad' : 'more';
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) (HTTP\/1\.[01])$/.exec(lines[0] ?? '');
  if (!m) return 'bad';
  const headers: HeaderList = [];
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) return 'bad';
    headers.push([line.slice(0, i), line.slice(i + 1).trim()]);
  }
  return {method: m[1]!, target: m[2]!, httpVersion: m[3]!, headers, end: end + 4};
}

/** a chunked body's bytes, or 'more' until its last chunk has arrived */
function dechunk(buf: Buffer, from: number): {body: Buffer; end: number} | 'more' | 'bad' {
  const parts: Buffer[] = [];
  let at = from;
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    if (eol < 0) return 'more';
    const size = parseInt(buf.subarray(at, eol).toString('latin1').split(';')[0]!.trim(), 16);
    if (Number.isNaN(size)) return 'bad';
    at = eol + 2;
    if (size === 0) {
      // trailers, then the blank line
      const blank = buf.indexOf('\r\n\r\n', at - 2);
      if (blank < 0) return 'more';
      return {body: Buffer.concat(parts), end: blank + 4};
    }
    if (buf.length < at + size + 2) return 'more';
    parts.push(buf.subarray(at, at + size));
    at += size + 2;
  }
}

function parse(buf: Buffer, continued: boolean): Parsed {
  const head = parseHead(buf);
  if (head === 'more') return {kind: 'more'};
  if (head === 'bad') return {kind: 'bad'};
  const te = tokens(headerOf(head.headers, 'transfer-encoding'));
  const cl = headerOf(head.headers, 'content-length');
  const expects = (headerOf(head.headers, 'expect') ?? '').toLowerCase() === '100-continue';
  let body: Buffer;
  let end: number;
  if (te.includes('chunked')) {
    const d = dechunk(buf, head.end);
    if (d === 'bad') return {kind: 'bad'};
    if (d === 'more')
      return expects && !continued
        ? {kind: 'request', req: {...head, body: Buffer.alloc(0)}, rest: buf, continue100: true}
        : {kind: 'more'};
    ({body, end} = d);
  } else {
    const n = cl === undefined ? 0 : Number(cl);
    if (!Number.isInteger(n) || n < 0 || n > MAX_BODY) return {kind: 'bad'};
    if (buf.length < head.end + n)
      return expects && !continued && n > 0
        ? {kind: 'request', req: {...head, body: Buffer.alloc(0)}, rest: buf, continue100: true}
        : {kind: 'more'};
    body = buf.subarray(head.end, head.end + n);
    end = head.end + n;
  }
  return {
    kind: 'request',
    req: {method: head.method, target: head.target, httpVersion: head.httpVersion, headers: head.headers, body},
    rest: buf.subarray(end),
    continue100: false,
  };
}

/**
 * Serve HTTP/1.x requests on `conn` one at a time (a pipelined request waits for the answer before it). The
 * connection stays open between requests unless the answer closes it, or the client asked to: `Connection: close`,
 * or HTTP/1.0 without `Connection: keep-alive`. A client sending `Expect: 100-continue` gets `100 Continue` before
 * its body, as net/http answers when the handler reads the body.
 */
export function serveHttp1(conn: Duplex, handle: WireHandler): void {
  let buf: Buffer = Buffer.alloc(0);
  let busy = false;
  let continued = false;
  /** the client sent its last byte: answer what it asked, then close */
  let ended = false;
  const abort = new AbortController();
  conn.on('close', () => abort.abort());
  conn.on('error', () => conn.destroy());
  // a server closes the whole connection, not only its side (Go's conn.close): a forwarded stream ends then
  const close = (last?: Buffer | string) => conn.end(last ?? Buffer.alloc(0), () => conn.destroy());

  const pump = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      while (!conn.destroyed) {
        const p = parse(buf, continued);
        if (p.kind === 'more') {
          if (ended) close();
          return;
        }
        if (p.kind === 'bad') {
          close(BAD_REQUEST);
          return;
        }
        if (p.continue100) {
          continued = true;
          conn.write('HTTP/1.1 100 Continue\r\n\r\n');
          return;
        }
        continued = false;
        buf = Buffer.from(p.rest);
        const req = p.req;
        let answer: WireAnswer | undefined;
        try {
          answer = await handle({...req, signal: abort.signal});
        } catch {
          // an app that fails drops the connection, as a server whose handler panics does
          answer = undefined;
        }
        if (conn.destroyed) return;
        if (!answer) {
          conn.destroy();
          return;
        }
        const connection = tokens(headerOf(req.headers, 'connection'));
        const clientCloses =
          connection.includes('close') || (req.httpVersion === 'HTTP/1.0' && !connection.includes('keep-alive'));
        const bytes = encodeAnswer(answer, req.method);
        if (answer.closeAfter || clientCloses) {
          close(bytes);
          return;
        }
        conn.write(bytes);
      }
    } finally {
      busy = false;
    }
  };

  conn.on('data', (d: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    void pump();
  });
  conn.on('end', () => {
    ended = true;
    void pump();
  });
}
