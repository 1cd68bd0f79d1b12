/**
 * The byte framing between a shim (commands/bin/lab-command.mjs) and the command server. Kept this small on
 * purpose: the client side is hand-written plain JavaScript and must stay in step with it.
 *   frame = [type u8][length u32 big-endian][payload]
 */
export const Frame = {
  stdout: 1,
  stderr: 2,
  exit: 3,
  wantStdin: 4,
  stdin: 10,
  stdinEnd: 11,
  resize: 12,
} as const;

export function encodeFrame(type: number, payload: string | Buffer = ''): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const head = Buffer.alloc(5);
  head.writeUInt8(type, 0);
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

/** Splits a byte stream into frames; a frame larger than maxFrame is a protocol error (a confused or hostile peer). */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  constructor(
    private readonly onFrame: (type: number, payload: Buffer) => void,
    private readonly maxFrame = 16 * 1024 * 1024,
  ) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 5) {
      const len = this.buf.readUInt32BE(1);
      if (len > this.maxFrame) throw new Error(`frame of ${len} bytes is over the ${this.maxFrame}-byte limit`);
      if (this.buf.length < 5 + len) return;
      const type = this.buf[0]!;
      const payload = this.buf.subarray(5, 5 + len);
      this.buf = this.buf.subarray(5 + len);
      this.onFrame(type, payload);
    }
  }
}
