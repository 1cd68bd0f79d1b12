import {
  closeSync,
  fdatasync,
  fdatasyncSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import {open as openAsync} from 'node:fs/promises';
import {join} from 'node:path';
import {promisify} from 'node:util';

const fdatasyncAsync = promisify(fdatasync);

const SEGMENT = /^wal-(\d{6,})\.jsonl$/;

export const segmentName = (seq: number): string => `wal-${String(seq).padStart(6, '0')}.jsonl`;

/** the log segments in a directory, oldest first */
export function listSegments(dir: string): {seq: number; path: string}[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((n) => ({n, m: SEGMENT.exec(n)}))
    .filter((x) => x.m)
    .map((x) => ({seq: Number(x.m![1]), path: join(dir, x.n)}))
    .sort((a, b) => a.seq - b.seq);
}

/** make a directory entry (a new or renamed file) survive a crash */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // some platforms cannot fsync a directory; the file's own fsync is all they offer
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function writeAllSync(fd: number, buf: Buffer): void {
  for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off);
}

let tmpCount = 0;

/** A state serialized in pieces: its pieces joined are the whole JSON text. */
export type SnapshotText = string | Iterable<string>;

/**
 * How much of a snapshot is serialized in one turn of the event loop before the pieces go to the file and the
 * loop serves others: a 20000-pod state is 35 MB of JSON and 300 ms of JSON.stringify when done in one go.
 */
const SLICE_MS = 4;
const SLICE_BYTES = 1 << 20;

/**
 * Write a file so that it is either the old or the whole new content after a crash: temp + fsync + rename.
 * The text may come in pieces; they are produced a slice at a time, with the event loop free between slices.
 * Resolves to the bytes written, or undefined when `stillWanted` said no at the end.
 */
export async function replaceFileDurably(
  path: string,
  text: SnapshotText,
  stillWanted: () => boolean = () => true,
): Promise<number | undefined> {
  const tmp = `${path}.${process.pid}.${++tmpCount}.tmp`;
  const fh = await openAsync(tmp, 'w', 0o600);
  let bytes = 0;
  try {
    if (typeof text === 'string') bytes = (await fh.write(text)).bytesWritten;
    else {
      const it = text[Symbol.iterator]();
      for (let done = false; !done;) {
        const started = performance.now();
        const slice: string[] = [];
        let size = 0;
        while (size < SLICE_BYTES && performance.now() - started < SLICE_MS) {
          const r = it.next();
          if (r.done) {
            done = true;
            break;
          }
          slice.push(r.value);
          size += r.value.length;
        }
        const buf = Buffer.from(slice.join(''));
        for (let off = 0; off < buf.length;) off += (await fh.write(buf, off)).bytesWritten;
        bytes += buf.length;
        // the write above may complete without yielding to timers and I/O; a slice ends with a real turn
        await new Promise((r) => setImmediate(r));
      }
    }
    await fh.datasync();
  } finally {
    await fh.close();
  }
  // checked and renamed in one turn of the event loop: a sandbox deleted meanwhile stays deleted
  if (!stillWanted()) {
    unlinkSync(tmp);
    return undefined;
  }
  renameSync(tmp, path);
  return bytes;
}

interface Batch {
  lines: string[];
  bytes: number;
  done: Promise<void>;
  resolve(): void;
  reject(e: Error): void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  // a failure is also reported through onError; nobody waiting must not make it an unhandled rejection
  done.catch(() => {});
  return {lines: [], bytes: 0, done, resolve, reject};
}

export interface WriteAheadLogOptions {
  /** where the segments (wal-NNNNNN.jsonl) and the snapshot live */
  dir: string;
  /** the snapshot file that compaction replaces */
  snapshotPath: string;
  /** the first segment this log writes (one past the newest on disk) */
  firstSegment: number;
  /**
   * Start a new segment and compact the older ones into the snapshot once a segment holds this many bytes, or as
   * many as the last snapshot had if that is more: a big state is not rewritten for every few records.
   */
  compactAfterBytes: number;
  /**
   * The whole state, serialized. Called synchronously at the switch to a new segment: what it says must hold
   * every record appended before the call, which is what lets compaction drop the segments written before it.
   * An iterable may produce its pieces later (while records are appended to the new segment) as long as the
   * resourceVersion it states is the one at the call and each object it writes is the one at the call or a later
   * one: replay applies every record after that resourceVersion, whole objects, so it converges either way.
   */
  snapshot(): SnapshotText;
  onError(e: Error): void;
}

/**
 * An append-only log of committed changes, one JSON line each, made durable before writes are acknowledged.
 *
 * Group commit: lines appended while a write + fdatasync is in flight wait for it and then go out together in
 * the next one, so many concurrent writers cost one fsync per round, not one each. `committed()` resolves once
 * everything appended so far is on disk. Compaction starts a new segment, writes the snapshot in the background
 * (serialized a slice per turn, then temp + fsync + rename) and then deletes the older segments; at every step a crash leaves a snapshot plus
 * segments that replay to the same state (records at or below the snapshot's resourceVersion are skipped).
 */
export class WriteAheadLog {
  private fd: number;
  private seq: number;
  private segmentBytes = 0;
  private snapshotBytes = 0;
  private pending: Batch | undefined;
  private inflight: Batch | undefined;
  private pumping = false;
  /** the background snapshot write of the last rotation, while it runs */
  private compaction: Promise<void> | undefined;
  private rotateWanted = false;
  private disposed = false;

  constructor(private readonly opts: WriteAheadLogOptions) {
    this.seq = opts.firstSegment;
    this.fd = this.openSegment(this.seq);
  }

  /** one record (a JSON text without newline); durable once a later `committed()` resolves */
  append(line: string): void {
    if (this.disposed) return;
    const b = (this.pending ??= newBatch());
    const text = line + '\n';
    b.lines.push(text);
    b.bytes += Buffer.byteLength(text);
    this.kick();
  }

  /** resolves when every record appended so far is on disk; rejects if writing it failed or the log is closed */
  committed(): Promise<void> {
    if (this.disposed) return Promise.reject(new Error('the sandbox state is closed'));
    return (this.pending ?? this.inflight)?.done ?? Promise.resolve();
  }

  /** compact soon: after a restart that replayed segments, so the next start reads one file */
  compactSoon(): void {
    this.rotateWanted = true;
    this.kick();
  }

  /** resolves when nothing is pending, being written or being compacted */
  async settled(): Promise<void> {
    while (this.pumping || this.pending || this.compaction) {
      if (this.pending) this.kick();
      await Promise.all([this.committed().catch(() => {}), this.compaction]);
      await new Promise((r) => setImmediate(r));
    }
  }

  /** write what is pending, compact everything into the snapshot, close. For a clean shutdown. */
  async close(): Promise<void> {
    if (this.disposed) return;
    await this.settled();
    this.disposed = true;
    try {
      const ok = await replaceFileDurably(this.opts.snapshotPath, this.opts.snapshot());
      if (ok !== undefined) {
        fsyncDir(this.opts.dir);
        closeSync(this.fd);
        for (const s of listSegments(this.opts.dir)) unlinkSync(s.path);
        return;
      }
    } catch (e) {
      this.opts.onError(e as Error);
    }
    closeSync(this.fd);
  }

  /**
   * Stop at once (the sandbox is deleted, or the process ends without close()): what is pending is still written
   * to the current segment, synchronously when nothing is in flight, and the file is closed after.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.pumping) return; // the pump finishes the pending batch on this fd and closes it
    const b = this.pending;
    this.pending = undefined;
    try {
      if (b) {
        writeAllSync(this.fd, Buffer.from(b.lines.join('')));
        fdatasyncSync(this.fd);
        b.resolve();
      }
    } catch (e) {
      b?.reject(e as Error);
      this.opts.onError(e as Error);
    }
    closeSync(this.fd);
  }

  private segmentPath(seq: number): string {
    return join(this.opts.dir, segmentName(seq));
  }

  private openSegment(seq: number): number {
    const fd = openSync(this.segmentPath(seq), 'a', 0o600);
    fsyncDir(this.opts.dir);
    return fd;
  }

  /** start writing unless already writing; never after disposal, when the file is closed or being closed */
  private kick(): void {
    if (!this.pumping && !this.disposed) void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    // let the rest of this turn's writes (a controller reacting to the same change) join the first batch
    await Promise.resolve();
    try {
      for (;;) {
        if (this.rotateWanted && !this.compaction && !this.disposed) this.rotate();
        const b = this.pending;
        if (!b) break;
        this.pending = undefined;
        this.inflight = b;
        try {
          // into the page cache on this thread (microseconds); the slow part, the flush to disk, off it
          writeAllSync(this.fd, Buffer.from(b.lines.join('')));
          await fdatasyncAsync(this.fd);
          this.segmentBytes += b.bytes;
          if (this.segmentBytes >= Math.max(this.opts.compactAfterBytes, this.snapshotBytes)) this.rotateWanted = true;
          b.resolve();
        } catch (e) {
          b.reject(e as Error);
          this.opts.onError(e as Error);
          // a failed write may have left part of a line: start a new segment, so it stays a torn tail
          this.rotateWanted = true;
        } finally {
          this.inflight = undefined;
        }
      }
    } finally {
      this.pumping = false;
      if (this.disposed) closeSync(this.fd);
    }
  }

  /**
   * Switch to a new segment and write the snapshot in the background; once it is durable, the segments before
   * the switch hold nothing the snapshot lacks and are deleted. Synchronous up to the background write, so the
   * snapshot and the switch happen at the same point in the record stream.
   */
  private rotate(): void {
    this.rotateWanted = false;
    let text: SnapshotText;
    let fd: number;
    try {
      text = this.opts.snapshot();
      fd = this.openSegment(this.seq + 1);
    } catch (e) {
      this.opts.onError(e as Error);
      return;
    }
    closeSync(this.fd);
    this.fd = fd;
    const upTo = this.seq++;
    this.segmentBytes = 0;
    this.compaction = replaceFileDurably(this.opts.snapshotPath, text, () => !this.disposed)
      .then((bytes) => {
        if (bytes === undefined) return;
        this.snapshotBytes = bytes;
        fsyncDir(this.opts.dir);
        if (this.disposed) return;
        for (const s of listSegments(this.opts.dir)) if (s.seq <= upTo) unlinkSync(s.path);
      })
      .catch((e: Error) => this.opts.onError(e))
      .finally(() => (this.compaction = undefined));
  }
}
