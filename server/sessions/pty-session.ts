/**
 * One learner terminal: a node-pty `bash --rcfile bash-integration.sh -i`, its scrollback, and command events
 * derived from the shell-integration markers it prints.
 */
import {randomBytes} from 'node:crypto';
import {fileURLToPath} from 'node:url';
import * as pty from 'node-pty';
import type {CommandFinished, CommandStarted} from '../../src/core/shell/events';
import {CommandDetector, Emitter, type PromptReady} from '../../src/core/shell/command-detector';
import type {LearnerId, ShellEnvironment} from '../backends/types';
import {killSessionProcesses} from './process-tree';
import {OutputRate} from './output-rate';
import {ReplayTerminal} from './replay-terminal';
import {parseSealReport, SEAL_PROPERTY, type SealReport} from './seal-report';
import {rcFilesOf, SESSION_ENV_MARKER, shellEnv, type ShellRc} from './shell-env';
import {DEFAULT_SHELL_START_TIMEOUT_MS, ShellStartWatch, type ShellStart} from './shell-start';
import type {Disposable, SessionInfo, TerminalSession, Timers} from './types';

export const DEFAULT_SCROLLBACK_BYTES = 2 * 1024 * 1024;
export const INTEGRATION_RC = fileURLToPath(new URL('./bash-integration.sh', import.meta.url));
export {SESSION_ENV_MARKER, shellEnv} from './shell-env';

/** pino-compatible subset, so library code logs without owning a logger */
export interface SessionLogger {
  warn(obj: object, msg: string): void;
}

export interface PtySessionOptions {
  id: string;
  learner: LearnerId;
  environment: ShellEnvironment;
  cols: number;
  rows: number;
  /**
   * the most a reattach replays (UTF-8 bytes): the terminal's state serialized, its oldest scrollback rows dropped
   * to fit; default 2 MiB (see replay-terminal.ts)
   */
  scrollbackBytes?: number;
  /** per-command output kept in CommandFinished.output; default 1 MiB */
  maxOutputBytes?: number;
  /** default "bash" (from PATH) */
  shell?: string;
  /** default bash-integration.sh next to this file */
  rcFile?: string;
  /**
   * wraps the shell's command line (an attendee's shell runs inside bubblewrap, see server/isolation); gets the
   * argv (`bash --rcfile … -i`) and returns what node-pty starts, and in which host directory
   */
  launch?: (argv: string[]) => {file: string; args: string[]; cwd?: string};
  /** between SIGHUP and SIGKILL on close (ended early once everything has exited); default 1.5 s, see process-tree.ts */
  killGraceMs?: number;
  /** markers' nonce; default random per session (tests and recordings pass a fixed one) */
  nonce?: string;
  /** the server environment the shell's is derived from; default process.env */
  baseEnv?: NodeJS.ProcessEnv;
  /** `none`: no rc file at all (`lab start --no-rc`); default `user` */
  shellRc?: ShellRc;
  /** no prompt after this: reported as slow (default 15 s) */
  shellStartTimeoutMs?: number;
  /** for the start timeout; default Node's (unref'd) */
  timers?: Timers;
  now?: () => number;
  logger?: SessionLogger;
  /** a ceiling on the output read from this shell (a workshop attendee's); none by default */
  outputLimit?: {bytesPerSecond: number; onLimited(): void};
}

const unrefTimers: Timers = {
  // a pending start timer must never keep the process alive
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class PtySession implements TerminalSession {
  readonly info: SessionInfo;
  readonly environment: ShellEnvironment;
  readonly ready: Promise<void>;

  private readonly pty: pty.IPty;
  private readonly detector: CommandDetector;
  private readonly replay: ReplayTerminal;
  private readonly output = new Emitter<string>();
  private readonly exit = new Emitter<{exitCode: number; reason: string}>();
  private readonly resized = new Emitter<{cols: number; rows: number}>();
  private currentSize: {cols: number; rows: number};
  private readonly logger?: SessionLogger;
  private readonly killGraceMs: number;
  private readonly envMarker: string;
  private readonly now: () => number;

  private closing: Promise<void> | undefined;
  private exited = false;
  private shellExit: {exitCode: number} | undefined;
  private resolveShellExit!: () => void;
  private readonly shellExited = new Promise<void>((resolve) => (this.resolveShellExit = resolve));
  private lastInput: number;
  private readonly startWatch: ShellStartWatch;
  private lastSealReport: SealReport | undefined;
  /** why the PTY is not being read: a socket behind (flow control), the output ceiling */
  private readonly holds = new Set<'peers' | 'rate'>();
  private readonly outputRate: OutputRate | undefined;

  constructor(options: PtySessionOptions) {
    this.logger = options.logger;
    this.environment = options.environment;
    this.now = options.now ?? Date.now;
    this.killGraceMs = options.killGraceMs ?? 1500;
    const nonce = options.nonce ?? randomBytes(16).toString('base64url');
    this.detector = new CommandDetector({nonce, maxOutputBytes: options.maxOutputBytes, now: this.now});
    this.replay = new ReplayTerminal({
      cols: options.cols,
      rows: options.rows,
      maxBytes: options.scrollbackBytes ?? DEFAULT_SCROLLBACK_BYTES,
    });
    this.envMarker = `${SESSION_ENV_MARKER}=${options.id}`;

    let resolveReady!: () => void;
    let rejectReady!: (error: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    // Nobody may be awaiting `ready` when the shell dies early: that must not be an unhandled rejection.
    this.ready.catch(() => {});
    const readySub = this.detector.onPromptReady(() => {
      readySub.dispose();
      resolveReady();
    });

    this.detector.onProperty((p) => {
      if (p.name === SEAL_PROPERTY) this.lastSealReport = parseSealReport(p.value);
    });

    const argv = [options.shell ?? 'bash', '--rcfile', options.rcFile ?? INTEGRATION_RC, '-i'];
    const launch = options.launch?.(argv) ?? {file: argv[0]!, args: argv.slice(1)};
    const env = shellEnv(options.baseEnv ?? process.env, options.environment, options.id, nonce, {
      shellRc: options.shellRc,
    });
    this.startWatch = new ShellStartWatch(this.ready, {
      rcFiles: rcFilesOf(env),
      timeoutMs: options.shellStartTimeoutMs ?? DEFAULT_SHELL_START_TIMEOUT_MS,
      timers: options.timers ?? unrefTimers,
    });
    this.pty = pty.spawn(launch.file, launch.args, {
      name: 'xterm-256color',
      cols: options.cols,
      rows: options.rows,
      cwd: launch.cwd ?? options.environment.cwd,
      env,
    });
    this.info = {id: options.id, learner: options.learner, createdAt: this.now(), pid: this.pty.pid};
    this.currentSize = {cols: options.cols, rows: options.rows};
    this.lastInput = this.info.createdAt;

    const limit = options.outputLimit;
    this.outputRate =
      limit &&
      new OutputRate({
        bytesPerSecond: limit.bytesPerSecond,
        timers: options.timers ?? unrefTimers,
        now: this.now,
        pause: () => this.hold('rate'),
        resume: () => this.release('rate'),
        limited: () => this.guard('output limit listener', () => limit.onLimited()),
      });
    this.pty.onData((data) => {
      this.outputRate?.take(Buffer.byteLength(data));
      this.guard('replay terminal', () => this.replay.write(data));
      this.guard('output listener', () => this.output.emit(data));
      this.guard('command detector', () => this.detector.write(data));
    });
    this.pty.onExit(({exitCode, signal}) => {
      this.shellExit = {exitCode: signal ? 128 + signal : exitCode};
      rejectReady(new Error(`shell exited (code ${this.shellExit.exitCode}) before its first prompt`));
      this.resolveShellExit();
      // Typed `exit`: still clean up what it left running (nohup'd or setsid'd jobs).
      void this.close('shell exited');
    });
  }

  onOutput(listener: (data: string) => void): Disposable {
    return this.output.on(listener);
  }

  onCommandStarted(listener: (event: CommandStarted) => void): Disposable {
    return this.detector.onCommandStarted(listener);
  }

  onCommandFinished(listener: (event: CommandFinished) => void): Disposable {
    return this.detector.onCommandFinished(listener);
  }

  /** the prompt is drawn and the shell waits for input */
  onPromptReady(listener: (event: PromptReady) => void): Disposable {
    return this.detector.onPromptReady(listener);
  }

  /** the terminal's size now (what a read-only viewer draws at) */
  get size(): {cols: number; rows: number} {
    return this.currentSize;
  }

  onResize(listener: (size: {cols: number; rows: number}) => void): Disposable {
    return this.resized.on(listener);
  }

  get shellStart(): ShellStart {
    return this.startWatch.state;
  }

  onShellStart(listener: (start: ShellStart) => void): Disposable {
    return this.startWatch.onChange(listener);
  }

  get sealReport(): SealReport | undefined {
    return this.lastSealReport;
  }

  onExit(listener: (event: {exitCode: number; reason: string}) => void): Disposable {
    return this.exit.on(listener);
  }

  get busy(): boolean {
    return this.detector.busy;
  }

  get atPrompt(): boolean {
    return this.detector.state === 'input';
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** when the learner last typed (or a step was run): the registry's idle timeout */
  get lastInputAt(): number {
    return this.lastInput;
  }

  write(data: string): void {
    if (this.closing) return;
    this.lastInput = this.now();
    // the shell may have exited a moment ago (onExit not delivered yet): writing then must not throw
    this.guard('write', () => this.pty.write(data));
  }

  resize(cols: number, rows: number): void {
    if (this.closing) return;
    if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1) {
      throw new RangeError(`resize: cols and rows must be positive integers, got ${cols}x${rows}`);
    }
    this.guard('resize', () => this.pty.resize(cols, rows));
    // output read so far was drawn at the old size; what the program draws next is at the new one
    this.guard('replay terminal', () => this.replay.resize(cols, rows));
    if (cols !== this.currentSize.cols || rows !== this.currentSize.rows) {
      this.currentSize = {cols, rows};
      this.resized.emit(this.currentSize);
    }
  }

  pause(): void {
    this.hold('peers');
  }

  resume(): void {
    this.release('peers');
  }

  private hold(why: 'peers' | 'rate'): void {
    if (this.closing || this.holds.has(why)) return;
    this.holds.add(why);
    if (this.holds.size === 1) this.pty.pause();
  }

  private release(why: 'peers' | 'rate'): void {
    if (this.closing || !this.holds.delete(why)) return;
    if (this.holds.size === 0) this.pty.resume();
  }

  scrollback(): string {
    return this.replay.serialize();
  }

  prepareReplay(): Promise<void> {
    return this.replay.prepare();
  }

  close(reason: string): Promise<void> {
    this.closing ??= this.shutdown(reason);
    return this.closing;
  }

  dispose(): void {
    void this.close('disposed');
  }

  private async shutdown(reason: string): Promise<void> {
    // Reading must go on while we kill, or a paused PTY could keep a writer blocked.
    this.outputRate?.dispose();
    this.holds.clear();
    this.guard('resume', () => this.pty.resume());
    const survivors = await killSessionProcesses({
      leader: this.info.pid,
      envMarker: this.envMarker,
      graceMs: this.shellExit ? 0 : this.killGraceMs,
    });
    if (survivors.length > 0)
      this.logger?.warn({session: this.info.id, survivors}, 'session processes survived SIGKILL');
    // node-pty reports the exit once it reaped bash; don't hang if that never comes.
    if (!this.shellExit) {
      await Promise.race([this.shellExited, new Promise((resolve) => setTimeout(resolve, 2000))]);
    }
    if (this.exited) return;
    this.exited = true;
    const exitCode = this.shellExit?.exitCode ?? -1;
    this.guard('exit listener', () => this.exit.emit({exitCode, reason}));
    this.output.clear();
    this.exit.clear();
    this.startWatch.stop();
    this.detector.dispose();
    this.replay.dispose();
  }

  /** a throwing listener must not take the PTY's event loop (and the server) down with it */
  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.logger?.warn({session: this.info?.id, err: error}, `${what} failed`);
    }
  }
}
