/**
 * What each simulated app's HTTP server writes to a connection whose request it cannot take (a malformed request
 * line, a bad header, a head past its limit, a head cut short), before it closes the connection. `http1-wire.ts`
 * parses with Node's llhttp and asks the app's server for these bytes.
 */
import type {AppKind} from '../images/types';
import {NGINX_SERVER} from './apps/nginx';

/** why a request was refused before it reached the app */
export type WireProblem =
  /** a request line or header the parser rejects */
  | {kind: 'bad-request'; requestLine?: string; headerLine?: string}
  /** request line and headers past the server's limit */
  | {kind: 'head-too-large'}
  /** an HTTP/1.1 request without a Host header */
  | {kind: 'missing-host'}
  /** the client ended the connection inside a request head */
  | {kind: 'truncated-head'};

export interface WireServer {
  /** the most bytes of request head the server reads (Node's parser counts the request line and the headers) */
  maxHeadBytes: number;
  /** an HTTP/1.1 request without Host is refused (`missing-host`) */
  requiresHost: boolean;
  /** the bytes written before the close, or undefined to close without a word */
  refuse(problem: WireProblem): string | undefined;
}

/**
 * Go's net/http (src/net/http/server.go, conn.serve): a read error of the request is answered with a status line,
 * `errorHeaders` and the status as the body, no Date; a statusError (missing Host) adds its text to both; the 431
 * for a head past MaxHeaderBytes (DefaultMaxHeaderBytes, 1 MB, plus 4096 bytes of slack in initialReadLimitSize).
 * A head cut short by the client's EOF after its first line is io.ErrUnexpectedEOF (request.go readRequest), not
 * one of isCommonNetReadError's, so it gets the 400 too.
 */
export const GO_NET_HTTP: WireServer = {
  maxHeadBytes: (1 << 20) + 4096,
  requiresHost: true,
  refuse(problem) {
    const errorHeaders = '\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n';
    const plain = (status: string) => `HTTP/1.1 ${status}${errorHeaders}${status}`;
    switch (problem.kind) {
      case 'head-too-large':
        return plain('431 Request Header Fields Too Large');
      case 'missing-host':
        return plain('400 Bad Request: missing required Host header');
      default:
        return plain('400 Bad Request');
    }
  },
};

/**
 * nginx 1.27 (src/http/ngx_http_special_response.c: ngx_http_error_400_page, ngx_http_error_494_page and the
 * full tail; ngx_http_request.c: a bad request line or header, an HTTP/1.1 request without Host, a header past
 * large_client_header_buffers' 8k): its error page with Server, Date, Content-Type, Content-Length and
 * `Connection: close`. A client that closes inside the head gets nothing ("client prematurely closed connection").
 */
export function nginxServer(now: () => Date): WireServer {
  return {
    // large_client_header_buffers 4 8k
    maxHeadBytes: 4 * 8192,
    requiresHost: true,
    refuse(problem) {
      if (problem.kind === 'truncated-head') return undefined;
      const title = problem.kind === 'head-too-large' ? '400 Request Header Or Cookie Too Large' : '400 Bad Request';
      const detail = problem.kind === 'head-too-large' ? '<center>Request Header Or Cookie Too Large</center>\r\n' : '';
      const body =
        `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n` +
        `${detail}<hr><center>${NGINX_SERVER}</center>\r\n</body>\r\n</html>\r\n`;
      return (
        `HTTP/1.1 400 Bad Request\r\nServer: ${NGINX_SERVER}\r\nDate: ${now().toUTCString()}\r\n` +
        `Content-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
      );
    },
  };
}

/** Python's repr() of a str: single quotes unless it holds one and no double quote */
const pyRepr = (s: string) => (s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/'/g, "\\'")}'`);
/** html.escape(s, quote=True) */
const htmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');

/**
 * gunicorn 23 (gunicorn/util.py write_error, workers/base.py handle_error): an HTML page naming the parser's
 * exception, `Connection: close`, no Date or Server. The request line's errors read as InvalidRequestLine's, a
 * header's as InvalidHeader's, the limits (limit_request_line 4094, limit_request_fields 100 of
 * limit_request_field_size 8190) as LimitRequestHeaders' 431. A head cut short is NoMoreData: closed silently.
 */
export const GUNICORN: WireServer = {
  maxHeadBytes: 4094 + 100 * 8190,
  // gunicorn's parser does not ask for Host (message.py)
  requiresHost: false,
  refuse(problem) {
    let status = '400';
    let reason = 'Bad Request';
    let mesg: string;
    if (problem.kind === 'truncated-head') return undefined;
    if (problem.kind === 'head-too-large') {
      status = '431';
      reason = 'Request Header Fields Too Large';
      mesg = "Error parsing headers: 'limit request headers fields size'";
    } else if (problem.kind === 'bad-request' && problem.headerLine !== undefined)
      mesg = `Invalid HTTP Header: ${pyRepr(problem.headerLine)}`;
    else
      mesg = `Invalid Request Line '${`Invalid HTTP request line: ${pyRepr(problem.kind === 'bad-request' ? (problem.requestLine ?? '') : '')}`}'`;
    const html = `<html>\n  <head>\n    <title>${reason}</title>\n  </head>\n  <body>\n    <h1><p>${reason}</p></h1>\n    ${htmlEscape(mesg)}\n  </body>\n</html>\n`;
    return `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/html\r\nContent-Length: ${html.length}\r\n\r\n${html}`;
  },
};

/** the server software of each app kind (go-httpbin and argocd-server are Go; Istio's helloworld runs gunicorn) */
export function wireServerOf(app: AppKind, now: () => Date): WireServer {
  if (app === 'nginx') return nginxServer(now);
  if (app === 'helloworld') return GUNICORN;
  return GO_NET_HTTP;
}
