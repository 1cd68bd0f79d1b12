import type {Duplex} from 'node:stream';
import {ApiError, errors} from '../../api/status';

/** answer an upgrade request with a plain HTTP Status (kubectl prints "error: unable to upgrade connection: …") */
export function rejectUpgrade(socket: Duplex, e: unknown): void {
  const status = (e instanceof ApiError ? e : errors.internal(String(e))).toStatus();
  const body = JSON.stringify(status);
  socket.end(
    `HTTP/1.1 ${status.code} ${status.reason ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
