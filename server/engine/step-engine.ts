/**
 * Binds one terminal session to the step manifests. A Run types the step's command into the learner's shell
 * (as if pasted), waits for the shell integration to report it finished, and evaluates the step's checks; a
 * command the learner types by hand that is a step's command is evaluated the same way (via 'typed').
 */
import type {Locale, StepFailure, StepResult} from '../../src/core/protocol/messages';
import type {CommandFinished, CommandStarted} from '../../src/core/shell/events';
import {evaluateChecks, tail} from '../../src/core/steps/checks';
import {normalizeOutput} from '../../src/core/steps/matcher';
import type {PageManifest, StepSpec} from '../../src/core/steps/types';
import type {ShellEnvironment} from '../backends/types';
import {sealRefusalKeys} from '../sessions/seal-report';
import {slowStartText, type ShellStart} from '../sessions/shell-start';
import type {Disposable, TerminalSession} from '../sessions/types';
import {systemClock, type EngineClock} from './clock';
import {SEAL_CHECK, sealFailure} from './seal-check';
import {consumeCommand, normalizeCommand} from './command-text';
import {EngineError, type ManifestIndex, type RunVia, type StepEngine} from './types';
import {DEFAULT_BACKOFF, verifyWithBackoff, type BackoffOptions} from './verify-loop';
import type {VerifyRunner} from './verify-runner';

export interface SessionStepEngineOptions {
  session: TerminalSession;
  manifests: ManifestIndex;
  runVerify: VerifyRunner;
  clock?: EngineClock;
  backoff?: Partial<BackoffOptions>;
  /** locale searched for typed commands before any page is set (default en) */
  defaultLocale?: Locale;
  /** the backend's environment of this shell: with a seal, a step is typed only while the shell still has it */
  shell?: ShellEnvironment;
  /** a sealed shell's kubeconfig reaches elsewhere (Backend.contextProblem): the step is refused */
  contextProblem?: () => Promise<{expected: string; actual: string} | null>;
}

/** The check name of a Run that waited for a shell which never showed its prompt (the page explains it). */
export const SHELL_START_CHECK = 'shell start';

/** Output kept while a Run is in flight, for the timeout message. */
const MAX_RUN_OUTPUT = 64 * 1024;

interface InFlight {
  pageId: string;
  step: StepSpec;
  /** normalised command text not yet reported finished */
  pending: string;
  parts: CommandFinished[];
  output: string;
  done(outcome: {finished: CommandFinished} | {failure: StepFailure}): void;
}

interface StepRef {
  page: PageManifest;
  step: StepSpec;
}

export class SessionStepEngine implements StepEngine {
  private readonly session: TerminalSession;
  private readonly manifests: ManifestIndex;
  private readonly runVerify: VerifyRunner;
  private readonly clock: EngineClock;
  private readonly backoff: BackoffOptions;
  private readonly listeners = new Set<(result: StepResult) => void>();
  private readonly subscriptions: Disposable[];
  private current: {locale: Locale; pageId: string} | null = null;
  private locale: Locale;
  private inFlight: InFlight | null = null;
  /** a run is between its start and its final result (command, then verify) */
  private running = false;
  /** what remains of a command interrupted at its timeout: its late finish events are not "typed" commands */
  private abandoned = '';
  /** typed commands announced as running, by normalised command */
  private readonly typedRunning = new Map<string, StepRef>();
  private disposed = false;
  private readonly shell: ShellEnvironment | undefined;
  private readonly contextProblem: SessionStepEngineOptions['contextProblem'];
  /** a Run waiting for the shell's first prompt: ended by dispose() */
  private startWaiter: ((failure: StepFailure) => void) | undefined;

  constructor(options: SessionStepEngineOptions) {
    this.shell = options.shell;
    this.contextProblem = options.contextProblem;
    this.session = options.session;
    this.manifests = options.manifests;
    this.runVerify = options.runVerify;
    this.clock = options.clock ?? systemClock;
    this.backoff = {...DEFAULT_BACKOFF, ...options.backoff};
    this.locale = options.defaultLocale ?? 'en';
    this.subscriptions = [
      this.session.onOutput((data) => this.onOutput(data)),
      this.session.onCommandStarted((event) => this.onStarted(event)),
      this.session.onCommandFinished((event) => this.onFinished(event)),
      this.session.onExit((event) =>
        this.inFlight?.done({
          failure: {
            check: 'session',
            expected: 'the shell keeps running',
            actual: `the shell ended: ${event.reason} (exit ${event.exitCode})`,
          },
        }),
      ),
    ];
  }

  async run(locale: Locale, pageId: string, stepId: string, via: RunVia = 'run'): Promise<StepResult> {
    const page = this.manifests.get(locale, pageId);
    const step = page?.steps.find((candidate) => candidate.id === stepId);
    if (!page || !step) {
      throw new EngineError(
        'unknown-step',
        page ? `page "${pageId}" (${locale}) has no step "${stepId}"` : `no page "${pageId}" in ${locale}`,
      );
    }
    if (this.disposed) throw new EngineError('busy', 'the session is closed');
    if (this.running) throw new EngineError('busy', 'another step is still running; wait for it to finish');
    if (this.session.busy)
      throw new EngineError('busy', 'a command is still running in the terminal; wait for it or press Ctrl-C');
    this.running = true;
    this.abandoned = '';
    try {
      const startedAt = this.clock.now();
      this.emit({pageId, stepId, status: 'running', startedAt, via});
      // the step's time limit starts once the shell can take it
      // (no await when the shell is ready: the command is typed in this same turn, as before)
      const waiting = this.shellStarted();
      const notStarted = waiting instanceof Promise ? await waiting : waiting;
      if (notStarted) return this.finish(page, step, startedAt, via, undefined, notStarted);
      const context = this.shell?.seal && this.contextProblem ? await this.contextProblem().catch(() => null) : null;
      if (context) {
        this.session.write(sealRefusalKeys(locale));
        return this.finish(page, step, startedAt, via, undefined, {check: SEAL_CHECK, ...context});
      }
      const outcome = await this.typeAndWait(pageId, step, locale);
      if ('failure' in outcome) return this.finish(page, step, startedAt, via, undefined, outcome.failure);
      const failure = await this.evaluate(step, outcome.finished);
      return this.finish(page, step, startedAt, via, outcome.finished.exitCode, failure);
    } finally {
      this.running = false;
    }
  }

  setCurrentPage(locale: Locale, pageId: string): void {
    this.current = {locale, pageId};
    this.locale = locale;
  }

  onResult(listener: (result: StepResult) => void): Disposable {
    this.listeners.add(listener);
    return {dispose: () => this.listeners.delete(listener)};
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const subscription of this.subscriptions) subscription.dispose();
    this.startWaiter?.({check: 'session', expected: 'the session stays open', actual: 'the session was closed'});
    this.inFlight?.done({
      failure: {check: 'session', expected: 'the session stays open', actual: 'the session was closed'},
    });
    this.listeners.clear();
  }

  // ---------------------------------------------------------------------------------------------- run

  /**
   * Wait for the shell's first prompt (a Run pressed while it starts waits, the page says "starting shell…"); a shell
   * reported slow (no prompt after the start timeout: an rc file hangs) fails the Run with the cause and the way out.
   */
  private shellStarted(): StepFailure | null | Promise<StepFailure | null> {
    const session = this.session;
    const slow = (start: ShellStart): StepFailure => ({
      check: SHELL_START_CHECK,
      expected: `a prompt within ${Math.round(start.timeoutMs / 1000)} s`,
      actual: slowStartText(start),
    });
    const start = session.shellStart;
    if (!start || !session.onShellStart || start.state === 'ready') return null;
    if (start.state === 'slow') return slow(start);
    return new Promise((resolve) => {
      const done = (failure: StepFailure | null) => {
        subscription.dispose();
        this.startWaiter = undefined;
        resolve(failure);
      };
      const subscription = session.onShellStart!((next) => {
        if (next.state !== 'starting') done(next.state === 'ready' ? null : slow(next));
      });
      this.startWaiter = done;
      session.ready.catch(() =>
        done({
          check: 'session',
          expected: 'the shell keeps running',
          actual: 'the shell ended before its first prompt',
        }),
      );
    });
  }

  private typeAndWait(
    pageId: string,
    step: StepSpec,
    locale: Locale,
  ): Promise<{finished: CommandFinished} | {failure: StepFailure}> {
    return new Promise((resolve) => {
      const cancelTimer = this.clock.setTimer(() => {
        const flight = this.inFlight;
        if (!flight) return;
        // Interrupt as a person would; the interrupted command's finish (exit 130) must not count as typed.
        this.abandoned = flight.pending;
        this.session.write('\x03');
        flight.done({
          failure: {
            check: 'timeout',
            expected: `finishes within ${step.timeoutMs / 1000}s`,
            actual: `still running after ${step.timeoutMs / 1000}s; sent Ctrl-C. Output so far:\n${tail(normalizeOutput(flight.output))}`,
          },
        });
      }, step.timeoutMs);
      this.inFlight = {
        pageId,
        step,
        pending: normalizeCommand(step.command),
        parts: [],
        output: '',
        done: (outcome) => {
          cancelTimer();
          this.inFlight = null;
          resolve(outcome);
        },
      };
      this.whenPrompted(() => {
        // at the prompt the shell has just reported its environment: a shell that lost its seal gets nothing typed
        const refused = sealFailure(this.shell, this.session.sealReport);
        if (refused) {
          // the shell prints why, above its prompt (bash-integration.sh binds these keys)
          this.session.write(sealRefusalKeys(locale));
          this.inFlight?.done({failure: refused});
          return;
        }
        this.typeLines(step.command.split('\n'));
      });
    });
  }

  /**
   * Run `type` once bash shows its prompt. Right after a command's finish marker bash is still drawing the next
   * prompt; a line typed then is echoed by the terminal without a prompt and again by readline after it, so the
   * learner sees the command twice.
   */
  private whenPrompted(type: () => void): void {
    if (!this.session.onPromptReady || this.session.atPrompt !== false) return type();
    const flight = this.inFlight;
    const subscription = this.session.onPromptReady((event) => {
      if (event.continuation) return;
      subscription.dispose();
      if (this.inFlight === flight) type();
    });
  }

  /**
   * Type a step's lines as bash asks for them: the next line only once the shell shows a prompt again (PS1 after a
   * finished command, PS2 inside a heredoc or a continued line). Lines typed ahead while a command runs would be
   * echoed by the terminal into that command's output and spoil its checks.
   */
  private typeLines(lines: string[]): void {
    const [first, ...rest] = lines;
    this.session.write((first ?? '') + '\r');
    if (rest.length === 0) return;
    if (!this.session.onPromptReady) {
      for (const line of rest) this.session.write(line + '\r');
      return;
    }
    const flight = this.inFlight;
    const subscription = this.session.onPromptReady(() => {
      const line = rest.shift();
      // the run ended (timeout, shell exit) or every line is typed: stop listening
      if (line === undefined || this.inFlight !== flight) {
        subscription.dispose();
        return;
      }
      this.session.write(line + '\r');
      if (rest.length === 0) subscription.dispose();
    });
  }

  private onOutput(data: string): void {
    const flight = this.inFlight;
    if (!flight) return;
    flight.output += data;
    if (flight.output.length > MAX_RUN_OUTPUT * 2) flight.output = flight.output.slice(-MAX_RUN_OUTPUT);
  }

  private onFinished(event: CommandFinished): void {
    const reported = normalizeCommand(event.command);
    const flight = this.inFlight;
    if (flight) {
      const rest = consumeCommand(flight.pending, reported);
      if (rest !== null) {
        flight.parts.push(event);
        flight.pending = rest;
        if (rest === '') flight.done({finished: combine(flight.parts)});
        return;
      }
    }
    if (this.abandoned !== '') {
      const rest = consumeCommand(this.abandoned, reported);
      if (rest !== null) {
        this.abandoned = rest;
        return;
      }
      this.abandoned = '';
    }
    const ref = this.typedRunning.get(reported) ?? this.findStep(reported);
    this.typedRunning.delete(reported);
    if (ref) void this.evaluateTyped(ref, event);
  }

  private onStarted(event: CommandStarted): void {
    if (this.inFlight || this.abandoned !== '') return;
    const reported = normalizeCommand(event.command);
    const ref = this.findStep(reported);
    if (!ref) return;
    this.typedRunning.set(reported, ref);
    this.emit({
      pageId: ref.page.pageId,
      stepId: ref.step.id,
      status: 'running',
      startedAt: event.startedAt,
      via: 'typed',
    });
  }

  // ---------------------------------------------------------------------------------------------- checks

  private async evaluate(step: StepSpec, finished: CommandFinished): Promise<StepFailure | null> {
    const failure = evaluateChecks(step, finished);
    if (failure || !step.verify) return failure;
    return verifyWithBackoff(step.verify, this.runVerify, this.clock, this.backoff, () => this.disposed);
  }

  private async evaluateTyped(ref: StepRef, finished: CommandFinished): Promise<void> {
    const failure = await this.evaluate(ref.step, finished);
    if (this.disposed) return;
    this.finish(ref.page, ref.step, finished.startedAt, 'typed', finished.exitCode, failure);
  }

  private finish(
    page: PageManifest,
    step: StepSpec,
    startedAt: number,
    via: RunVia | 'typed',
    exitCode: number | undefined,
    failure: StepFailure | null,
  ): StepResult {
    const now = this.clock.now();
    const result: StepResult = {
      pageId: page.pageId,
      stepId: step.id,
      status: failure ? 'failed' : 'passed',
      startedAt: now,
      durationMs: Math.max(0, now - startedAt),
      via,
      ...(exitCode === undefined ? {} : {exitCode}),
      ...(failure ? {failure} : {}),
    };
    this.emit(result);
    return result;
  }

  /** A typed command's step: the current page first, then the other pages of the same locale. */
  private findStep(command: string): StepRef | undefined {
    if (command === '') return undefined;
    const pages = this.manifests.pages(this.locale);
    const current = this.current ? this.manifests.get(this.current.locale, this.current.pageId) : undefined;
    for (const page of current ? [current, ...pages.filter((p) => p !== current)] : pages) {
      const step = page.steps.find((candidate) => normalizeCommand(candidate.command) === command);
      if (step) return {page, step};
    }
    return undefined;
  }

  private emit(result: StepResult): void {
    for (const listener of this.listeners) {
      try {
        listener(result);
      } catch {
        // a listener's failure must not break the engine or other listeners
      }
    }
  }
}

/** A step typed as several command lines is judged as one: first failing exit code, all output in order. */
function combine(parts: CommandFinished[]): CommandFinished {
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (parts.length === 1) return first;
  return {
    command: parts.map((part) => part.command).join('\n'),
    exitCode: parts.find((part) => part.exitCode !== 0)?.exitCode ?? 0,
    // each command's output already ends its last line; add a newline only where one did not (no blank lines)
    output: parts
      .map((part) => (part.output === '' || part.output.endsWith('\n') ? part.output : part.output + '\n'))
      .join(''),
    startedAt: first.startedAt,
    finishedAt: last.finishedAt,
  };
}
