/** Contracts of the step engine: the server's WebSocket layer and the headless runner both drive it. */
import type {Locale, ProgressSnapshot, StepResult} from '../../src/core/protocol/messages';
import type {PageManifest} from '../../src/core/steps/types';
import type {Disposable} from '../sessions/types';

/** Who asked for a run: the learner's Run button, or a catch-up running the earlier steps a page needs. */
export type RunVia = 'run' | 'catch-up';

/** All pages' manifests, both locales, derived from the MDX (one source of truth). */
export interface ManifestIndex {
  get(locale: Locale, pageId: string): PageManifest | undefined;
  pages(locale: Locale): PageManifest[];
}

export class EngineError extends Error {
  constructor(
    readonly code: 'unknown-step' | 'busy',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Binds one TerminalSession to the manifests. Run-button steps and commands typed by hand both end in a
 * CommandFinished event; the engine matches it to a step and evaluates the step's checks (exit code, output,
 * verify command with retries), emitting a `running` result and then `passed` or `failed`.
 */
export interface StepEngine {
  /**
   * type the step's command into the shell and resolve with its final result; EngineError on unknown/busy.
   * `via` says who ran it: the Run button (default) or a catch-up (server/catch-up).
   */
  run(locale: Locale, pageId: string, stepId: string, via?: RunVia): Promise<StepResult>;
  /** the page the learner is looking at: typed commands are matched against it first */
  setCurrentPage(locale: Locale, pageId: string): void;
  onResult(listener: (result: StepResult) => void): Disposable;
  dispose(): void;
}

/** Per-learner progress kept on the server, surviving reloads and restarts. */
export interface ProgressStore {
  snapshot(learner: string): ProgressSnapshot;
  record(learner: string, result: StepResult): void;
  resetPage(learner: string, pageId: string): void;
}
