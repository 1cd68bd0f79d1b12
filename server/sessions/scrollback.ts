/**
 * Bounded raw terminal output, so a reattaching xterm can redraw what was on screen. When over the limit the oldest
 * output is dropped at a line boundary (a redraw starting mid-line, or mid escape sequence, would garble the first
 * line). Sizes are UTF-16 code units (bytes for ASCII).
 *
 * This sits on the output hot path (100 MB of `yes` goes through it), so appending is O(1) and trimming drops whole
 * chunks from the front; only the one chunk that straddles the cut is ever sliced.
 */
export class Scrollback {
  private chunks: string[] = [];
  /** index of the oldest retained chunk; chunks before it are dead and compacted away now and then */
  private head = 0;
  private length = 0;
  /** the oldest retained output continues a line whose start was dropped */
  private headMidLine = false;
  // Trim only when this much over the limit, so trimming is amortised instead of happening on every chunk.
  private readonly slack: number;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`scrollbackBytes must be a positive integer, got ${limit}`);
    this.slack = Math.min(64 * 1024, Math.ceil(limit / 8));
  }

  append(data: string): void {
    if (!data) return;
    this.chunks.push(data);
    this.length += data.length;
    if (this.length > this.limit + this.slack) this.trim();
  }

  get size(): number {
    return this.length;
  }

  /** the retained output, never more than `limit`, starting at a line start */
  toString(): string {
    if (this.length > this.limit) this.trim();
    let all = this.chunks.slice(this.head).join('');
    if (this.headMidLine) {
      // the oldest retained line lost its beginning to a trim: drop the rest of it
      const newline = all.indexOf('\n');
      all = newline === -1 ? '' : all.slice(newline + 1);
      this.headMidLine = false;
    }
    this.chunks = all ? [all] : [];
    this.head = 0;
    this.length = all.length;
    return all;
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.length = 0;
    this.headMidLine = false;
  }

  private trim(): void {
    let excess = this.length - this.limit;
    // Whole chunks that lie entirely before the cut go first.
    while (excess > 0 && this.head < this.chunks.length && this.chunks[this.head]!.length <= excess) {
      const dropped = this.chunks[this.head++]!;
      excess -= dropped.length;
      this.length -= dropped.length;
      this.headMidLine = !dropped.endsWith('\n');
    }
    if (excess > 0 && this.head < this.chunks.length) {
      // The chunk the cut falls in: start after the first newline past the cut; without one, drop it whole
      // (a little under the limit is fine).
      const chunk = this.chunks[this.head]!;
      const newline = chunk.indexOf('\n', excess);
      if (newline === -1) {
        this.head++;
        this.length -= chunk.length;
        this.headMidLine = !chunk.endsWith('\n');
      } else {
        let start = newline + 1;
        const code = chunk.charCodeAt(start); // never split a surrogate pair
        if (code >= 0xdc00 && code <= 0xdfff) start += 1;
        this.chunks[this.head] = chunk.slice(start);
        this.length -= start;
        this.headMidLine = false;
      }
    }
    // Compact the dead prefix occasionally so the array does not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
