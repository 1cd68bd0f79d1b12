/**
 * Who is asking: the one access decision of a lab that may run a workshop.
 *
 * - The lab token (server/auth/authorize.ts) names the lab's own learner, or in a workshop the instructor. When the
 *   workshop listens on the LAN, the token is accepted from loopback only: the instructor sits at the laptop, and a
 *   token seen over the room's Wi-Fi (shoulder-surfed, or sniffed: plain HTTP) opens nothing.
 * - An attendee is known by the HttpOnly cookie set when they joined (WorkshopState.authenticate); the same Host and
 *   Origin rules as for the token hold, and a cookie-only request without Origin must be same-origin by
 *   Sec-Fetch-Site, exactly as for the token cookie.
 * Everything else is refused with the token's refusal, or a workshop-specific one.
 */
import type {IncomingMessage} from 'node:http';
import {authorize, type AuthPolicy, type Refusal} from '../auth/authorize';
import {readCookie} from '../auth/cookie';
import {LOCAL_LEARNER, type LearnerId} from '../backends/types';
import type {AttendeeRecord, WorkshopState} from './workshop-state';

export type Identity =
  | {role: 'learner' | 'instructor'; learner: LearnerId}
  | {role: 'attendee'; learner: LearnerId; attendee: AttendeeRecord};

export type IdentityDecision = {ok: true; who: Identity} | Refusal | WorkshopRefusal;

export type WorkshopRefusal = {
  ok: false;
  status: 403;
  code: 'instructor-loopback-only';
  reason: string;
};

export interface IdentityContext {
  policy: AuthPolicy;
  /** the workshop this lab runs, if any */
  workshop?: WorkshopState;
  /** the workshop listens beyond loopback: the instructor's token works from loopback only */
  lan?: boolean;
}

/** the attendee cookie's name; per port, as the token cookie is, so two labs on one machine do not collide */
export function attendeeCookieName(port: number): string {
  return `lab_attendee_${port}`;
}

export function identify(req: IncomingMessage, url: URL, ctx: IdentityContext): IdentityDecision {
  const decision = authorize(req, url, ctx.policy);
  if (decision.ok) {
    if (!ctx.workshop) return {ok: true, who: {role: 'learner', learner: LOCAL_LEARNER}};
    if (ctx.lan && !isLoopbackAddress(req.socket.remoteAddress)) {
      return {
        ok: false,
        status: 403,
        code: 'instructor-loopback-only',
        reason: 'the instructor URL works on the instructor’s own machine only; attendees join with the join code',
      };
    }
    return {ok: true, who: {role: 'instructor', learner: LOCAL_LEARNER}};
  }
  // Host and Origin refusals stand for everyone; a missing or wrong token may still be an attendee's cookie
  if (!ctx.workshop || (decision.code !== 'token-required' && decision.code !== 'bad-token')) return decision;
  const attendee = ctx.workshop.authenticate(readCookie(req.headers.cookie, attendeeCookieName(ctx.policy.port)));
  if (!attendee) return decision;
  if (req.headers.origin === undefined) {
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
  return {ok: true, who: {role: 'attendee', learner: attendee.id, attendee}};
}

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/, '');
  return a === '::1' || /^127\./.test(a);
}

/** The attendee cookie: HttpOnly and SameSite=Strict like the token's; no Secure, as a LAN workshop is plain HTTP. */
export function attendeeCookieHeader(port: number, value: string, maxAgeSeconds: number): string {
  return `${attendeeCookieName(port)}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
}
