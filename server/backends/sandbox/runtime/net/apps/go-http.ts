import {gzipSync} from 'node:zlib';
import {header, httpDate, type AppRequest, type AppResponse} from './app';
import {STATUS_TEXT} from './status-text';

export interface GoResponseOptions {
  /** the Content-Type net/http sniffs when the handler set none */
  sniffed?: string;
  /**
   * Behind gorilla/handlers' CompressHandler (v1.5.2 compress.go), as Argo CD wraps its API and UI when
   * --enable-gzip is on (the default): always `Vary: Accept-Encoding`, a gzip body (sent chunked) when accepted.
   */
  compress?: boolean;
}

/**
 * An answer as a Go net/http server writes it (net/http/server.go, chunkWriter.writeHeader): the handler's headers
 * sorted by name, then the ones the server adds itself (a sniffed Content-Type, Date, Content-Length).
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
  const sorted = own.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const added: [string, string][] = [];
  if (opts.sniffed && !own.some(([k]) => k === 'Content-Type')) added.push(['Content-Type', opts.sniffed]);
  added.push(['Date', httpDate(req.now)]);
  if (!own.some(([k]) => k === 'Content-Encoding' || k === 'Content-Length'))
    added.push(['Content-Length', String(Buffer.byteLength(payload))]);
  return {status, statusText: STATUS_TEXT[status] ?? '', headers: [...sorted, ...added], body: payload};
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
