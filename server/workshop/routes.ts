/**
 * HTTP under /api/workshop/:
 * - GET  info        anyone whose Host and Origin are right: the workshop's state and who the caller is
 * - POST join        anyone (rate limited on wrong codes): {code, name} -> the attendee cookie
 * - GET  board       instructor: the board snapshot
 * - POST action      instructor: a board button (WorkshopAction)
 * - GET  export.csv / export.json   instructor: the results
 * Bodies are JSON, at most 16 KiB, validated with the protocol's schemas.
 */
import type {IncomingMessage, ServerResponse} from 'node:http';
import {joinRequest, workshopAction, type JoinRefusal} from '../../src/core/protocol/workshop';
import {sendError, sendJson, SECURITY_HEADERS} from '../http/respond';
import {resultsCsv, resultsJson} from './export';
import type {WorkshopHub} from './hub';
import {attendeeCookieHeader, type Identity} from './identity';
import type {JoinLimiter} from './join-limiter';

const MAX_BODY = 16 * 1024;

export interface WorkshopRoutesContext {
  hub: WorkshopHub;
  limiter: JoinLimiter;
  port: number;
  board(): unknown;
  exportRows(): Parameters<typeof resultsCsv>[0];
  now(): number;
}

/** handles /api/workshop/*; `who` is undefined for a caller with neither token nor cookie */
export async function handleWorkshopApi(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  who: Identity | undefined,
  ctx: WorkshopRoutesContext,
): Promise<void> {
  const route = `${req.method ?? 'GET'} ${url.pathname}`;
  switch (route) {
    case 'GET /api/workshop/info':
      return sendJson(res, 200, ctx.hub.info(who));
    case 'POST /api/workshop/join':
      return join(req, res, ctx);
  }
  if (who?.role !== 'instructor') {
    return sendError(
      res,
      who ? 403 : 401,
      'instructor-only',
      'only the workshop’s instructor can do this (open the instructor URL printed by `lab workshop start`)',
    );
  }
  switch (route) {
    case 'GET /api/workshop/board':
      return sendJson(res, 200, ctx.board());
    case 'POST /api/workshop/action': {
      const body = await readJson(req, res);
      if (body === undefined) return;
      const action = workshopAction.safeParse(body);
      if (!action.success) return sendError(res, 400, 'bad-action', issueText(action.error.issues));
      const result = await ctx.hub.action(action.data);
      if (result.ok) return sendJson(res, 200, {ok: true});
      return sendError(res, result.status, result.error, result.message);
    }
    case 'GET /api/workshop/export.csv':
      return download(res, 'text/csv; charset=utf-8', `${ctx.hub.state.id}-results.csv`, resultsCsv(ctx.exportRows()));
    case 'GET /api/workshop/export.json':
      return download(
        res,
        'application/json; charset=utf-8',
        `${ctx.hub.state.id}-results.json`,
        resultsJson(ctx.hub.state.id, ctx.exportRows(), ctx.now()),
      );
    default:
      return sendError(res, 404, 'not-found', `no workshop endpoint ${route}`);
  }
}

async function join(req: IncomingMessage, res: ServerResponse, ctx: WorkshopRoutesContext): Promise<void> {
  const address = req.socket.remoteAddress ?? 'unknown';
  const allowed = ctx.limiter.check(address);
  if (!allowed.ok) {
    const seconds = Math.ceil(allowed.retryAfterMs / 1000);
    return refuse(res, 429, {
      error: 'rate-limited',
      message: `too many wrong codes from here: try again in ${seconds} s`,
      retryAfterSeconds: seconds,
    });
  }
  const body = await readJson(req, res);
  if (body === undefined) return;
  const parsed = joinRequest.safeParse(body);
  if (!parsed.success) return refuse(res, 400, {error: 'bad-name', message: issueText(parsed.error.issues)});
  const state = ctx.hub.state;
  const result = state.join(parsed.data.code, parsed.data.name);
  if (!result.ok) {
    if (result.code === 'bad-code') ctx.limiter.failed(address);
    const status = result.code === 'bad-code' ? 403 : result.code === 'bad-name' ? 400 : 409;
    return refuse(res, status, {error: result.code, message: result.message});
  }
  const maxAge = (state.expiresAt - ctx.now()) / 1000;
  res.setHeader('Set-Cookie', attendeeCookieHeader(ctx.port, result.cookie, maxAge));
  sendJson(res, 200, {
    attendeeId: result.attendee.id,
    name: result.attendee.name,
    firstPage: ctx.hub.info(undefined).firstPage,
  });
}

function refuse(res: ServerResponse, status: number, body: JoinRefusal): void {
  sendJson(res, status, body);
}

/** the request's JSON body, or undefined after answering 4xx/413 */
async function readJson(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    sendError(res, 415, 'unsupported-media-type', 'send the body as application/json');
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) {
      sendError(res, 413, 'too-large', `the body is over ${MAX_BODY} bytes`);
      req.destroy();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    sendError(res, 400, 'bad-json', 'the body is not valid JSON');
    return undefined;
  }
}

function download(res: ServerResponse, type: string, filename: string, body: string): void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': type,
    'Content-Disposition': `attachment; filename="${filename}"`,
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

function issueText(issues: ReadonlyArray<{path: PropertyKey[]; message: string}>): string {
  const i = issues[0];
  return i ? `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}` : 'invalid body';
}
