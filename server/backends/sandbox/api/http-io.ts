import type {IncomingMessage, ServerResponse} from 'node:http';
import {ApiError, errors} from './status';

/** Reading request bodies and writing JSON/Status answers: the only place that touches raw HTTP framing. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const e = err instanceof ApiError ? err : errors.internal(err instanceof Error ? err.message : String(err));
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, e.code, e.toStatus());
}

/** media type without parameters, lower case */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

export type Rendering = 'json' | 'table' | 'partial';

/** What the client asked for in Accept: a server-side Table, PartialObjectMetadata, or plain JSON. */
export function rendering(accept: string | undefined): Rendering {
  const a = (accept ?? '').replace(/\s/g, '');
  for (const part of a.split(',')) {
    if (/as=Table/.test(part) && /g=meta\.k8s\.io/.test(part)) return 'table';
    if (/as=PartialObjectMetadata(List)?/.test(part) && /g=meta\.k8s\.io/.test(part)) return 'partial';
    if (part.startsWith('application/json') && !part.includes('as=')) return 'json';
    if (part === '*/*' || part === 'application/*') return 'json';
  }
  return 'json';
}
