/**
 * The lab token: the one secret between the learner's browser and the terminal server.
 * Presented as `?token=`, `Authorization: Bearer <token>`, or the `lab_token` cookie the server set itself.
 */
import {createHash, timingSafeEqual} from 'node:crypto';
import type {IncomingMessage} from 'node:http';
import {readCookie} from './cookie';

export const TOKEN_COOKIE = 'lab_token';
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
export function presentedToken(req: IncomingMessage, url: URL): PresentedToken | undefined {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m?.[1]) return {token: m[1], source: 'header'};
  }
  const query = url.searchParams.get(TOKEN_QUERY);
  if (query) return {token: query, source: 'query'};
  const cookie = readCookie(req.headers.cookie, TOKEN_COOKIE);
  if (cookie) return {token: cookie, source: 'cookie'};
  return undefined;
}
