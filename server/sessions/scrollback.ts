/**
 * Bounded raw terminal output, so a reattaching xterm can redraw what was on screen. When over the limit the oldest
 * output is dropped at a line boundary (a redraw starting mid-line, or mid escape sequence, would garble the first
 * line). Sizes are UTF-16 code units (bytes for ASCII).
 */
export class Scrollback {
  private chunks: string[] = [];
  private length = 0;
  // Trim only when this much over the limit, so trimming is amortised instead of happening on every chunk.
  private readonly slack: number;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`scrollbackBytes must be a positive integer, got ${limit}`);
    this.slack = Math.min(64 * 1024, Math.ceil(limit / 8));
  }

  append(data: string): void {
    if (!data) return;
    this.chunks.push(data);
    this.length += data.length;
    if (this.length > this.limit + this.slack) this.trim();
    else if (this.chunks.length > 4096) this.chunks = [this.chunks.join('')];
  }

  get size(): number {
    return this.length;
  }

  /** the retained output, never more than `limit` */
  toString(): string {
    if (this.length > this.limit) this.trim();
    if (this.chunks.length > 1) this.chunks = [this.chunks.join('')];
    return this.chunks[0] ?? '';
  }

  clear(): void {
    this.chunks = [];
    this.length = 0;
  }

  private trim(): void {
    const all = this.chunks.join('');
    const excess = all.length - this.limit;
    // Start right after the first newline past the cut; without one in the retained part, cut exactly.
    const newline = all.indexOf('\n', excess);
    let start = newline === -1 ? excess : newline + 1;
    // Never split a surrogate pair.
    const code = all.charCodeAt(start);
    if (code >= 0xdc00 && code <= 0xdfff) start += 1;
    const kept = all.slice(start);
    this.chunks = kept ? [kept] : [];
    this.length = kept.length;
  }
}
