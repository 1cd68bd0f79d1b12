/**
 * The catch-up itself, as one operation on a terminal session: the plan's steps, one after another, in the learner's
 * own shell, through the same step engine as a Run button (results marked `via: 'catch-up'`), with an event before
 * each step and at the end. Stops at the first failing step, or when cancelled (after the running step). The lab
 * server runs it for "Catch me up" (and a workshop instructor will, for an attendee); `lab run --to <page>` runs it
 * headless.
 */
import type {CatchUpState, Locale, StepRefMessage, StepResult} from '../../src/core/protocol/messages';
import {EngineError, type StepEngine} from '../engine/types';
import type {TerminalSession} from '../sessions/types';

export interface CatchUpEvent {
  state: CatchUpState;
  plan: StepRefMessage[];
  /** steps finished and passed */
  done: number;
  current?: StepRefMessage;
  message?: string;
}

export interface CatchUpOptions {
  engine: StepEngine;
  session: TerminalSession;
  locale: Locale;
  plan: StepRefMessage[];
  onEvent(event: CatchUpEvent): void;
  /** checked before each step */
  cancelled(): boolean;
  /** how long to wait for the shell to be free before a step (a command the learner started); default 10s */
  busyWaitMs?: number;
}

export interface CatchUpOutcome {
  state: Exclude<CatchUpState, 'running'>;
  results: StepResult[];
}

export async function runCatchUp(options: CatchUpOptions): Promise<CatchUpOutcome> {
  const {plan, onEvent} = options;
  const results: StepResult[] = [];
  for (const [index, ref] of plan.entries()) {
    if (options.cancelled()) {
      onEvent({state: 'cancelled', plan, done: index});
      return {state: 'cancelled', results};
    }
    onEvent({state: 'running', plan, done: index, current: ref});
    let result: StepResult;
    try {
      result = await runWhenFree(options, ref);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      onEvent({state: 'failed', plan, done: index, current: ref, message});
      return {state: 'failed', results};
    }
    results.push(result);
    if (result.status !== 'passed') {
      const failure = result.failure;
      const message = failure
        ? `${failure.check}: expected ${failure.expected}`
        : `exit code ${result.exitCode ?? '?'}`;
      onEvent({state: 'failed', plan, done: index, current: ref, message});
      return {state: 'failed', results};
    }
  }
  onEvent({state: 'passed', plan, done: plan.length});
  return {state: 'passed', results};
}

/** Runs a step once the shell is free: a command the learner started, or the end of the previous step. */
async function runWhenFree(options: CatchUpOptions, ref: StepRefMessage): Promise<StepResult> {
  const deadline = Date.now() + (options.busyWaitMs ?? 10_000);
  for (;;) {
    try {
      return await options.engine.run(options.locale, ref.pageId, ref.stepId, 'catch-up');
    } catch (error) {
      if (!(error instanceof EngineError) || error.code !== 'busy' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, options.session.busy ? 100 : 20));
    }
  }
}
