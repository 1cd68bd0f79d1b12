/** Small response helpers shared by the static, API and upgrade paths, so every refusal looks the same. */
import type {ServerResponse} from 'node:http';
import type {Duplex} from 'node:stream';
import {STATUS_CODES} from 'node:http';
import type {Refusal} from '../auth/authorize';

/** Sent with every response: no MIME sniffing, no framing by other sites (the page drives a shell), no Referer. */
export const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/** A short JSON reason: `{"error": code, "message": ...}`. */
export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
): void {
  for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
  sendJson(res, status, {error: code, message});
}

export function sendRefusal(
  res: ServerResponse,
  refusal: Pick<Refusal, 'reason'> & {status: number; code: string},
): void {
  sendError(res, refusal.status, refusal.code, refusal.reason);
}

/**
 * Refuse a WebSocket upgrade with a plain HTTP response on the raw socket, before any upgrade: the client sees a
 * real 401/403 (and its reason), not a socket that opened and closed.
 */
export function refuseUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({error: code, message});
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Cache-Control: no-store\r\n' +
      '\r\n' +
      body,
  );
}
