// Hand-written on purpose: no maintained npm package speaks SPDY/3.1 (spdy-transport is unmaintained, and rejects
// kubectl's port-forward streams, which carry no :method or :path).
import {constants, inflateSync} from 'node:zlib';
import {SPDY3_DICTIONARY} from './spdy-dictionary';

/** SPDY/3.1 control frame types (draft-mbelshe-httpbis-spdy-00 §2.6) */
export const FRAME = {
  SYN_STREAM: 1,
  SYN_REPLY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  HEADERS: 8,
  WINDOW_UPDATE: 9,
} as const;
export const FLAG_FIN = 0x01;

export type Frame =
  | {control: true; type: number; flags: number; payload: Buffer}
  | {control: false; streamId: number; flags: number; payload: Buffer};

/** split a byte stream into frames; keeps the incomplete tail for the next chunk */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const frames: Frame[] = [];
    while (this.buf.length >= 8) {
      const len = this.buf.readUIntBE(5, 3);
      if (this.buf.length < 8 + len) break;
      const flags = this.buf[4]!;
      const payload = this.buf.subarray(8, 8 + len);
      if (this.buf[0]! & 0x80) frames.push({control: true, type: this.buf.readUInt16BE(2), flags, payload});
      else frames.push({control: false, streamId: this.buf.readUInt32BE(0) & 0x7fffffff, flags, payload});
      this.buf = this.buf.subarray(8 + len);
    }
    return frames;
  }
}

export function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(0x8000 | 3, 0);
  h.writeUInt16BE(type, 2);
  h[4] = flags;
  h.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([h, payload]);
}

export function dataFrame(streamId: number, flags: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(streamId & 0x7fffffff, 0);
  h[4] = flags;
  h.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([h, payload]);
}

/**
 * The client's header blocks form one zlib stream (with the SPDY dictionary) across the whole session. Node's zlib
 * has no synchronous streaming inflate, so we re-inflate everything received so far with a sync flush and keep
 * only the new output; header blocks are few and small (two per forwarded connection).
 */
export class HeaderInflater {
  private input: Buffer = Buffer.alloc(0);
  private produced = 0;

  inflate(block: Buffer): Buffer {
    this.input = Buffer.concat([this.input, block]);
    const out = inflateSync(this.input, {dictionary: SPDY3_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH});
    const fresh = out.subarray(this.produced);
    this.produced = out.length;
    return fresh;
  }
}

/**
 * Our header blocks, as one zlib stream of stored (uncompressed) deflate blocks: valid for any inflater, needs no
 * shared compression state, and the headers we send are tiny.
 */
export class HeaderDeflater {
  private started = false;

  deflate(raw: Buffer): Buffer {
    const parts: Buffer[] = [];
    if (!this.started) {
      parts.push(Buffer.from([0x78, 0x01]));
      this.started = true;
    }
    for (let i = 0; i < raw.length; i += 0xffff) {
      const chunk = raw.subarray(i, i + 0xffff);
      const h = Buffer.alloc(5);
      h[0] = 0; // BFINAL=0, BTYPE=00 (stored)
      h.writeUInt16LE(chunk.length, 1);
      h.writeUInt16LE(~chunk.length & 0xffff, 3);
      parts.push(h, chunk);
    }
    // an empty stored block ends each header block, as zlib's Z_SYNC_FLUSH does: Go's inflater stops there instead
    // of reading past the frame for the next block header
    parts.push(Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
    return Buffer.concat(parts);
  }
}

export function decodeHeaders(raw: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let p = 0;
  const n = raw.readUInt32BE(p);
  p += 4;
  for (let i = 0; i < n; i++) {
    const kl = raw.readUInt32BE(p);
    const k = raw.subarray(p + 4, p + 4 + kl).toString();
    p += 4 + kl;
    const vl = raw.readUInt32BE(p);
    const v = raw.subarray(p + 4, p + 4 + vl).toString();
    p += 4 + vl;
    out[k.toLowerCase()] = v.split('\0')[0]!;
  }
  return out;
}

export function encodeHeaders(h: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const n = Buffer.alloc(4);
  n.writeUInt32BE(Object.keys(h).length);
  parts.push(n);
  for (const [k, v] of Object.entries(h)) {
    for (const s of [k.toLowerCase(), v]) {
      const b = Buffer.from(s);
      const l = Buffer.alloc(4);
      l.writeUInt32BE(b.length);
      parts.push(l, b);
    }
  }
  return Buffer.concat(parts);
}
