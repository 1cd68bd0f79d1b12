import {Duplex} from 'node:stream';
import {
  controlFrame,
  dataFrame,
  decodeHeaders,
  encodeHeaders,
  FLAG_FIN,
  FrameReader,
  FRAME,
  HeaderDeflater,
  HeaderInflater,
  type Frame,
} from './spdy-frames';

/** One stream the client opened: its headers, and a Duplex of its DATA (write to answer, end() sends FIN). */
export interface SpdyStream {
  id: number;
  headers: Record<string, string>;
  data: Duplex;
}

const MAX_DATA = 32 * 1024;

/**
 * The server side of a SPDY/3.1 session, as far as kubectl's port-forward uses it: the client opens streams
 * (SYN_STREAM), we accept each (SYN_REPLY) and move DATA both ways; PING is answered, GOAWAY and RST end things.
 * Flow control is advisory here: we grant the client window as we consume, and never stall our own sends.
 */
export class SpdySession {
  private readonly reader = new FrameReader();
  private readonly inflater = new HeaderInflater();
  private readonly deflater = new HeaderDeflater();
  private readonly streams = new Map<number, Duplex>();
  private closed = false;

  constructor(
    private readonly transport: Duplex,
    private readonly onStream: (s: SpdyStream) => void,
    private readonly onClose: () => void,
  ) {
    transport.on('data', (chunk: Buffer) => this.receive(chunk));
    transport.on('end', () => this.close());
    transport.on('close', () => this.close());
    transport.on('error', () => this.close());
  }

  private send(frame: Buffer): void {
    if (!this.closed && this.transport.writable) this.transport.write(frame);
  }

  private receive(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.reader.push(chunk);
      for (const f of frames) this.frame(f);
    } catch {
      // a malformed frame or header block: end the session, as a protocol error would
      this.send(controlFrame(FRAME.GOAWAY, 0, Buffer.alloc(8)));
      this.close();
    }
  }

  private frame(f: Frame): void {
    if (!f.control) {
      const s = this.streams.get(f.streamId);
      if (!s) return;
      if (f.payload.length) {
        s.push(f.payload);
        this.windowUpdate(f.streamId, f.payload.length);
      }
      if (f.flags & FLAG_FIN) s.push(null);
      return;
    }
    switch (f.type) {
      case FRAME.SYN_STREAM: {
        const id = f.payload.readUInt32BE(0) & 0x7fffffff;
        const headers = decodeHeaders(this.inflater.inflate(f.payload.subarray(10)));
        const data = this.streamDuplex(id);
        this.streams.set(id, data);
        this.reply(id);
        if (f.flags & FLAG_FIN) data.push(null);
        this.onStream({id, headers, data});
        break;
      }
      case FRAME.HEADERS:
        // more headers for a stream: still compressed state we must consume
        this.inflater.inflate(f.payload.subarray(4));
        break;
      case FRAME.RST_STREAM: {
        const id = f.payload.readUInt32BE(0) & 0x7fffffff;
        const s = this.streams.get(id);
        this.streams.delete(id);
        s?.destroy();
        break;
      }
      case FRAME.PING:
        this.send(controlFrame(FRAME.PING, 0, f.payload));
        break;
      case FRAME.GOAWAY:
        this.close();
        break;
      default:
        // SETTINGS, WINDOW_UPDATE: nothing to do for us
        break;
    }
  }

  private reply(id: number): void {
    const idBuf = Buffer.alloc(4);
    idBuf.writeUInt32BE(id);
    this.send(controlFrame(FRAME.SYN_REPLY, 0, Buffer.concat([idBuf, this.deflater.deflate(encodeHeaders({}))])));
  }

  private windowUpdate(id: number, delta: number): void {
    const b = Buffer.alloc(8);
    b.writeUInt32BE(id);
    b.writeUInt32BE(delta, 4);
    this.send(controlFrame(FRAME.WINDOW_UPDATE, 0, b));
  }

  private streamDuplex(id: number): Duplex {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const session = this;
    return new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        for (let i = 0; i < chunk.length; i += MAX_DATA)
          session.send(dataFrame(id, 0, chunk.subarray(i, i + MAX_DATA)));
        cb();
      },
      final(cb) {
        session.send(dataFrame(id, FLAG_FIN, Buffer.alloc(0)));
        cb();
      },
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.destroy();
    this.streams.clear();
    this.transport.destroy();
    this.onClose();
  }
}
