/**
 * Has the shell shown its first prompt? `starting` until it does, `ready` once it has, `slow` when it has not after
 * `timeoutMs` (15 s): almost always an rc file that hangs or waits (seen: `pyenv rehash` waiting on a stale lock).
 * The page shows it in the terminal area and a Run waiting for the prompt fails with the same explanation.
 */
import {Emitter, type Subscription} from '../../src/core/shell/command-detector';
import type {Timers} from './timers';

export type ShellStartState = 'starting' | 'ready' | 'slow';

export interface ShellStart {
  state: ShellStartState;
  /** the rc files the shell reads before its first prompt (none with LAB_SHELL_RC=none): the likely cause */
  rcFiles: string[];
  timeoutMs: number;
}

export const DEFAULT_SHELL_START_TIMEOUT_MS = 15_000;

export class ShellStartWatch {
  private current: ShellStartState = 'starting';
  private timer: unknown;
  private readonly changes = new Emitter<ShellStart>();

  constructor(
    ready: Promise<void>,
    private readonly options: {rcFiles: string[]; timeoutMs: number; timers: Timers},
  ) {
    this.timer = options.timers.setTimeout(() => {
      this.timer = undefined;
      if (this.current === 'starting') this.set('slow');
    }, options.timeoutMs);
    ready.then(
      () => this.set('ready'),
      () => this.stop(),
    );
  }

  get state(): ShellStart {
    return {state: this.current, rcFiles: [...this.options.rcFiles], timeoutMs: this.options.timeoutMs};
  }

  onChange(listener: (start: ShellStart) => void): Subscription {
    return this.changes.on(listener);
  }

  /** the session is over: no report any more */
  stop(): void {
    if (this.timer !== undefined) this.options.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.changes.clear();
  }

  private set(state: ShellStartState): void {
    if (this.current === state || this.current === 'ready') return;
    this.current = state;
    if (state === 'ready' && this.timer !== undefined) {
      this.options.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
    try {
      this.changes.emit(this.state);
    } catch {
      // a listener's failure is its own
    }
  }
}

/** What a step waiting for the prompt reports when the shell is slow, in the engine's (English) words. */
export function slowStartText(start: ShellStart): string {
  const seconds = Math.round(start.timeoutMs / 1000);
  const files = start.rcFiles.length > 0 ? start.rcFiles.join(', ') : 'its start-up files';
  return (
    `the shell has not shown a prompt after ${seconds} s: it is probably still running ${files} (a command there ` +
    'may hang or wait on a lock). Start the lab without rc files: lab start --no-rc (or LAB_SHELL_RC=none)'
  );
}
