import {rfc3339Millis} from '../../images/log-time';
import {header, type AppHandler, type AppRequest, type AppResponse} from './app';
import {goServerAnswer} from './go-http';

/** Go's canonical header key: "x-request-id" → "X-Request-Id" */
const canonical = (k: string) =>
  k.toLowerCase().replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());

/** go-httpbin v2.15 JSON: 2-space indent, no HTML escaping, trailing newline */
const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

function headersObject(req: AppRequest): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of req.headers) (out[canonical(k)] ??= []).push(v);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function args(query: URLSearchParams): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of query) (out[k] ??= []).push(v);
  return out;
}

const GO_HTTPBIN_READ_TIMEOUT_MS = 5_000;

const origin = (req: AppRequest) => header(req.headers, 'x-forwarded-for')?.split(',')[0]!.trim() ?? req.remoteAddr;

function respond(
  req: AppRequest,
  status: number,
  body: string,
  contentType = 'application/json; charset=utf-8',
  extra: [string, string][] = [],
): AppResponse {
  const bytes = Buffer.from(body);
  const path = req.target.split('?')[0];
  const ms = 0.05 + (bytes.length % 7) / 100;
  return {
    // writeResponse / writeJSON set Content-Type and write the body in one Write; net/http adds the rest
    ...goServerAnswer(
      req,
      status,
      [
        ['Access-Control-Allow-Credentials', 'true'],
        ['Access-Control-Allow-Origin', '*'],
        ...extra,
        ['Content-Type', contentType],
      ],
      bytes,
    ),
    // go-httpbin's http.Server sets ReadTimeout 5s and no IdleTimeout, and Go then closes idle keep-alive
    // connections after ReadTimeout (httpbin/cmd/cmd.go)
    keepAliveIdleMs: GO_HTTPBIN_READ_TIMEOUT_MS,
    logLine: `time=${rfc3339Millis(req.now)} level=INFO msg="${status} ${req.method} ${path} ${ms.toFixed(1)}ms" status=${status} method=${req.method} uri=${req.target} size_bytes=${bytes.length} duration_ms=${ms.toFixed(2)} user_agent=${header(req.headers, 'user-agent') ?? ''} client_ip=${origin(req).replace(/:\d+$/, '')}`,
  };
}

/** the request echo /get, /anything and /delay answer with */
function echo(req: AppRequest, withBody: boolean): Record<string, unknown> {
  const u = new URL(req.target, `http://${header(req.headers, 'host') ?? 'httpbin'}`);
  const base: Record<string, unknown> = {
    args: args(u.searchParams),
    headers: headersObject(req),
    method: req.method,
    origin: origin(req),
    url: u.toString(),
  };
  if (withBody) {
    const text = req.body.toString();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    const ct = header(req.headers, 'content-type') ?? '';
    const form = ct.includes('application/x-www-form-urlencoded') ? args(new URLSearchParams(text)) : {};
    Object.assign(base, {data: ct.includes('form-urlencoded') ? '' : text, files: {}, form, json: parsed});
  }
  return base;
}

/** mccutchen/go-httpbin: the endpoints the walkthrough and learners use */
export const goHttpbin: AppHandler = async (req) => {
  const path = req.target.split('?')[0]!;
  const m = req.method;
  if (path === '/get' && (m === 'GET' || m === 'HEAD')) return respond(req, 200, json(echo(req, false)));
  if (['/post', '/put', '/patch', '/delete'].includes(path)) {
    if (path.slice(1).toUpperCase() !== m)
      return respond(req, 405, '', 'text/plain; charset=utf-8', [['Allow', path.slice(1).toUpperCase()]]);
    return respond(req, 200, json(echo(req, true)));
  }
  if (path === '/anything' || path.startsWith('/anything/')) return respond(req, 200, json(echo(req, true)));
  if (path === '/headers') return respond(req, 200, json({headers: headersObject(req)}));
  if (path === '/ip') return respond(req, 200, json({origin: origin(req)}));
  if (path === '/user-agent') return respond(req, 200, json({'user-agent': header(req.headers, 'user-agent') ?? ''}));
  if (path === '/hostname') return respond(req, 200, json({hostname: req.pod.name}));
  const status = /^\/status\/(\d{3})$/.exec(path);
  if (status) {
    const code = Number(status[1]);
    if (code === 418)
      return respond(req, 418, "I'm a teapot!", 'text/plain; charset=utf-8', [
        ['X-More-Info', 'http://tools.ietf.org/html/rfc2324'],
      ]);
    if (code >= 300 && code < 400)
      return respond(req, code, '', 'text/plain; charset=utf-8', [['Location', '/redirect/1']]);
    return respond(req, code, '', 'text/plain; charset=utf-8');
  }
  const delay = /^\/delay\/(\d+(?:\.\d+)?)$/.exec(path);
  if (delay) {
    const secs = Math.min(Number(delay[1]), 10);
    await req.sleep(secs * 1000);
    return respond(req, 200, json(echo(req, true)));
  }
  if (path === '/')
    return respond(
      req,
      200,
      '<!DOCTYPE html>\n<html>\n<head>\n  <title>go-httpbin(1): HTTP Client Testing Service</title>\n</head>\n<body>\n<h1>go-httpbin(1): HTTP Client Testing Service</h1>\n</body>\n</html>\n',
      'text/html; charset=utf-8',
    );
  return respond(req, 404, 'Not Found\n', 'text/plain; charset=utf-8');
};
