import {gzipSync} from 'node:zlib';
import {header, httpDate, type AppRequest, type AppResponse} from './app';
import {STATUS_TEXT} from './status-text';

export interface GoResponseOptions {
  /** the Content-Type net/http sniffs when the handler set none */
  sniffed?: string;
  /**
   * Behind gorilla/handlers' CompressHandler (v1.5.2 compress.go), as Argo CD wraps its API and UI when
   * --enable-gzip is on (the default): always `Vary: Accept-Encoding`, a gzip body when accepted.
   */
  compress?: boolean;
}

/**
 * net/http's bufferBeforeChunkingSize (server.go): a handler's output is buffered up to this size; a body that fits
 * is sent with a Content-Length when the handler returns, a larger one goes out before it returns, chunked.
 */
const BUFFER_BEFORE_CHUNKING = 2048;

/** a comma-separated header's tokens, lower-cased (net/http hasToken) */
const tokens = (v: string | undefined) => (v ?? '').split(',').map((t) => t.trim().toLowerCase());

/**
 * An answer as a Go net/http server writes it (net/http/server.go, chunkWriter.writeHeader): the handler's headers
 * sorted by key (Header.WriteSubset), then the ones the server adds, in extraHeader's order: a sniffed Content-Type,
 * Connection, Transfer-Encoding, Date, Content-Length. No Connection header on a kept HTTP/1.1 connection;
 * `Connection: close` when the client asked to close; an HTTP/1.0 client gets an HTTP/1.0 status line and
 * `Connection: keep-alive` only when it asked for it and the length is known. `handlerHeaders` is the handler's map.
 */
export function goServerAnswer(
  req: AppRequest,
  status: number,
  handlerHeaders: [string, string][],
  payload: Buffer | string,
  sniffed?: string,
): AppResponse {
  const len = Buffer.byteLength(payload);
  const isHead = req.method === 'HEAD';
  const http11 = req.httpVersion !== 'HTTP/1.0';
  const conn = tokens(header(req.headers, 'connection'));
  const wantsClose = conn.includes('close');
  const wants10KeepAlive = !http11 && conn.includes('keep-alive');
  const bodyAllowed = !((status >= 100 && status < 200) || status === 204 || status === 304);
  let own = [...handlerHeaders].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const has = (k: string) => own.some(([n]) => n === k);
  const del = (k: string) => (own = own.filter(([n]) => n !== k));
  // a body that fits the buffer is complete when the header is written: its length is known
  const done = len <= BUFFER_BEFORE_CHUNKING;
  let contentLength: string | undefined;
  if (done && bodyAllowed && !has('Content-Length') && !has('Transfer-Encoding') && (!isHead || len > 0))
    contentLength = String(len);
  const hasCL = has('Content-Length') || contentLength !== undefined;
  let connection: string | undefined;
  let closeAfter = false;
  if (wants10KeepAlive && (isHead || hasCL || !bodyAllowed)) {
    if (!has('Connection')) connection = 'keep-alive';
  } else if (!http11 || wantsClose) closeAfter = true;
  if (own.find(([n]) => n === 'Connection')?.[1] === 'close') closeAfter = true;
  let contentType: string | undefined;
  if (bodyAllowed) {
    if (sniffed && !has('Content-Type') && len > 0) contentType = sniffed;
  } else if (status === 304) for (const k of ['Content-Type', 'Content-Length', 'Transfer-Encoding']) del(k);
  let transferEncoding: string | undefined;
  if (isHead || !bodyAllowed || status === 204 || hasCL) {
    // no framing to add
  } else if (http11) transferEncoding = 'chunked';
  else closeAfter = true;
  if (closeAfter && !tokens(own.find(([n]) => n === 'Connection')?.[1]).includes('close')) {
    del('Connection');
    if (http11) connection = 'close';
  }
  const added: [string, string | undefined][] = [
    ['Content-Type', contentType],
    ['Connection', connection],
    ['Transfer-Encoding', transferEncoding],
    ['Date', has('Date') ? undefined : httpDate(req.now)],
    ['Content-Length', contentLength],
  ];
  return {
    status,
    statusText: STATUS_TEXT[status] ?? '',
    httpVersion: http11 ? 'HTTP/1.1' : 'HTTP/1.0',
    headers: [...own, ...added.filter((h): h is [string, string] => h[1] !== undefined)],
    body: payload,
    closeAfter,
  };
}

/**
 * A handler's answer through net/http: its headers (behind gorilla's CompressHandler when `opts.compress`), then
 * what the server adds (`goServerAnswer`). Gzip goes through the same buffer: a small compressed body gets a
 * Content-Length, as the writer is closed before the handler returns.
 */
export function goResponse(
  req: AppRequest,
  status: number,
  headers: [string, string][],
  body: Buffer | string,
  opts: GoResponseOptions = {},
): AppResponse {
  const own = [...headers];
  let payload: Buffer | string = body;
  if (opts.compress) {
    own.push(['Vary', 'Accept-Encoding']);
    const accepts = (header(req.headers, 'accept-encoding') ?? '')
      .split(',')
      .some((e) => e.trim().split(';')[0]!.trim() === 'gzip');
    if (accepts && req.method !== 'HEAD') {
      own.push(['Content-Encoding', 'gzip']);
      payload = gzipSync(Buffer.from(body));
    }
  }
  return goServerAnswer(req, status, own, payload, opts.sniffed);
}

/** net/http's Error: the message and a newline as text/plain */
export function goError(req: AppRequest, status: number, message: string, opts: GoResponseOptions = {}): AppResponse {
  return goResponse(
    req,
    status,
    [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['X-Content-Type-Options', 'nosniff'],
    ],
    `${message}\n`,
    opts,
  );
}
