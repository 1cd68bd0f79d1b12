/**
 * The lab token: the one secret between the learner's browser and the terminal server.
 * Presented as `?token=`, `Authorization: Bearer <token>`, or the `lab_token_<port>` cookie the server set itself.
 */
import {createHash, timingSafeEqual} from 'node:crypto';
import type {IncomingMessage} from 'node:http';
import {readCookie} from './cookie';

/**
 * Cookies are scoped by host, not port: two labs on one machine (say 4321 and 4399) would overwrite each other's
 * `lab_token` and each would lock the other's tab out. So the cookie name carries the port.
 */
export function tokenCookieName(port: number): string {
  return `lab_token_${port}`;
}
export const TOKEN_QUERY = 'token';

/** How the token reached us; decides whether a request without Origin may be trusted (see authorize.ts). */
export type TokenSource = 'query' | 'header' | 'cookie';

export interface PresentedToken {
  token: string;
  source: TokenSource;
}

/**
 * Constant-time comparison. Hashing both sides first makes the compared buffers equal in length, so neither the
 * content nor the length of the real token leaks through timing.
 */
export function tokensEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The first token found, in order of explicitness: header, query, cookie. */
export function presentedToken(req: IncomingMessage, url: URL, port: number): PresentedToken | undefined {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m?.[1]) return {token: m[1], source: 'header'};
  }
  const query = url.searchParams.get(TOKEN_QUERY);
  if (query) return {token: query, source: 'query'};
  const cookie = readCookie(req.headers.cookie, tokenCookieName(port));
  if (cookie) return {token: cookie, source: 'cookie'};
  return undefined;
}
