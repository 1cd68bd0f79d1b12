import {generate} from 'selfsigned';
import {argocdVersion} from '../../images/argocd-startup';
import {header, type AppCertificate, type AppContext, type AppHandler, type AppRequest, type AppTls} from './app';
import {createSession, INVALID_ARGUMENT, sessionUser, type GrpcError} from './argocd-session';
import {goError, goResponse} from './go-http';
import {STATUS_TEXT} from './status-text';

/**
 * argocd-server's port 8080, as argo-cd v3.5.1 server/server.go serves it: cmux sends plain HTTP/1 to a server that
 * only redirects (307) to https, and TLS (its own certificate) to the real one: the grpc-gateway JSON API under
 * /api/, /healthz, and the UI for every other path. The UI itself is not simulated: its place is taken by a page that
 * says so. With --insecure (or ARGOCD_SERVER_INSECURE) it serves the real one on plain HTTP instead.
 */

/** the container runs argocd-server: every Argo CD component runs the one image (tini -- argocd-<component>) */
export function isArgocdServer(podArgv: string[], imageEntrypoint: string[]): boolean {
  const argv = podArgv.length ? podArgv : imageEntrypoint;
  const program = argv.find((a) => !/(^|\/)tini$/.test(a) && a !== '--');
  return !!program && /(^|\/)argocd-server$/.test(program);
}

/** cmd/argocd-server: --insecure, or ARGOCD_SERVER_INSECURE (Go's strconv.ParseBool) */
function insecure(ctx: AppContext): boolean {
  const truthy = (v: string) => ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);
  let on = truthy(ctx.env.ARGOCD_SERVER_INSECURE ?? '');
  for (const a of ctx.podArgv) {
    if (a === '--insecure') on = true;
    const m = /^--insecure=(.*)$/.exec(a);
    if (m) on = truthy(m[1]!);
  }
  return on;
}

/** what GET /api/version says to a caller without a session: the release the image was built from */
function version(ctx: AppContext): string {
  return argocdVersion(ctx.pod.containers.find((c) => /(^|\/)argoproj\/argocd(:|@|$)/.test(c.image))?.image ?? '');
}

/**
 * The serving certificate: the Secret argocd-server-tls, else tls.crt/tls.key in argocd-secret, else the one the
 * server generated at start (util/settings InitializeSettings → util/tls generate: RSA 2048, O=Argo CD, one year,
 * localhost and the Service's names; the real server stores it in argocd-secret, the sandbox keeps it with the pod).
 */
export const argocdServerTls: AppTls = (ctx) => {
  if (insecure(ctx)) return undefined;
  for (const name of ['argocd-server-tls', 'argocd-secret']) {
    const s = ctx.data('secrets', name);
    if (s?.['tls.crt'] && s['tls.key']) return Promise.resolve({cert: s['tls.crt'], key: s['tls.key']});
  }
  return ctx.state('tls', () => selfSigned(ctx.pod.namespace, ctx.now));
};

async function selfSigned(namespace: string, now: Date): Promise<AppCertificate> {
  const pems = await generate([{name: 'organizationName', value: 'Argo CD'}], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + 365 * 24 * 3600 * 1000),
    extensions: [
      {name: 'basicConstraints', cA: false, critical: true},
      {name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true},
      {name: 'extKeyUsage', serverAuth: true},
      {
        name: 'subjectAltName',
        altNames: [
          'localhost',
          'argocd-server',
          `argocd-server.${namespace}`,
          `argocd-server.${namespace}.svc`,
          `argocd-server.${namespace}.svc.cluster.local`,
        ].map((value) => ({type: 2 as const, value})),
      },
    ],
  });
  return {cert: pems.cert, key: pems.private};
}

const htmlEscape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;'})[c]!);

/** newRedirectServer + net/http Redirect: 307 to the same host and path over https; GET gets a one-line body */
function redirect(req: AppRequest): ReturnType<typeof goResponse> {
  const target = `https://${header(req.headers, 'host') ?? ''}${req.target.startsWith('/') ? req.target : '/'}`;
  const headers: [string, string][] = [['Location', target]];
  // Go compares the method as sent: only GET gets a body, GET and HEAD a type
  if (req.method === 'GET' || req.method === 'HEAD') headers.push(['Content-Type', 'text/html; charset=utf-8']);
  const body = req.method === 'GET' ? `<a href="${htmlEscape(target)}">Temporary Redirect</a>.\n\n` : '';
  return goResponse(req, 307, headers, body);
}

/** grpc-gateway v1.16 runtime.HTTPStatusFromCode */
const HTTP_OF_GRPC: Record<number, number> = {3: 400, 5: 404, 7: 403, 12: 501, 16: 401};

/** a grpc-gateway v1.16 DefaultHTTPError body through Argo CD's JSON marshaler (encoding/json, util/grpc/json.go) */
function apiError(req: AppRequest, e: GrpcError) {
  return goResponse(
    req,
    HTTP_OF_GRPC[e.code] ?? 500,
    [
      ['Content-Type', 'application/json'],
      ['Grpc-Metadata-Content-Type', 'application/grpc'],
    ],
    JSON.stringify({error: e.message, code: e.code, message: e.message}),
    {compress: true},
  );
}

function apiOk(req: AppRequest, body: unknown, extra: [string, string][] = []) {
  return goResponse(
    req,
    200,
    [['Content-Type', 'application/json'], ['Grpc-Metadata-Content-Type', 'application/grpc'], ...extra],
    JSON.stringify(body),
    {compress: true},
  );
}

/** getToken: a Bearer token first, then the argocd.token cookie */
function token(req: AppRequest): string | undefined {
  const auth = header(req.headers, 'authorization');
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length);
  const cookie = header(req.headers, 'cookie') ?? '';
  return /(?:^|;\s*)argocd\.token=([^;]*)/.exec(cookie)?.[1];
}

/** the routes simulated, with their methods (pkg/apiclient/{version,session}/*.pb.gw.go) */
const ROUTES: Record<string, string[]> = {
  '/api/version': ['GET'],
  '/api/v1/session': ['POST', 'DELETE'],
  '/api/v1/session/userinfo': ['GET'],
};

/** the API services whose every method needs a session (server/*; the version and session services do not) */
const SESSION_ONLY =
  /^\/api\/v1\/(applications|applicationsets|projects|clusters|repositories|repocreds|certificates|gpgkeys|account|notifications)(\/|$)/;

/** what Go's encoding/json calls a JSON value */
const goKind = (v: unknown) =>
  Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v;

/**
 * The gateway decodes the body into session.SessionCreateRequest with encoding/json; its error, if any, is an
 * InvalidArgument (an empty body is no error: io.EOF is ignored).
 */
function decodeSessionRequest(text: string): {q: Record<string, unknown>} | {error: GrpcError} {
  const bad = (message: string) => ({error: {code: INVALID_ARGUMENT, message}});
  if (text.trim() === '') return {q: {}};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    const c = text.trimStart()[0]!;
    return bad(/[[{"\d tfn-]/.test(c) ? 'unexpected EOF' : `invalid character '${c}' looking for beginning of value`);
  }
  if (v === null) return {q: {}};
  if (typeof v !== 'object' || Array.isArray(v))
    return bad(`json: cannot unmarshal ${goKind(v)} into Go value of type session.SessionCreateRequest`);
  for (const field of ['username', 'password', 'token']) {
    const f = (v as Record<string, unknown>)[field];
    if (f !== undefined && f !== null && typeof f !== 'string')
      return bad(
        `json: cannot unmarshal ${goKind(f)} into Go struct field SessionCreateRequest.${field} of type string`,
      );
  }
  return {q: v as Record<string, unknown>};
}

async function api(req: AppRequest, path: string) {
  const method = req.method;
  // enforceContentTypes (--api-content-types, application/json by default) wraps the whole API
  if (method !== 'GET' && (header(req.headers, 'content-type') ?? '').toLowerCase() !== 'application/json')
    return goError(req, 415, 'Invalid content type');
  // grpc-gateway v1.16 ServeMux: a known path with another method is 405, an unknown one 404
  const methods = ROUTES[path];
  if (methods && !methods.includes(method)) return goError(req, 405, STATUS_TEXT[405]!);
  if (path === '/api/version') return apiOk(req, {Version: version(req)});
  // Session.Delete (logout) answers an empty token: no cookie, an empty object
  if (path === '/api/v1/session' && method === 'DELETE') return apiOk(req, {});
  if (path === '/api/v1/session') {
    const decoded = decodeSessionRequest(req.body.toString('utf8'));
    if ('error' in decoded) return apiError(req, decoded.error);
    const r = await createSession(req, decoded.q);
    if ('code' in r) return apiError(req, r);
    // translateGrpcCookieHeader → util/http SetTokenCookie; Secure unless the server runs --insecure
    const cookie = `argocd.token=${r.token}; path=/; SameSite=lax; httpOnly${req.tls ? '; Secure' : ''}`;
    return apiOk(req, {token: r.token}, [['Set-Cookie', cookie]]);
  }
  if (path === '/api/v1/session/userinfo') {
    const who = sessionUser(req, token(req));
    return apiOk(req, 'username' in who ? {loggedIn: true, username: who.username, iss: 'argocd'} : {});
  }
  if (SESSION_ONLY.test(path)) {
    const who = sessionUser(req, token(req));
    if ('code' in who) return apiError(req, who);
    return apiError(req, {
      code: 12,
      message: `the Ambient Lab sandbox simulates Argo CD's version and session API only, not ${method} ${path}`,
    });
  }
  // grpc-gateway's ServeMux for a path no service registered
  return goError(req, 404, STATUS_TEXT[404]!);
}

/** what the UI's place holds: a page that says plainly what this is */
const UI_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="UTF-8">
<title>Argo CD</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:42em;margin:3em auto;padding:0 1em;line-height:1.5}code{background:#eee;padding:0 .2em}</style>
</head>
<body>
<h1>Argo CD</h1>
<p>This is the Ambient Lab sandbox, not a real Argo CD. The sandbox simulates Argo CD's API server endpoints
(its version, health and login API) but not its web UI, so there is no UI to show here.</p>
<p>Try instead, from the lab's terminal:</p>
<ul>
<li><code>curl -k https://localhost:8080/api/version</code></li>
<li><code>curl -k https://localhost:8080/healthz</code></li>
<li><code>curl -k https://localhost:8080/api/v1/session -H 'Content-Type: application/json' -d '{"username":"admin","password":"…"}'</code></li>
<li><code>kubectl get applications -n argocd</code></li>
</ul>
<p>On a real cluster (the lab's host backend) this address shows Argo CD's UI.</p>
<hr>
<p lang="ko">여기는 실제 Argo CD가 아니라 Ambient Lab의 샌드박스입니다. 샌드박스는 Argo CD API 서버의 엔드포인트(버전,
상태 확인, 로그인 API)를 흉내 내지만 웹 UI는 흉내 내지 않습니다. 위의 명령을 대신 실행해 보세요. 실제
클러스터(랩의 host 백엔드)에서는 이 주소에 Argo CD UI가 나옵니다.</p>
</body>
</html>
`;

/** the UI handler (newStaticAssetsHandler): index.html for "/" and for HTML requests, net/http's 404 otherwise */
function ui(req: AppRequest, path: string) {
  const frame: [string, string][] = [
    ['X-Frame-Options', 'sameorigin'],
    ['Content-Security-Policy', "frame-ancestors 'self';"],
    ['X-Xss-Protection', '1'],
  ];
  const method = req.method;
  const acceptHtml = (header(req.headers, 'accept') ?? '').split(',').some((t) => t === 'text/html' || t === 'html');
  const page: [string, string][] = [...frame, ['Accept-Ranges', 'bytes'], ['Content-Type', 'text/html; charset=utf-8']];
  if (acceptHtml && (method === 'GET' || method === 'HEAD'))
    return goResponse(
      req,
      200,
      [
        ...page,
        // http.ServeContent with the time the build date fails to parse into: now
        ['Last-Modified', req.now.toUTCString()],
        ['Cache-Control', 'no-cache, private, max-age=0'],
        ['Expires', 'Thu, 01 Jan 1970 00:00:00 UTC'],
        ['Pragma', 'no-cache'],
        ['X-Accel-Expires', '0'],
      ],
      UI_PAGE,
      {compress: true},
    );
  // http.FileServer over the embedded assets (no modification time): "/" is the directory, served by its
  // index.html; /index.html redirects to "./"
  if (path === '/index.html') return goResponse(req, 301, [...frame, ['Location', './']], '', {compress: true});
  if (path === '/') return goResponse(req, 200, page, UI_PAGE, {compress: true});
  return goError(req, 404, '404 page not found', {compress: true});
}

export const argocdServer: AppHandler = async (req) => {
  if (!req.tls && !insecure(req)) return redirect(req);
  const path = req.target.split('?')[0]!;
  if (path === '/healthz') return goResponse(req, 200, [], 'ok\n', {sniffed: 'text/plain; charset=utf-8'});
  if (path.startsWith('/api/')) return api(req, path);
  return ui(req, path);
};
