/**
 * All live sessions' channels, by session id: opens a session with its one StepEngine, finds it again on
 * reconnect (same learner only), and delivers per-learner messages (progress) to every socket of that learner.
 */
import type {ServerMessage} from '../../src/core/protocol/messages';
import type {LearnerId} from '../backends/types';
import type {ProgressStore, StepEngine} from '../engine/types';
import type {TerminalSession} from '../sessions/types';
import {SessionChannel} from './session-channel';

/** What the WebSocket layer needs from the SessionRegistry (server/sessions/session-registry.ts). */
export interface SessionSource {
  /** throws an error with code 'session-limit' when the learner has too many sessions */
  create(learner: LearnerId, size: {cols: number; rows: number}): TerminalSession | Promise<TerminalSession>;
  get(id: string): TerminalSession | undefined;
  /** a socket attached: the detach grace timer stops */
  attach(id: string): unknown;
  /** the last socket left: the detach grace timer starts */
  detach(id: string): unknown;
  closeAll(): unknown;
}

export interface SessionChannelsOptions {
  sessions: SessionSource;
  createEngine(session: TerminalSession): StepEngine | Promise<StepEngine>;
  progress: ProgressStore;
  highWaterMark: number;
  lowWaterMark: number;
}

export class SessionChannels {
  private readonly channels = new Map<string, SessionChannel>();

  constructor(private readonly options: SessionChannelsOptions) {}

  async open(learner: LearnerId, size: {cols: number; rows: number}): Promise<SessionChannel> {
    const session = await this.options.sessions.create(learner, size);
    let engine: StepEngine;
    try {
      engine = await this.options.createEngine(session);
    } catch (err) {
      await session.close('could not start the step engine');
      throw err;
    }
    const channel = new SessionChannel(session, engine, {
      highWaterMark: this.options.highWaterMark,
      lowWaterMark: this.options.lowWaterMark,
      progress: this.options.progress,
      toLearner: (l, message) => this.toLearner(l, message),
      onClosed: (c) => {
        if (this.channels.get(c.id) === c) this.channels.delete(c.id);
      },
    });
    this.channels.set(session.info.id, channel);
    return channel;
  }

  /** The live channel of `id` if it belongs to `learner`; a learner never reaches another learner's session. */
  find(id: string, learner: LearnerId): SessionChannel | undefined {
    const channel = this.channels.get(id);
    if (!channel || channel.learner !== learner) return undefined;
    if (!this.options.sessions.get(id)) {
      channel.dispose(); // the registry already dropped it
      return undefined;
    }
    return channel;
  }

  /** The learner's longest-lived session that is still open: what a take-over at the session limit moves onto. */
  oldestOf(learner: LearnerId): SessionChannel | undefined {
    let oldest: SessionChannel | undefined;
    for (const channel of this.channels.values()) {
      if (channel.learner !== learner || !this.options.sessions.get(channel.id)) continue;
      if (!oldest || channel.session.info.createdAt < oldest.session.info.createdAt) oldest = channel;
    }
    return oldest;
  }

  /** the learner's live channels, newest first (a workshop viewer watches the one in use) */
  ofLearner(learner: LearnerId): SessionChannel[] {
    return [...this.channels.values()]
      .filter((c) => c.learner === learner && this.options.sessions.get(c.id))
      .sort((a, b) => b.peers.size - a.peers.size || b.session.info.createdAt - a.session.info.createdAt);
  }

  toLearner(learner: LearnerId, message: ServerMessage): void {
    for (const channel of this.channels.values()) if (channel.learner === learner) channel.broadcast(message);
  }

  get size(): number {
    return this.channels.size;
  }

  /** Close every session (its exit reaches the sockets as an `exit` frame), then drop what is left. */
  async closeAll(): Promise<void> {
    await this.options.sessions.closeAll();
    for (const channel of [...this.channels.values()]) channel.dispose();
  }
}
