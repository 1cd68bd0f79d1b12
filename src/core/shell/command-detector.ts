/**
 * Turns shell-integration markers in raw PTY output into command events (the split VS Code uses: an escape
 * sequence parser only parses; this state machine gives the markers meaning). Platform-free.
 *
 * Markers (emitted by server/sessions/bash-integration.sh), each ending with `;nonce=<per-session nonce>`:
 *   133;A prompt start · 133;B prompt end (input starts) · 633;E;<escaped command line> · 133;C command executed
 *   (output starts) · 133;D;<exit code> command finished · 633;P;<Name>=<escaped value> a property of the shell
 *   (VS Code's scheme; the lab's sealed shell reports `LabSeal` at every prompt, before 133;B).
 * A marker with a missing or wrong nonce is ignored, so output that merely contains such sequences (`cat` of a
 * recorded session) cannot start or finish a command.
 *
 * States: idle -A-> prompt -B-> input -(E)C-> executing -D-> idle. An empty command line never reaches C (the
 * shell emits no C for it), so it produces no events.
 */
import type {CommandFinished, CommandStarted} from './events';
import {OscParser} from './osc-parser';

export interface CommandDetectorOptions {
  /** the per-session nonce every marker must carry; required (an empty nonce would let anyone fake markers) */
  nonce: string;
  /**
   * Most output kept per command, tail first (the end of an output is what tells what happened). Measured in
   * UTF-16 code units, i.e. bytes for ASCII. Default 1 MiB.
   */
  maxOutputBytes?: number;
  /** clock for startedAt / finishedAt (ms); default Date.now */
  now?: () => number;
}

export interface PromptReady {
  at: number;
  /** PS2 (633;F): bash waits for the rest of a command it has started reading (heredoc, trailing \, open quote) */
  continuation?: boolean;
}

/** OSC 633;P: a property the shell reports (name and unescaped value) */
export interface ShellProperty {
  name: string;
  value: string;
}

export interface Subscription {
  dispose(): void;
}

export type DetectorState = 'idle' | 'prompt' | 'input' | 'executing';

/** Exit code reported when a command's finish marker never came (the shell drew a new prompt without it). */
export const UNKNOWN_EXIT_CODE = -1;

export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

/** A listener list whose listeners all run even if one throws; the first error is rethrown afterwards. */
export class Emitter<T> {
  private listeners: Array<(event: T) => void> = [];

  on(listener: (event: T) => void): Subscription {
    this.listeners.push(listener);
    return {
      dispose: () => {
        this.listeners = this.listeners.filter((l) => l !== listener);
      },
    };
  }

  emit(event: T): void {
    let failure: {error: unknown} | undefined;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        failure ??= {error};
      }
    }
    if (failure) throw failure.error;
  }

  clear(): void {
    this.listeners = [];
  }
}

export class CommandDetector {
  private readonly parser: OscParser;
  private readonly nonceParam: string;
  private readonly maxOutput: number;
  private readonly now: () => number;

  private stateValue: DetectorState = 'idle';
  private commandLine: string | undefined;
  private current: CommandStarted | undefined;
  private readonly output = new OutputCollector();

  private readonly started = new Emitter<CommandStarted>();
  private readonly finished = new Emitter<CommandFinished>();
  private readonly promptReady = new Emitter<PromptReady>();
  private readonly property = new Emitter<ShellProperty>();

  constructor(options: CommandDetectorOptions) {
    if (typeof options.nonce !== 'string' || !/^[A-Za-z0-9_-]{8,}$/.test(options.nonce)) {
      throw new RangeError('nonce must be at least 8 characters of [A-Za-z0-9_-]');
    }
    const max = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`maxOutputBytes must be a positive integer, got ${max}`);
    this.nonceParam = `nonce=${options.nonce}`;
    this.maxOutput = max;
    this.now = options.now ?? Date.now;
    this.parser = new OscParser({
      text: (data) => {
        if (this.stateValue === 'executing') this.output.append(data, this.maxOutput);
      },
      osc: (payload) => this.marker(payload),
    });
  }

  /** feed raw PTY output, in order, in chunks of any size */
  write(chunk: string): void {
    this.parser.write(chunk);
  }

  get state(): DetectorState {
    return this.stateValue;
  }

  /** true between a command's start (C) and its finish (D) */
  get busy(): boolean {
    return this.stateValue === 'executing';
  }

  onCommandStarted(listener: (event: CommandStarted) => void): Subscription {
    return this.started.on(listener);
  }

  onCommandFinished(listener: (event: CommandFinished) => void): Subscription {
    return this.finished.on(listener);
  }

  /** the prompt is drawn and the shell waits for input (133;B) */
  onPromptReady(listener: (event: PromptReady) => void): Subscription {
    return this.promptReady.on(listener);
  }

  /** a property the shell reported (633;P), e.g. the sealed shell's `LabSeal` at every prompt */
  onProperty(listener: (event: ShellProperty) => void): Subscription {
    return this.property.on(listener);
  }

  dispose(): void {
    this.property.clear();
    this.started.clear();
    this.finished.clear();
    this.promptReady.clear();
    this.output.reset();
  }

  private marker(payload: string): void {
    const parts = payload.split(';');
    const family = parts[0];
    if (family !== '133' && family !== '633') return;
    if (parts.length < 3 || parts[parts.length - 1] !== this.nonceParam) return;
    const kind = parts[1];
    const args = parts.slice(2, -1);
    if (family === '633' && kind === 'F') {
      if (this.stateValue === 'input') this.promptReady.emit({at: this.now(), continuation: true});
      return;
    }
    if (family === '633' && kind === 'P') {
      // one `Name=value` argument; the value is escaped like a command line (no bare `;`)
      const arg = args[0] ?? '';
      const eq = arg.indexOf('=');
      if (args.length === 1 && eq > 0)
        this.property.emit({name: arg.slice(0, eq), value: unescapeValue(arg.slice(eq + 1))});
      return;
    }
    if (family === '633' && kind === 'E') {
      // The command line is escaped (`;` -> \x3b), so it is exactly one argument.
      if (this.stateValue !== 'executing') this.commandLine = unescapeValue(args[0] ?? '');
      return;
    }
    switch (kind) {
      case 'A':
        if (this.stateValue === 'executing') this.finish(UNKNOWN_EXIT_CODE);
        this.stateValue = 'prompt';
        this.commandLine = undefined;
        return;
      case 'B':
        if (this.stateValue === 'executing') return; // a prompt printed by a program; not ours
        this.stateValue = 'input';
        this.promptReady.emit({at: this.now()});
        return;
      case 'C': {
        if (this.stateValue === 'executing') return;
        this.stateValue = 'executing';
        this.output.reset();
        this.current = {command: this.commandLine ?? '', startedAt: this.now()};
        this.commandLine = undefined;
        this.started.emit({...this.current});
        return;
      }
      case 'D': {
        if (this.stateValue !== 'executing') return; // e.g. Ctrl-C at an empty prompt
        const code = args[0] !== undefined && /^-?\d+$/.test(args[0]) ? Number(args[0]) : UNKNOWN_EXIT_CODE;
        this.finish(code);
        return;
      }
      default:
        return;
    }
  }

  private finish(exitCode: number): void {
    const started = this.current ?? {command: '', startedAt: this.now()};
    const output = normaliseOutput(this.output.take(this.maxOutput));
    this.stateValue = 'idle';
    this.current = undefined;
    this.finished.emit({
      command: started.command,
      exitCode,
      output,
      startedAt: started.startedAt,
      finishedAt: this.now(),
    });
  }
}

/** Reverses the shell's escaping: `\\` -> `\`, `\xAB` -> the character with that code. */
export function unescapeValue(value: string): string {
  if (!value.includes('\\')) return value;
  return value.replace(/\\(?:\\|x([0-9a-fA-F]{2}))/g, (_match, hex: string | undefined) =>
    hex === undefined ? '\\' : String.fromCharCode(parseInt(hex, 16)),
  );
}

// Escape sequences other than OSC (the parser removed those): CSI, DCS/SOS/PM/APC strings, two-character escapes;
// and C0 controls except \b \t \n \r (kept for line handling). A lone ESC is dropped too.
const ANSI =
  /\x1b(?:\[[0-?]*[ -/]*[@-~]|[PX^_][^\x1b\x07]*(?:\x07|\x1b\\)|[ -/]*[0-OQ-WYZ\\`-~])?|[\x00-\x07\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/g;
const COMPLETE_ESCAPE = /^\x1b(?:\[[0-?]*[ -/]*[@-~]|[PX^_][^\x1b\x07]*(?:\x07|\x1b\\)|[ -/]*[0-OQ-WYZ\\`-~])/;
/** an unfinished sequence longer than this is garbage, not a sequence split across chunks */
const MAX_CARRY = 256;

/** Collects a command's output with escape sequences removed (also when split across chunks), tail bounded. */
class OutputCollector {
  private chunks: string[] = [];
  private length = 0;
  private carry = '';

  append(data: string, max: number): void {
    let text = this.carry ? this.carry + data : data;
    this.carry = '';
    const lastEsc = text.lastIndexOf('\x1b');
    if (lastEsc !== -1 && text.length - lastEsc <= MAX_CARRY && !COMPLETE_ESCAPE.test(text.slice(lastEsc))) {
      this.carry = text.slice(lastEsc);
      text = text.slice(0, lastEsc);
    }
    text = text.replace(ANSI, '');
    if (!text) return;
    this.chunks.push(text);
    this.length += text.length;
    // Compact now and then, not on every chunk: keep at most twice the bound in memory.
    if (this.length > 2 * max) {
      const kept = this.chunks.join('').slice(-max);
      this.chunks = [kept];
      this.length = kept.length;
    }
  }

  take(max: number): string {
    const all = this.chunks.join('');
    this.reset();
    return all.length > max ? all.slice(-max) : all;
  }

  reset(): void {
    this.chunks = [];
    this.length = 0;
    this.carry = '';
  }
}

/**
 * \r\n -> \n; a lone \r returns to the start of the line and later text overwrites it (progress bars end up as
 * their last state); \b moves one column left.
 */
export function normaliseOutput(text: string): string {
  if (!text.includes('\r') && !text.includes('\b')) return text;
  const unixed = text.replace(/\r+\n/g, '\n');
  if (!unixed.includes('\r') && !unixed.includes('\b')) return unixed;
  return unixed.split('\n').map(overwriteLine).join('\n');
}

function overwriteLine(line: string): string {
  if (!line.includes('\r') && !line.includes('\b')) return line;
  const cells: string[] = [];
  let col = 0;
  for (const ch of line) {
    if (ch === '\r') col = 0;
    else if (ch === '\b') col = Math.max(0, col - 1);
    else cells[col++] = ch;
  }
  return cells.join('');
}
