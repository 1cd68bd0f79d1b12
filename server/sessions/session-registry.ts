/**
 * All terminal sessions of the server, per learner: limits, reattachment after a reload (sessions outlive their
 * sockets for a grace period) and idle cleanup.
 */
import {randomBytes} from 'node:crypto';
import type {LearnerId, ShellEnvironment} from '../backends/types';
import {PtySession, type PtySessionOptions, type SessionLogger} from './pty-session';
import type {ShellRc} from './shell-env';
import type {Timers} from './types';

export type SessionErrorCode = 'session-limit' | 'unknown-session';

export class SessionError extends Error {
  constructor(
    readonly code: SessionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SessionError';
  }
}

export type {Timers} from './types';

const nodeTimers: Timers = {
  // unref: a pending grace or idle timer must never keep the process alive
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SessionRegistryOptions {
  /** the backend's environment for a learner's shell */
  shellEnvironment: (learner: LearnerId) => Promise<ShellEnvironment>;
  /** default 4 */
  maxSessionsPerLearner?: number;
  /** a session with no attached socket is closed after this; default 15 min */
  detachGraceMs?: number;
  /** a session without input for this long is closed; default 2 h */
  idleTimeoutMs?: number;
  /** per session; default 2 MiB */
  scrollbackBytes?: number;
  /** `none`: shells read no rc file (`lab start --no-rc`, LAB_SHELL_RC=none); default `user` */
  shellRc?: ShellRc;
  /** a shell without a prompt after this is reported as slow (default 15 s) */
  shellStartTimeoutMs?: number;
  timers?: Timers;
  now?: () => number;
  logger?: SessionLogger;
  /**
   * Workshop: how a learner's shell is launched when it is not the lab's own (an attendee's isolated shell), with
   * the environment as the shell will see it. Undefined (or undefined returned): an ordinary shell.
   */
  prepareShell?: (
    learner: LearnerId,
    environment: ShellEnvironment,
  ) => Promise<
    | {
        environment: ShellEnvironment;
        launch: NonNullable<PtySessionOptions['launch']>;
        /** in place of the lab's own environment, which may hold the instructor's secrets */
        baseEnv: NodeJS.ProcessEnv;
        /** a ceiling on the shell's output (an attendee's `yes` must not cost the room's lab a core) */
        outputLimit?: PtySessionOptions['outputLimit'];
      }
    | undefined
  >;
  /** how sessions are made; tests and the sandbox backend may substitute options or the shell */
  createSession?: (options: PtySessionOptions) => PtySession;
}

interface Entry {
  session: PtySession;
  attached: number;
  graceTimer?: unknown;
  idleTimer?: unknown;
}

const MINUTE = 60_000;

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new RangeError(`SessionRegistry option ${name} must be a positive integer, got ${String(value)}`);
  }
  return v;
}

export function newSessionId(): string {
  // 16 random bytes -> 22 URL-safe characters
  return randomBytes(16).toString('base64url');
}

export class SessionRegistry {
  readonly maxSessionsPerLearner: number;
  readonly detachGraceMs: number;
  readonly idleTimeoutMs: number;
  readonly scrollbackBytes: number | undefined;

  private readonly entries = new Map<string, Entry>();
  /** sessions being created (awaiting the shell environment) count against the limit too */
  private readonly pending = new Map<LearnerId, number>();
  private readonly timers: Timers;
  private readonly now: () => number;
  private disposed = false;

  constructor(private readonly options: SessionRegistryOptions) {
    if (typeof options?.shellEnvironment !== 'function') {
      throw new TypeError(
        'SessionRegistry option shellEnvironment must be a function (learner) => Promise<ShellEnvironment>',
      );
    }
    this.maxSessionsPerLearner = positiveInteger('maxSessionsPerLearner', options.maxSessionsPerLearner, 4);
    this.detachGraceMs = positiveInteger('detachGraceMs', options.detachGraceMs, 15 * MINUTE);
    this.idleTimeoutMs = positiveInteger('idleTimeoutMs', options.idleTimeoutMs, 120 * MINUTE);
    this.scrollbackBytes =
      options.scrollbackBytes === undefined
        ? undefined
        : positiveInteger('scrollbackBytes', options.scrollbackBytes, 0);
    this.timers = options.timers ?? nodeTimers;
    this.now = options.now ?? Date.now;
  }

  /** Starts a shell for the learner. Unattached until attach(): the detach grace applies from the start. */
  async create(learner: LearnerId, size: {cols: number; rows: number}): Promise<PtySession> {
    if (this.disposed) throw new Error('SessionRegistry is disposed');
    const count = this.sessionsOf(learner).length + (this.pending.get(learner) ?? 0);
    if (count >= this.maxSessionsPerLearner) {
      throw new SessionError(
        'session-limit',
        `learner ${learner} already has ${count} terminal sessions (maxSessionsPerLearner is ${this.maxSessionsPerLearner}); close one first`,
      );
    }
    this.pending.set(learner, (this.pending.get(learner) ?? 0) + 1);
    let environment: ShellEnvironment;
    let launch: PtySessionOptions['launch'];
    let baseEnv: NodeJS.ProcessEnv | undefined;
    let outputLimit: PtySessionOptions['outputLimit'];
    try {
      environment = await this.options.shellEnvironment(learner);
      const prepared = await this.options.prepareShell?.(learner, environment);
      if (prepared) ({environment, launch, baseEnv, outputLimit} = prepared);
    } finally {
      const left = (this.pending.get(learner) ?? 1) - 1;
      if (left > 0) this.pending.set(learner, left);
      else this.pending.delete(learner);
    }
    if (this.disposed) throw new Error('SessionRegistry is disposed');
    const make = this.options.createSession ?? ((o: PtySessionOptions) => new PtySession(o));
    const session = make({
      id: newSessionId(),
      learner,
      environment,
      launch,
      baseEnv,
      outputLimit,
      cols: size.cols,
      rows: size.rows,
      scrollbackBytes: this.scrollbackBytes,
      shellRc: this.options.shellRc,
      shellStartTimeoutMs: this.options.shellStartTimeoutMs,
      timers: this.timers,
      now: this.now,
      logger: this.options.logger,
    });
    const entry: Entry = {session, attached: 0};
    this.entries.set(session.info.id, entry);
    session.onExit(() => this.forget(session.info.id));
    this.startGrace(entry);
    this.scheduleIdle(entry);
    return session;
  }

  get(id: string): PtySession | undefined {
    return this.entries.get(id)?.session;
  }

  /** a socket connected to the session: cancels the detach grace */
  attach(id: string): PtySession {
    const entry = this.entries.get(id);
    if (!entry) throw new SessionError('unknown-session', `no terminal session ${id} (it may have been closed)`);
    entry.attached += 1;
    this.stopGrace(entry);
    return entry.session;
  }

  /** a socket went away; when none is left the session lives on for detachGraceMs. Unknown ids are ignored. */
  detach(id: string): void {
    const entry = this.entries.get(id);
    if (!entry || entry.attached === 0) return;
    entry.attached -= 1;
    if (entry.attached === 0) this.startGrace(entry);
  }

  attachedCount(id: string): number {
    return this.entries.get(id)?.attached ?? 0;
  }

  sessionsOf(learner: LearnerId): PtySession[] {
    return [...this.entries.values()].filter((e) => e.session.info.learner === learner).map((e) => e.session);
  }

  all(): PtySession[] {
    return [...this.entries.values()].map((e) => e.session);
  }

  async close(id: string, reason: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.forget(id);
    await entry.session.close(reason);
  }

  /** every session of one learner (a workshop attendee's sandbox reset, the workshop's end) */
  async closeLearner(learner: LearnerId, reason: string): Promise<void> {
    await Promise.all(this.sessionsOf(learner).map((s) => this.close(s.info.id, reason)));
  }

  async closeAll(reason = 'server shutting down'): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.close(id, reason)));
  }

  /** closes every session; returns when all their processes are gone */
  dispose(): Promise<void> {
    this.disposed = true;
    return this.closeAll();
  }

  private forget(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.stopGrace(entry);
    if (entry.idleTimer !== undefined) this.timers.clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
    this.entries.delete(id);
  }

  private startGrace(entry: Entry): void {
    this.stopGrace(entry);
    entry.graceTimer = this.timers.setTimeout(() => {
      entry.graceTimer = undefined;
      void this.close(entry.session.info.id, 'no client attached');
    }, this.detachGraceMs);
  }

  private stopGrace(entry: Entry): void {
    if (entry.graceTimer !== undefined) this.timers.clearTimeout(entry.graceTimer);
    entry.graceTimer = undefined;
  }

  /** One timer per session, re-armed from the last input time when it fires, instead of on every keystroke. */
  private scheduleIdle(entry: Entry): void {
    const due = entry.session.lastInputAt + this.idleTimeoutMs;
    entry.idleTimer = this.timers.setTimeout(
      () => {
        entry.idleTimer = undefined;
        if (!this.entries.has(entry.session.info.id)) return;
        if (this.now() >= entry.session.lastInputAt + this.idleTimeoutMs) {
          void this.close(entry.session.info.id, 'idle timeout');
        } else {
          this.scheduleIdle(entry);
        }
      },
      Math.max(0, due - this.now()),
    );
  }
}
