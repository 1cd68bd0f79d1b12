/**
 * The one access decision for every HTTP request and WebSocket upgrade.
 *
 * - Every request: the Host must be ours (DNS rebinding). Static pages need nothing more: they are public content.
 * - `/api/*` and `/ws` additionally need the token, and the Origin must be our own:
 *   - Origin present: it must be same-origin with the (allowed) Host, whatever carries the token.
 *   - Origin absent: browsers always send Origin on WebSocket upgrades and cross-origin fetches, so a request
 *     without one is either a non-browser client (curl, the runner, tests) or a same-origin GET fetch.
 *     A token in the query or Authorization header is accepted: a browser never adds those by itself, so
 *     whoever sent it already knows the secret. A token that came only as the cookie (which a browser attaches
 *     automatically) is accepted only with `Sec-Fetch-Site: same-origin` or `none` (address bar), which
 *     browsers set on such requests and no page can forge.
 */
import type {IncomingMessage} from 'node:http';
import {hostAllowed, type HostPolicy} from './host-check';
import {originMatchesHost} from './origin-check';
import {presentedToken, tokensEqual, type TokenSource} from './token';

export interface AuthPolicy extends HostPolicy {
  token: string;
}

export type Refusal = {
  ok: false;
  /** 401: no or wrong token; 403: wrong Host or Origin */
  status: 401 | 403;
  code: 'host-not-allowed' | 'origin-not-allowed' | 'origin-required' | 'token-required' | 'bad-token';
  reason: string;
};
export type AuthDecision = {ok: true; source: TokenSource} | Refusal;

export function checkHost(req: IncomingMessage, policy: HostPolicy): {ok: true} | Refusal {
  if (hostAllowed(req.headers.host, policy)) return {ok: true};
  return {
    ok: false,
    status: 403,
    code: 'host-not-allowed',
    reason: `Host "${String(req.headers.host ?? '')}" is not allowed; open the lab at http://127.0.0.1:${policy.port}/`,
  };
}

export function authorize(req: IncomingMessage, url: URL, policy: AuthPolicy): AuthDecision {
  const host = checkHost(req, policy);
  if (!host.ok) return host;

  const origin = req.headers.origin;
  if (origin !== undefined && !originMatchesHost(origin, req.headers.host ?? '')) {
    return {ok: false, status: 403, code: 'origin-not-allowed', reason: `Origin "${origin}" is not this lab's origin`};
  }

  const presented = presentedToken(req, url, policy.port);
  if (!presented) {
    return {
      ok: false,
      status: 401,
      code: 'token-required',
      reason: 'a token is required: open the URL printed by `lab start` (it ends in ?token=...)',
    };
  }
  if (!tokensEqual(presented.token, policy.token)) {
    return {
      ok: false,
      status: 401,
      code: 'bad-token',
      reason: 'wrong token: use the URL printed by the latest `lab start`',
    };
  }

  if (origin === undefined && presented.source === 'cookie') {
    const site = req.headers['sec-fetch-site'];
    if (site !== 'same-origin' && site !== 'none') {
      return {
        ok: false,
        status: 403,
        code: 'origin-required',
        reason: 'a cookie-authenticated request must come from the lab page itself (no Origin / Sec-Fetch-Site)',
      };
    }
  }
  return {ok: true, source: presented.source};
}
