/**
 * The browser's way in, as Jupyter does it: `lab start` prints http://127.0.0.1:PORT/?token=TOKEN; opening it
 * stores the token in an HttpOnly SameSite=Strict cookie and redirects (302) to the same URL without the token,
 * so it does not linger in the address bar, history or Referer. From then on the page's fetches and its
 * WebSocket carry the cookie automatically.
 */
import type {ServerResponse} from 'node:http';
import {setCookieHeader} from './cookie';
import {TOKEN_QUERY, tokenCookieName, tokensEqual} from './token';

/** Handles a page request that carries `?token=`; returns false when there is none (serve the page as usual). */
export function handleTokenLogin(res: ServerResponse, url: URL, token: string, port: number): boolean {
  const presented = url.searchParams.get(TOKEN_QUERY);
  if (presented === null) return false;
  if (!tokensEqual(presented, token)) {
    res.writeHead(401, {'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store'});
    res.end('Wrong token: open the URL printed by the latest `lab start`.\n');
    return true;
  }
  const clean = new URL(url.href);
  clean.searchParams.delete(TOKEN_QUERY);
  res.writeHead(302, {
    'Set-Cookie': setCookieHeader(tokenCookieName(port), token),
    // one leading slash: `//host/...` would be a protocol-relative redirect to another site
    Location: clean.pathname.replace(/^\/+/, '/') + clean.search,
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
  });
  res.end();
  return true;
}
