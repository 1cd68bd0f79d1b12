/**
 * Incremental scanner for OSC sequences (`ESC ] payload (BEL | ESC \)`) in terminal output. Platform-free.
 *
 * It only observes: the caller forwards the raw output untouched; the parser reports, in order, the text outside
 * OSC sequences and each complete OSC payload. Sequences may be split across chunks at any position.
 *
 * Speed matters (a `cat` of 100 MB passes through here): text is located with indexOf on ESC, so plain output
 * costs one native scan and one callback per chunk, never a per-character loop.
 */

export interface OscHandler {
  /** text outside OSC sequences (may still hold other escape sequences such as CSI colours) */
  text(data: string): void;
  /** the payload of one complete OSC sequence, without introducer and terminator, e.g. "133;A;nonce=x" */
  osc(payload: string): void;
}

export interface OscParserOptions {
  /**
   * Longest payload kept, in UTF-16 code units. Longer sequences (OSC 52 clipboard of a big file) are skipped
   * up to their terminator and not reported, so a never-terminated OSC cannot grow memory without bound.
   */
  maxPayloadLength?: number;
}

const ESC = '\x1b';
const OSC_START = '\x1b]';
const BEL = 0x07;
const ESC_CODE = 0x1b;
const BACKSLASH = 0x5c;
const RIGHT_BRACKET = 0x5d;
// CAN and SUB abort any escape sequence (ECMA-48, as xterm.js does).
const CAN = 0x18;
const SUB = 0x1a;

type State =
  | 'ground' // plain text
  | 'ground-esc' // plain text, the previous chunk ended with ESC (maybe the start of ESC ])
  | 'osc' // inside an OSC payload
  | 'osc-esc'; // inside an OSC, the previous chunk ended with ESC (maybe ESC \)

export class OscParser {
  private state: State = 'ground';
  private payload: string[] = [];
  private payloadLength = 0;
  private overflow = false;
  private readonly maxPayloadLength: number;

  constructor(
    private readonly handler: OscHandler,
    options: OscParserOptions = {},
  ) {
    const max = options.maxPayloadLength ?? 64 * 1024;
    if (!Number.isInteger(max) || max < 16)
      throw new RangeError(`maxPayloadLength must be an integer >= 16, got ${max}`);
    this.maxPayloadLength = max;
  }

  write(chunk: string): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      switch (this.state) {
        case 'ground': {
          const osc = chunk.indexOf(OSC_START, i);
          if (osc === -1) {
            // ESC at the very end may be the first half of ESC ]: hold it back until the next chunk.
            const end = chunk.charCodeAt(n - 1) === ESC_CODE ? n - 1 : n;
            if (end > i) this.handler.text(i === 0 && end === n ? chunk : chunk.slice(i, end));
            if (end < n) this.state = 'ground-esc';
            return;
          }
          if (osc > i) this.handler.text(chunk.slice(i, osc));
          this.startOsc();
          i = osc + 2;
          break;
        }
        case 'ground-esc': {
          if (chunk.charCodeAt(i) === RIGHT_BRACKET) {
            this.startOsc();
            i += 1;
          } else {
            this.handler.text(ESC);
            this.state = 'ground';
          }
          break;
        }
        case 'osc': {
          i = this.scanOsc(chunk, i);
          break;
        }
        case 'osc-esc': {
          // The OSC ends here either way (xterm.js ends an OSC at any ESC); only ESC \ consumes the next char.
          this.endOsc(true);
          if (chunk.charCodeAt(i) === BACKSLASH) {
            i += 1;
          } else {
            this.state = 'ground-esc';
          }
          break;
        }
      }
    }
  }

  /** forget any partial sequence (e.g. after the terminal was reset) */
  reset(): void {
    this.state = 'ground';
    this.payload = [];
    this.payloadLength = 0;
    this.overflow = false;
  }

  private startOsc(): void {
    this.state = 'osc';
    this.payload = [];
    this.payloadLength = 0;
    this.overflow = false;
  }

  /** scan an OSC payload from `i`; returns where to continue */
  private scanOsc(chunk: string, i: number): number {
    const n = chunk.length;
    let j = i;
    // Payloads are short; a tight loop over char codes to find the terminator is cheapest here.
    for (; j < n; j++) {
      const c = chunk.charCodeAt(j);
      if (c === BEL || c === ESC_CODE || c === CAN || c === SUB) break;
    }
    if (j > i) this.appendPayload(chunk, i, j);
    if (j === n) return n;
    const c = chunk.charCodeAt(j);
    if (c === BEL) {
      this.endOsc(true);
      return j + 1;
    }
    if (c === CAN || c === SUB) {
      this.endOsc(false);
      return j + 1;
    }
    // ESC: a string terminator if `\` follows.
    if (j + 1 === n) {
      this.state = 'osc-esc';
      return n;
    }
    this.endOsc(true);
    if (chunk.charCodeAt(j + 1) === BACKSLASH) return j + 2;
    // ESC + something else: the OSC ended, the ESC starts whatever comes next.
    return j;
  }

  private appendPayload(chunk: string, from: number, to: number): void {
    if (this.overflow) return;
    this.payloadLength += to - from;
    if (this.payloadLength > this.maxPayloadLength) {
      this.overflow = true;
      this.payload = [];
      return;
    }
    this.payload.push(chunk.slice(from, to));
  }

  private endOsc(dispatch: boolean): void {
    const payload = this.payload.length === 1 ? this.payload[0]! : this.payload.join('');
    const report = dispatch && !this.overflow;
    this.state = 'ground';
    this.payload = [];
    this.payloadLength = 0;
    this.overflow = false;
    if (report) this.handler.osc(payload);
  }
}
