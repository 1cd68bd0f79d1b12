/**
 * A learner's terminal session: one node-pty bash with shell integration. The contract the WebSocket layer,
 * the step engine and the headless runner program against.
 */
import type {CommandFinished, CommandStarted} from '../../src/core/shell/events';
import type {LearnerId, ShellEnvironment} from '../backends/types';
import type {SealReport} from './seal-report';
import type {ShellStart} from './shell-start';

export type {Timers} from './timers';

export interface Disposable {
  dispose(): void;
}

export interface SessionInfo {
  id: string;
  learner: LearnerId;
  createdAt: number;
  /** bash's pid (also its session id and process group: node-pty calls setsid) */
  pid: number;
}

export interface TerminalSession {
  readonly info: SessionInfo;
  /** raw PTY output, in order; the listener gets every byte exactly once */
  onOutput(listener: (data: string) => void): Disposable;
  onCommandStarted(listener: (event: CommandStarted) => void): Disposable;
  onCommandFinished(listener: (event: CommandFinished) => void): Disposable;
  /**
   * The shell waits for input: a new prompt (PS1) or the continuation of a command (PS2, `continuation: true`).
   * Optional: without it, a multi-line step is typed all at once.
   */
  onPromptReady?(listener: (event: {at: number; continuation?: boolean}) => void): Disposable;
  /** the shell exited or the session was closed */
  onExit(listener: (event: {exitCode: number; reason: string}) => void): Disposable;
  /** write keystrokes / a command to the PTY */
  write(data: string): void;
  resize(cols: number, rows: number): void;
  /** the size now, and its changes (a read-only viewer follows them); optional for fakes */
  readonly size?: {cols: number; rows: number};
  onResize?(listener: (size: {cols: number; rows: number}) => void): Disposable;
  /** flow control: stop reading the PTY (the kernel then blocks the writer) / read again */
  pause(): void;
  resume(): void;
  /**
   * everything needed to redraw the terminal as it is now: its screens, scrollback and modes, serialized (bounded by
   * scrollbackBytes; the oldest scrollback rows go first)
   */
  scrollback(): string;
  /**
   * Resolves once scrollback() is cheap, its work done in slices that let the event loop run between them (a
   * reattach awaits it, then calls scrollback() and goes live in one synchronous turn). Optional for fakes.
   */
  prepareReplay?(): Promise<void>;
  /** true once the shell printed its first prompt (integration loaded) */
  readonly ready: Promise<void>;
  /**
   * starting / ready / slow (no prompt after the start timeout: an rc file hangs). Optional: without it a Run waits
   * for the prompt with no report.
   */
  readonly shellStart?: ShellStart;
  onShellStart?(listener: (start: ShellStart) => void): Disposable;
  /**
   * the environment the shell started with (the backend's, or what a workshop made of it for an isolated attendee):
   * its seal, if any, is what the engine checks. Optional: without it, the backend's environment is taken.
   */
  readonly environment?: ShellEnvironment;
  /** a sealed shell's latest report of its environment (sent at every prompt); undefined before the first one */
  readonly sealReport?: SealReport;
  /** true between a command's start and its finish */
  readonly busy: boolean;
  /**
   * true while bash shows its prompt and reads a command line; false between a command's finish and the next
   * prompt. Optional (undefined: unknown), with onPromptReady.
   */
  readonly atPrompt?: boolean;
  /** kill bash and every process of its session; idempotent */
  close(reason: string): Promise<void>;
}
