/**
 * Serialized scrollback, kept: what makes a reattach cheap (replay-terminal.ts). Serializing a full mirror (10,000
 * rows) holds the event loop for a few hundred milliseconds; rows above the screen no longer change, so they are
 * serialized once and kept, and a replay serializes only the screen and the rows not kept yet.
 *
 * The scrollback is serialized in pieces of at most a screenful of rows, each by addon-serialize as if into a fresh
 * terminal: its own SGR state, its rows drawn from the top of an empty screen, so nothing scrolls while it is drawn.
 * In the replay each piece is followed by a separator that pushes its rows up into the scrollback and leaves the
 * receiving terminal as the next piece expects it: attributes reset, an empty screen, the cursor at home. The screen
 * comes last, as the addon serializes a terminal without scrollback. Pieces start and end on a whole line (never
 * inside a wrapped one), so no wrap is lost at a seam.
 *
 * (Drawing a piece never scrolls, which also avoids what the addon gets wrong when it serializes many rows at once:
 * it assumes a row scrolled in takes the current background one row later than xterm.js fills it, so an empty row
 * after a coloured one could be replayed coloured.)
 *
 * What changes rows already in the scrollback, and how the cache follows: rows trimmed at the top (the scrollback
 * is full, or CSI 3 J clears it) are counted (the buffer's trim event), and a piece that lost rows is dropped; a resize
 * reflows every row and RIS (ESC c) replaces the buffer: the cache is dropped whole (the resize by the caller). The
 * alternate screen leaves the normal buffer alone.
 */
import type serializeAddon from '@xterm/addon-serialize';

/** rows serialized per event-loop turn ahead of a reattach: a few ms at 120 columns */
export const WARM_ROWS_PER_TURN = 256;

/** what the cache needs of the normal buffer (xterm.js common/buffer/Buffer.ts) */
export interface NormalBuffer {
  readonly ybase: number;
  lines: {
    get(y: number): {isWrapped: boolean} | undefined;
    /** rows dropped at the top (xterm.js common/CircularList.ts); one listener, where a marker per piece would add
     * three listeners that every trimmed row calls */
    onTrim(listener: (rows: number) => void): {dispose(): void};
  };
}

interface Piece {
  /** its first row, counted from the first row the buffer ever had (`trimmed` + the row's index now) */
  at: number;
  rows: number;
  /** the piece's rows, then the separator */
  text: string;
  bytes: number;
}

/** after `rows` rows drawn from the top of an empty screen: push them into the scrollback, leave an empty screen */
export function separator(rows: number, screenRows: number): string {
  return `\x1b[0m\x1b[${screenRows};1H${'\n'.repeat(Math.min(rows, screenRows))}\x1b[H`;
}

export class ScrollbackCache {
  private pieces: Piece[] = [];
  private buffer: NormalBuffer | undefined;
  private trimSubscription: {dispose(): void} | undefined;
  /** rows the buffer has dropped at its top */
  private trimmed = 0;

  constructor(
    private readonly serializer: InstanceType<typeof serializeAddon.SerializeAddon>,
    private readonly normal: () => NormalBuffer,
    private readonly screenRows: () => number,
    /** rows per piece at most (tests use a few); a screenful when that is less */
    private readonly pieceRows = Infinity,
  ) {}

  /** forget every piece (a resize reflowed the rows) */
  clear(): void {
    this.pieces = [];
    this.trimSubscription?.dispose();
    this.trimSubscription = undefined;
    this.buffer = undefined;
  }

  /** scrollback rows serialized and kept */
  get cachedRows(): number {
    this.valid();
    return this.pieces.reduce((n, p) => n + p.rows, 0);
  }

  /**
   * Serialize and keep settled scrollback rows, about `budget` of them; true while some are left. Settled: the row
   * after a piece must be in the scrollback too, since the screen's top row can still lose its wrapped flag (an
   * erase) and that decides where the piece may end.
   */
  extend(budget = Infinity): boolean {
    const normal = this.valid();
    const last = this.pieces.at(-1);
    let start = last ? this.line(last) + last.rows : 0;
    while (start < normal.ybase && this.wrapped(start)) start++;
    for (let done = 0; done < budget;) {
      const end = this.pieceEnd(start, normal.ybase);
      if (end >= normal.ybase) return false;
      const text = this.serialize(start, end);
      this.pieces.push({at: this.trimmed + start, rows: end - start, text, bytes: Buffer.byteLength(text)});
      done += end - start;
      start = end;
    }
    return this.pieceEnd(start, normal.ybase) < normal.ybase;
  }

  /**
   * The replay of the normal buffer's rows [start, end), both whole lines' first rows: the kept pieces among them
   * and the others serialized now, to concatenate in order; their UTF-8 bytes.
   */
  replay(start: number, end: number): {pieces: string[]; bytes: number} {
    this.valid();
    const out: string[] = [];
    let bytes = 0;
    let at = start;
    const add = (text: string, n = Buffer.byteLength(text)) => {
      out.push(text);
      bytes += n;
    };
    for (const piece of this.pieces) {
      const line = this.line(piece);
      if (line < at || line + piece.rows > end) continue;
      for (; at < line;) at = this.transient(at, line, add);
      add(piece.text, piece.bytes);
      at = line + piece.rows;
    }
    while (at < end) at = this.transient(at, end, add);
    return {pieces: out, bytes};
  }

  /** serialize one piece of [start, end) without keeping it; where it ended */
  private transient(start: number, end: number, add: (text: string) => void): number {
    const to = this.pieceEnd(start, end);
    add(this.serialize(start, to));
    return to;
  }

  /** the end of a piece from `start`: at most a screenful (unless one line is longer), at a line start, <= limit */
  private pieceEnd(start: number, limit: number): number {
    const most = Math.min(this.pieceRows, this.screenRows());
    if (start + most >= limit) return limit;
    let end = start + most;
    while (end > start && this.wrapped(end)) end--;
    if (end > start) return end;
    // one line longer than a screen: the piece is that line (it scrolls while drawn; seldom)
    end = start + most;
    while (end < limit && this.wrapped(end)) end++;
    return end;
  }

  private wrapped(y: number): boolean {
    return this.normal().lines.get(y)?.isWrapped ?? false;
  }

  /** the pieces still right: the first ones lose their rows when the scrollback trims them */
  private valid(): NormalBuffer {
    const normal = this.normal();
    if (normal !== this.buffer) {
      this.clear(); // RIS made a new buffer
      this.buffer = normal;
      this.trimmed = 0;
      this.trimSubscription = normal.lines.onTrim((rows) => (this.trimmed += rows));
    }
    let gone = 0;
    while (gone < this.pieces.length && this.line(this.pieces[gone]!) < 0) gone++;
    if (gone > 0) this.pieces = this.pieces.slice(gone);
    return normal;
  }

  /** the piece's first row now */
  private line(piece: Piece): number {
    return piece.at - this.trimmed;
  }

  /** rows [start, end) as into a fresh terminal, then the separator */
  private serialize(start: number, end: number): string {
    const rows = this.serializer.serialize({range: {start, end: end - 1}, excludeAltBuffer: true, excludeModes: true});
    return rows + separator(end - start, this.screenRows());
  }
}
