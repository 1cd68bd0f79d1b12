/**
 * What a reattaching xterm needs to redraw a session as it is now: a headless xterm.js fed every byte the shell
 * prints, serialized on demand, as VS Code does for its reconnecting terminals (src/vs/platform/terminal/node/
 * ptyService.ts, XtermSerializer: @xterm/headless + @xterm/addon-serialize). A raw byte tail cut at a line boundary
 * lost whatever state was set before the cut: a full-screen program's switch to the alternate screen, a hidden
 * cursor, bracketed paste, application cursor keys, mouse modes. The serialized state keeps them: the normal buffer
 * with its scrollback, then the alternate screen when a program has it, then the modes.
 *
 * Bounds: the normal buffer keeps at most `lines` rows of scrollback, and the replay is cut to `maxBytes` (UTF-8)
 * by dropping its oldest scrollback rows; the screen itself is always sent.
 */
import xtermHeadless from '@xterm/headless';
import serializeAddon from '@xterm/addon-serialize';
import {countLineFeeds, plainSuffixStart, tailStart} from './plain-run';

// Both packages are CommonJS bundles: Node's ESM loader sees only their default export.
const {Terminal} = xtermHeadless;
const {SerializeAddon} = serializeAddon;
type HeadlessTerminal = InstanceType<typeof Terminal>;

/** the browser terminal's scrollback (src/components/Terminal/index.tsx): replaying more rows is never shown */
export const REPLAY_SCROLLBACK_LINES = 10_000;

/** an unfinished escape sequence at the end of a chunk longer than this is parsed anyway (a stray ESC must not hold output) */
const MAX_CARRY = 4096;
/** plain text held back (UTF-16 units) before it is cut to its tail or parsed whole */
const MAX_PLAIN = 2 * 1024 * 1024;

/**
 * xterm.js state the serialize addon does not write (0.14.0 covers the IModes of the public API): read from the
 * headless terminal's internals, the way the addon itself reads the cursor's colours. Pinned versions
 * (package.json) and the replay tests keep these names honest.
 */
interface Internals {
  _core: {
    _inputHandler: {parse(data: string): unknown};
    coreService: {isCursorHidden: boolean};
    coreMouseService: {activeEncoding: string};
    buffer: {scrollTop: number; scrollBottom: number};
  };
}

export interface ReplayTerminalOptions {
  cols: number;
  rows: number;
  /** the replay's size limit, UTF-8 bytes (scrollbackBytes) */
  maxBytes: number;
  /** scrollback rows kept; default the smaller of REPLAY_SCROLLBACK_LINES and what maxBytes can hold */
  lines?: number;
  /** drop plain text that would scroll out anyway, unparsed (default true; false parses every byte: tests, bench) */
  dropScrolledOut?: boolean;
}

export class ReplayTerminal {
  readonly maxBytes: number;
  private readonly terminal: HeadlessTerminal;
  private readonly internals: Internals['_core'];
  private readonly serializer = new SerializeAddon();
  private readonly lines: number;
  private readonly dropScrolledOut: boolean;
  /** the start of an escape sequence whose end has not arrived: parsed with the next chunk */
  private carry = '';
  /**
   * Plain text not parsed yet (plain-run.ts): once it holds enough line feeds, its head is dropped unparsed, since
   * parsing it would only scroll it out of the buffer again. `plainCut`: the head was dropped.
   */
  private plain = '';
  private plainLineFeeds = 0;
  private plainCut = false;
  private disposed = false;

  constructor(options: ReplayTerminalOptions) {
    if (!Number.isInteger(options.maxBytes) || options.maxBytes < 1)
      throw new RangeError(`scrollbackBytes must be a positive integer, got ${options.maxBytes}`);
    this.maxBytes = options.maxBytes;
    this.dropScrolledOut = options.dropScrolledOut ?? true;
    // every row costs at least "\r\n" in the replay: more rows than that could never be sent
    this.lines = options.lines ?? Math.min(REPLAY_SCROLLBACK_LINES, Math.floor(options.maxBytes / 2));
    this.terminal = new Terminal({
      cols: options.cols,
      rows: options.rows,
      scrollback: this.lines,
      allowProposedApi: true,
      logLevel: 'off',
    });
    this.internals = (this.terminal as unknown as Internals)._core;
    const core = this.internals;
    if (
      typeof core?._inputHandler?.parse !== 'function' ||
      typeof core.coreService?.isCursorHidden !== 'boolean' ||
      typeof core.coreMouseService?.activeEncoding !== 'string' ||
      typeof core.buffer?.scrollTop !== 'number'
    )
      throw new Error(
        "@xterm/headless's internals are not the pinned version's (package.json): see replay-terminal.ts",
      );
    // the addon's typings name the browser Terminal; the headless one has the same API for what it uses
    this.terminal.loadAddon(this.serializer as unknown as Parameters<HeadlessTerminal['loadAddon']>[0]);
  }

  /**
   * Feed output. Parsed synchronously, not through xterm's write queue (which parses on a later timer): the replay
   * must hold every byte the live stream has already sent, in the same synchronous turn. Plain text at the end is
   * held back until something else arrives or the replay is asked for.
   */
  write(data: string): void {
    if (this.disposed || !data) return;
    const all = this.carry + data;
    const cut = unfinishedEscapeStart(all, Math.max(0, all.length - MAX_CARRY));
    this.carry = all.slice(cut);
    const complete = all.slice(0, cut);
    const plainFrom = plainSuffixStart(complete);
    if (plainFrom > 0) {
      this.flushPlain();
      this.parse(complete.slice(0, plainFrom));
    }
    this.holdPlain(complete.slice(plainFrom));
  }

  /** follows the PTY: the replay is drawn at the size the program draws for */
  resize(cols: number, rows: number): void {
    if (this.disposed) return;
    this.flushPlain(); // drawn at the old size
    this.terminal.resize(cols, rows);
  }

  /** the terminal as it is now, within maxBytes unless the screen alone is more */
  serialize(): string {
    if (this.disposed) return '';
    this.flushPlain();
    const normal = this.terminal.buffer.normal;
    let rows = normal.baseY;
    for (let attempt = 0; ; attempt++) {
      rows = this.lineStart(rows);
      const replay = this.serializer.serialize({scrollback: rows}) + this.extraModes() + this.carry;
      const bytes = Buffer.byteLength(replay, 'utf8');
      if (bytes <= this.maxBytes || rows === 0) return replay;
      // rows cost about the same: shrink in proportion, a little more so the next try usually fits
      rows = attempt >= 3 ? 0 : Math.floor(rows * (this.maxBytes / bytes) * 0.95);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.carry = '';
    this.plain = '';
    this.terminal.dispose();
  }

  private parse(data: string): void {
    if (data) this.internals._inputHandler.parse(data);
  }

  private holdPlain(text: string): void {
    if (!text) return;
    this.plain += text;
    this.plainLineFeeds += countLineFeeds(text);
    if (this.plainLineFeeds >= 2 * this.skipLineFeeds() || this.plain.length >= MAX_PLAIN) this.compactPlain();
  }

  /**
   * Drop the held text's head when its tail alone leaves the terminal as the whole would: more line feeds than rows
   * and scrollback, twice over for the rows the cursor may walk down before it scrolls. Only with the whole screen
   * as scroll region and insert mode off, where every line feed at the bottom pushes a fresh row.
   */
  private compactPlain(): void {
    const {buffer} = this.internals;
    const plainScrolling =
      this.dropScrolledOut &&
      buffer.scrollTop === 0 &&
      buffer.scrollBottom === this.terminal.rows - 1 &&
      !this.terminal.modes.insertMode;
    const start = plainScrolling ? tailStart(this.plain, this.skipLineFeeds()) : -1;
    if (start > 0) {
      this.plain = this.plain.slice(start);
      this.plainLineFeeds = countLineFeeds(this.plain);
      this.plainCut = true;
      if (this.plain.length < MAX_PLAIN) return;
    }
    this.flushPlain();
  }

  private flushPlain(): void {
    if (!this.plain) return;
    // after a cut the real stream was in column 0 (tailStart cuts after CR LF): so is the mirror
    this.parse(this.plainCut ? '\r' + this.plain : this.plain);
    this.plain = '';
    this.plainLineFeeds = 0;
    this.plainCut = false;
  }

  private skipLineFeeds(): number {
    return this.lines + 2 * this.terminal.rows + 1;
  }

  /** fewer rows so the first one sent starts a line, not the continuation of a wrapped one */
  private lineStart(rows: number): number {
    const normal = this.terminal.buffer.normal;
    while (rows > 0 && normal.getLine(normal.baseY - rows)?.isWrapped) rows--;
    return rows;
  }

  /** what addon-serialize 0.14.0 leaves out: cursor visibility, the mouse encoding, the scroll region */
  private extraModes(): string {
    let out = '';
    const {coreService, coreMouseService, buffer} = this.internals;
    if (coreService.isCursorHidden) out += '\x1b[?25l';
    if (coreMouseService.activeEncoding === 'SGR') out += '\x1b[?1006h';
    else if (coreMouseService.activeEncoding === 'SGR_PIXELS') out += '\x1b[?1016h';
    const {rows} = this.terminal;
    if (buffer.scrollTop !== 0 || buffer.scrollBottom !== rows - 1) {
      // DECSTBM homes the cursor: put it back where the serialized screen left it (origin mode counts from the
      // region's top)
      const active = this.terminal.buffer.active;
      const top = this.terminal.modes.originMode ? active.cursorY - buffer.scrollTop : active.cursorY;
      out += `\x1b[${buffer.scrollTop + 1};${buffer.scrollBottom + 1}r\x1b[${top + 1};${active.cursorX + 1}H`;
    }
    return out;
  }
}

/**
 * Where an escape sequence that `data` ends inside begins (data.length when it ends outside one), looking no
 * further back than `from`. Recognises what programs split across reads: a lone ESC, ESC with intermediates, CSI
 * without its final byte, and OSC / DCS / APC / PM / SOS strings without their terminator (BEL or ESC \).
 */
export function unfinishedEscapeStart(data: string, from: number): number {
  const esc = data.lastIndexOf('\x1b');
  if (esc < from) return data.length;
  const rest = data.slice(esc + 1);
  if (rest === '') return esc;
  const kind = rest[0]!;
  if (kind === '[') return /^\[[\x30-\x3f]*[\x20-\x2f]*$/.test(rest) ? esc : data.length;
  if (kind === '\\') {
    // ST: it may end a string that began earlier; the string's start is then the unfinished part, if any
    return data.length;
  }
  // OSC ends with BEL or ST; DCS, APC, PM and SOS with ST only, which would be a later ESC
  if (kind === ']') return rest.includes('\x07') ? data.length : esc;
  if (kind === 'P' || kind === '_' || kind === '^' || kind === 'X') return esc;
  // ESC + intermediates (ESC ( B, ESC # 8): unfinished until a final byte
  return /^[\x20-\x2f]*$/.test(rest) ? esc : data.length;
}
