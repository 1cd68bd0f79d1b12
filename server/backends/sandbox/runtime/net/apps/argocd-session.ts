import {createHmac, randomBytes, randomUUID, timingSafeEqual} from 'node:crypto';
import bcrypt from 'bcryptjs';
import type {AppContext} from './app';

/**
 * Argo CD's local login, as argocd-server does it (argo-cd v3.5.1 util/session/sessionmanager.go,
 * server/session/session.go, util/password/password.go): the admin account's bcrypt hash from the Secret
 * argocd-secret, a lock-out after repeated failures, and an HS256 JWT signed with the server's key.
 */

/** a gRPC status as the API gateway turns it into an HTTP error */
export interface GrpcError {
  code: number;
  message: string;
}

export const UNAUTHENTICATED = 16;
export const INVALID_ARGUMENT = 3;

const INVALID_LOGIN = 'Invalid username or password';
const MAX_USERNAME = 32;

interface Account {
  passwordHash: string;
  passwordMtime?: Date;
  enabled: boolean;
}

/** settings.GetAccount("admin"): argocd-secret's admin.password / admin.passwordMtime, argocd-cm's admin.enabled */
function account(ctx: AppContext, username: string): Account | undefined {
  if (username !== 'admin') return undefined;
  const secret = ctx.data('secrets', 'argocd-secret') ?? {};
  const cm = ctx.data('configmaps', 'argocd-cm') ?? {};
  const mtime = secret['admin.passwordMtime'] ? new Date(secret['admin.passwordMtime']) : undefined;
  return {
    passwordHash: secret['admin.password'] ?? '',
    passwordMtime: mtime && !Number.isNaN(mtime.getTime()) ? mtime : undefined,
    enabled: (cm['admin.enabled'] ?? 'true') !== 'false',
  };
}

/**
 * The JWT signing key: argocd-secret's server.secretkey, else the one argocd-server generated at start
 * (InitializeSettings; the real server writes it back to the Secret, the sandbox keeps it with the pod).
 */
function signingKey(ctx: AppContext): Buffer {
  const configured = ctx.data('secrets', 'argocd-secret')?.['server.secretkey'];
  return configured ? Buffer.from(configured) : ctx.state('jwt-key', () => randomBytes(32));
}

/** golang.org/x/crypto/bcrypt reads $2a$, $2b$ and $2y$ alike (htpasswd writes $2y$, crypt(3) $2b$), as bcryptjs does */
async function bcryptMatches(password: string, hash: string): Promise<boolean> {
  if (!password || !/^\$2[aby]?\$\d\d\$[./A-Za-z0-9]{53}$/.test(hash)) return false;
  return bcrypt.compare(password, hash);
}

interface Failures {
  count: number;
  last: number;
}

const envInt = (ctx: AppContext, name: string, fallback: number) => {
  const n = Number.parseInt(ctx.env[name] ?? '', 10);
  return Number.isFinite(n) ? n : fallback;
};

/** SessionManager.VerifyUsernamePassword */
async function verify(ctx: AppContext, username: string, password: string): Promise<GrpcError | undefined> {
  if (password === '') return {code: UNAUTHENTICATED, message: 'Blank passwords are not allowed'};
  if (Buffer.byteLength(username) > MAX_USERNAME)
    return {code: INVALID_ARGUMENT, message: `Username is too long (${MAX_USERNAME} bytes max)`};
  const failures = ctx.state('login-failures', () => new Map<string, Failures>());
  const maxFails = envInt(ctx, 'ARGOCD_SESSION_FAILURE_MAX_FAIL_COUNT', 5);
  const windowMs = envInt(ctx, 'ARGOCD_SESSION_FAILURE_WINDOW_SECONDS', 300) * 1000;
  const now = ctx.now.getTime();
  const seen = failures.get(username);
  // too many recent failures: refused whatever the password (exceededFailedLoginAttempts)
  if (seen && seen.count >= maxFails && (windowMs === 0 || now - seen.last <= windowMs))
    return {code: UNAUTHENTICATED, message: INVALID_LOGIN};
  const failed = (): GrpcError => {
    if (windowMs > 0) for (const [u, f] of failures) if (now - f.last > windowMs) failures.delete(u);
    const f = failures.get(username) ?? {count: 0, last: now};
    failures.set(username, {count: f.count + 1, last: now});
    return {code: UNAUTHENTICATED, message: INVALID_LOGIN};
  };
  const acc = account(ctx, username);
  if (!acc) return failed();
  if (!(await bcryptMatches(password, acc.passwordHash))) return failed();
  if (!acc.enabled) return {code: UNAUTHENTICATED, message: `Account ${username} is disabled`};
  failures.delete(username);
  return undefined;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** argocd-cm users.session.duration (a Go duration such as 24h or 1h30m), 24h by default */
function sessionSeconds(ctx: AppContext): number {
  const v = ctx.data('configmaps', 'argocd-cm')?.['users.session.duration'];
  const m = v ? /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(v) : null;
  if (!m || !v) return 24 * 3600;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/**
 * Session.Create: a token for `admin:login` or the gRPC error the gateway reports. The claims are golang-jwt v5's
 * RegisteredClaims in their JSON order (iss, sub, exp, nbf, iat, jti).
 */
export async function createSession(
  ctx: AppContext,
  q: {username?: unknown; password?: unknown; token?: unknown},
): Promise<{token: string} | GrpcError> {
  if (typeof q.token === 'string' && q.token !== '')
    return {
      code: UNAUTHENTICATED,
      message: 'token-based session creation no longer supported. please upgrade argocd cli to v0.7+',
    };
  const username = typeof q.username === 'string' ? q.username : '';
  const password = typeof q.password === 'string' ? q.password : '';
  if (username === '' || password === '') return {code: UNAUTHENTICATED, message: 'no credentials supplied'};
  const err = await verify(ctx, username, password);
  if (err) return err;
  const iat = Math.floor(ctx.now.getTime() / 1000);
  const ttl = sessionSeconds(ctx);
  const claims = {
    iss: 'argocd',
    sub: `${username}:login`,
    ...(ttl > 0 ? {exp: iat + ttl} : {}),
    nbf: iat,
    iat,
    jti: randomUUID(),
  };
  const signed = `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify(claims))}`;
  const sig = createHmac('sha256', signingKey(ctx)).update(signed).digest();
  return {token: `${signed}.${b64url(sig)}`};
}

/**
 * The user a request's token names (Authorization: Bearer, else the argocd.token cookie), or the error
 * ArgoCDServer.getClaims reports: "no session information", or "invalid session: <golang-jwt's reason>".
 */
export function sessionUser(ctx: AppContext, token: string | undefined): {username: string} | GrpcError {
  if (!token) return {code: UNAUTHENTICATED, message: 'no session information'};
  const invalid = (why: string): GrpcError => ({code: UNAUTHENTICATED, message: `invalid session: ${why}`});
  const parts = token.split('.');
  if (parts.length !== 3) return invalid('token is malformed: token contains an invalid number of segments');
  let claims: Record<string, unknown>;
  try {
    const head = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString()) as {alg?: string};
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()) as Record<string, unknown>;
    if (head.alg !== 'HS256')
      return invalid(`token is unverifiable: error while executing keyfunc: unexpected signing method: ${head.alg}`);
  } catch {
    return invalid('token is malformed: could not JSON decode header');
  }
  const want = createHmac('sha256', signingKey(ctx)).update(`${parts[0]}.${parts[1]}`).digest();
  const got = Buffer.from(parts[2]!, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want))
    return invalid('token signature is invalid: signature is invalid');
  const now = ctx.now.getTime() / 1000;
  if (typeof claims.exp === 'number' && now >= claims.exp) return invalid('token has invalid claims: token is expired');
  const [username = ''] = String(claims.sub ?? '').split(':');
  const acc = account(ctx, username);
  if (!acc) return invalid(`account '${username}' does not exist`);
  if (!acc.enabled) return invalid(`account ${username} is disabled`);
  if (typeof claims.jti !== 'string' || claims.jti === '')
    return invalid('token does not have a unique identifier (jti claim) and cannot be validated');
  if (acc.passwordMtime && typeof claims.iat === 'number' && claims.iat * 1000 < acc.passwordMtime.getTime())
    return invalid('account password has changed since token issued');
  return {username};
}
