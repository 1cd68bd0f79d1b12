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
 *
 * Cost: scrollback rows are serialized once and kept (scrollback-cache.ts), ahead of any reattach once the output
 * has been quiet for a moment (a slice a second while it never is), and by prepare() when a reattach
 * comes: a slice per event-loop turn, interleaved with every other session's (replay-slices.ts). serialize() then
 * sends the kept rows and serializes only the screen and the few rows not kept yet.
 */
import xtermHeadless from '@xterm/headless';
import serializeAddon from '@xterm/addon-serialize';
import {countLineFeeds, plainSuffixStart, tailStart} from './plain-run';
import {replaySlices} from './replay-slices';
import {ScrollbackCache, WARM_ROWS_PER_TURN, type NormalBuffer} from './scrollback-cache';
import type {Timers} from './timers';

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
/** held plain text parsed per event-loop turn ahead of a reattach (UTF-16 units): a few ms */
const WARM_PLAIN_PER_TURN = 16 * 1024;
/** output quiet this long: the rows it left in the scrollback are serialized ahead of a reattach */
export const WARM_AFTER_QUIET_MS = 100;
/** ...and for a terminal that is never quiet, one chunk at least this often */
export const WARM_AT_LEAST_EVERY_MS = 1000;

const unrefTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

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
    buffers: {normal: NormalBuffer};
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
  /** for serializing scrollback ahead of a reattach; default Node's (unref'd) */
  timers?: Timers;
  now?: () => number;
  /** scrollback rows serialized together at most (default a screenful; tests use a few) */
  pieceRows?: number;
}

export class ReplayTerminal {
  readonly maxBytes: number;
  private readonly terminal: HeadlessTerminal;
  private readonly internals: Internals['_core'];
  private readonly serializer = new SerializeAddon();
  private readonly lines: number;
  private readonly dropScrolledOut: boolean;
  private readonly cache: ScrollbackCache;
  private readonly timers: Timers;
  private readonly now: () => number;
  private warmTimer: unknown;
  private preparing: Promise<void> | undefined;
  private slicing: Promise<void> | undefined;
  private lastWrite = -Infinity;
  private lastWarm = -Infinity;
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
      typeof core.buffer?.scrollTop !== 'number' ||
      typeof core.buffers?.normal?.lines?.onTrim !== 'function'
    )
      throw new Error(
        "@xterm/headless's internals are not the pinned version's (package.json): see replay-terminal.ts",
      );
    // the addon's typings name the browser Terminal; the headless one has the same API for what it uses
    this.terminal.loadAddon(this.serializer as unknown as Parameters<HeadlessTerminal['loadAddon']>[0]);
    this.cache = new ScrollbackCache(
      this.serializer,
      () => core.buffers.normal,
      () => this.terminal.rows,
      options.pieceRows,
    );
    this.timers = options.timers ?? unrefTimers;
    this.now = options.now ?? performance.now.bind(performance);
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
    this.lastWrite = this.now();
    this.warmLater(WARM_AFTER_QUIET_MS);
  }

  /** follows the PTY: the replay is drawn at the size the program draws for */
  resize(cols: number, rows: number): void {
    if (this.disposed) return;
    this.flushPlain(); // drawn at the old size
    if (cols === this.terminal.cols && rows === this.terminal.rows) return;
    this.terminal.resize(cols, rows);
    this.cache.clear(); // reflowed
  }

  /** the terminal as it is now, within maxBytes unless the screen alone is more */
  serialize(): string {
    if (this.disposed) return '';
    this.flushPlain();
    this.cache.extend(); // rows this replay would serialize anyway: kept for the next one
    const normal = this.terminal.buffer.normal;
    // the screen (from the start of the line its top row belongs to), the alternate screen, the modes
    const screen = this.lineTop(normal.baseY);
    const last = this.screen(normal.baseY - screen) + this.extraModes() + this.carry;
    const lastBytes = Buffer.byteLength(last, 'utf8');
    let rows = normal.baseY;
    for (let attempt = 0; ; attempt++) {
      rows = this.lineStart(rows);
      const scrollback = this.cache.replay(Math.min(normal.baseY - rows, screen), screen);
      const bytes = scrollback.bytes + lastBytes;
      if (bytes <= this.maxBytes || rows === 0) return scrollback.pieces.join('') + last;
      // rows cost about the same: shrink in proportion, a little more so the next try usually fits
      rows = attempt >= 3 ? 0 : Math.floor(rows * (this.maxBytes / bytes) * 0.95);
    }
  }

  /**
   * Make the next serialize() cheap: parse the plain text held back and serialize the settled scrollback, a slice
   * per event-loop turn (other sessions' output and reattaches run between slices). A reattach awaits this, then
   * serializes synchronously, so nothing can slip between the replay and the live stream.
   */
  prepare(): Promise<void> {
    // output that keeps coming must not keep a reattach waiting: as many slices as a full mirror needs, at most
    const slices = Math.ceil(this.lines / WARM_ROWS_PER_TURN) + Math.ceil(MAX_PLAIN / WARM_PLAIN_PER_TURN) + 4;
    this.preparing ??= replaySlices.run(() => this.warmStep(), slices).finally(() => (this.preparing = undefined));
    return this.preparing;
  }

  /** the work queued ahead of a reattach, while it runs (prepare(), or a background slice) */
  get warming(): Promise<void> | undefined {
    return this.preparing ?? this.slicing;
  }

  /** scrollback rows already serialized for the next replay */
  get cachedRows(): number {
    return this.disposed ? 0 : this.cache.cachedRows;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.carry = '';
    this.plain = '';
    if (this.warmTimer !== undefined) this.timers.clearTimeout(this.warmTimer);
    this.warmTimer = undefined;
    this.cache.clear();
    this.terminal.dispose();
  }

  /**
   * Ahead of a reattach, when the output has been quiet: prepare(), the work queued with every other session's; at
   * least once a second while it never is, one slice of it.
   */
  private warmLater(ms: number): void {
    if (this.warmTimer !== undefined || this.disposed) return;
    this.warmTimer = this.timers.setTimeout(() => {
      this.warmTimer = undefined;
      if (this.disposed) return;
      const now = this.now();
      const quietFor = now - this.lastWrite;
      if (quietFor < WARM_AFTER_QUIET_MS && now - this.lastWarm < WARM_AT_LEAST_EVERY_MS) {
        this.warmLater(WARM_AFTER_QUIET_MS - quietFor);
        return;
      }
      this.lastWarm = now;
      if (quietFor >= WARM_AFTER_QUIET_MS) {
        void this.prepare();
        return;
      }
      // still printing (a flood, a log followed): one slice of what is parsed already, the held text left alone
      const slice = () => {
        if (!this.disposed) this.cache.extend(WARM_ROWS_PER_TURN);
        return false;
      };
      this.slicing ??= replaySlices.run(slice, 1).finally(() => (this.slicing = undefined));
      this.warmLater(WARM_AFTER_QUIET_MS - quietFor); // and all of it once quiet
    }, ms);
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

  /** one slice of work ahead of a reattach; true while some is left */
  private warmStep(): boolean {
    if (this.disposed) return false;
    this.parsePlainHead(WARM_PLAIN_PER_TURN);
    return this.cache.extend(WARM_ROWS_PER_TURN) || this.plain !== '';
  }

  /** parse the held text's head, up to a line feed near `most` characters: as if the output had been cut there */
  private parsePlainHead(most: number): void {
    if (this.plain.length <= most) {
      this.flushPlain();
      return;
    }
    let cut = this.plain.lastIndexOf('\n', most - 1) + 1;
    if (cut === 0) cut = most - (isHighSurrogate(this.plain.charCodeAt(most - 1)) ? 1 : 0);
    const head = this.plain.slice(0, cut);
    this.parse(this.plainCut ? '\r' + head : head);
    this.plain = this.plain.slice(cut);
    this.plainLineFeeds -= countLineFeeds(head);
    this.plainCut = false;
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

  /** the first row of the line row y belongs to */
  private lineTop(y: number): number {
    const normal = this.terminal.buffer.normal;
    while (y > 0 && normal.getLine(y)?.isWrapped) y--;
    return y;
  }

  /**
   * The screen and what follows it, as the addon serializes it after `scrollback` rows (usually none: the rows
   * above were sent in pieces), with two of its slips mended, each painted after the buffer it concerns with the
   * cursor and attributes saved around it (DECSC / DECRC):
   * - without scrollback it leaves out the empty rows at the bottom of a screen (normal or alternate), though a
   *   coloured background may fill them (a `\x1b[41m` line feed scrolled them in): painted with ECH;
   * - with scrollback, it draws the first row that scrolls in as if the scroll had filled it with the default
   *   background, where xterm.js fills it with the current one (its BCE check comes one row late): redrawn;
   * - it switches to the alternate screen with the cursor's attributes set, so a coloured background fills the
   *   cleared alternate screen: reset before.
   */
  private screen(scrollback: number): string {
    const whole = this.serializer.serialize({scrollback});
    const normal = this.serializer.serialize({scrollback, excludeAltBuffer: true, excludeModes: true});
    const modes = this.serializer.serialize({scrollback, excludeAltBuffer: true}).slice(normal.length);
    const alternate = whole.slice(normal.length, whole.length - modes.length);
    const buffer = this.terminal.buffer;
    const normalFix = scrollback > 0 ? this.redrawRow(scrollback) : this.emptyRowBackgrounds(buffer.normal);
    const alternateFix =
      buffer.active.type === 'alternate' ? this.emptyRowBackgrounds(buffer.alternate, {everyRow: true}) : '';
    const saved = (fix: string) => (fix ? `\x1b7${fix}\x1b8` : '');
    return normal + saved(normalFix) + (alternate && '\x1b[0m' + alternate) + saved(alternateFix) + modes;
  }

  /** the row of the normal screen that scrolled in first while `scrollback` rows and the screen were drawn */
  private redrawRow(scrollback: number): string {
    const {normal} = this.terminal.buffer;
    const y = this.terminal.rows - scrollback; // on the screen
    if (y < 0) return ''; // the scroll that filled it scrolled it out again (a line longer than the screen)
    const row = normal.baseY + y;
    const drawn = this.serializer.serialize({
      range: {start: row, end: row},
      excludeAltBuffer: true,
      excludeModes: true,
    });
    return `\x1b[${y + 1};1H\x1b[0m\x1b[${this.terminal.cols}X${drawn}`;
  }

  /**
   * The empty rows at the bottom of a screen that have a background: painted with ECH. With `everyRow` (the
   * alternate screen), every row without a character is painted, the default background too: the addon draws the
   * alternate screen with line feeds that can scroll a coloured row into a row that was blank.
   */
  private emptyRowBackgrounds(buffer: HeadlessTerminal['buffer']['normal'], opts: {everyRow?: boolean} = {}): string {
    const cell = buffer.getNullCell();
    let out = '';
    rows: for (let y = this.terminal.rows - 1; y >= 0; y--) {
      const line = buffer.getLine(buffer.baseY + y);
      if (!line) continue;
      let row = '';
      let run = 0;
      let sgr = '';
      const flush = () => {
        if (run > 0 && (sgr !== '0' || opts.everyRow)) row += `\x1b[${sgr}m\x1b[${run}X`;
        if (run > 0) row += `\x1b[${run}C`;
        run = 0;
      };
      for (let x = 0; x < line.length; x++) {
        line.getCell(x, cell);
        if (cell.getChars() !== '') {
          if (opts.everyRow) continue rows;
          return out;
        }
        const bg = backgroundSgr(cell);
        if (bg !== sgr) flush();
        sgr = bg;
        run += 1;
      }
      flush();
      if (row.includes('X')) out += `\x1b[${y + 1};1H${row}`;
    }
    return out;
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

/** SGR setting a cell's background from the default attributes ("0": the default background) */
function backgroundSgr(cell: {isBgDefault(): boolean; isBgRGB(): boolean; getBgColor(): number}): string {
  if (cell.isBgDefault()) return '0';
  const c = cell.getBgColor();
  if (cell.isBgRGB()) return `0;48;2;${(c >>> 16) & 0xff};${(c >>> 8) & 0xff};${c & 0xff}`;
  if (c >= 16) return `0;48;5;${c}`;
  return `0;${c & 8 ? 100 + (c & 7) : 40 + (c & 7)}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
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
