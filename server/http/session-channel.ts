/**
 * One terminal session as the WebSocket layer sees it: the session, its one StepEngine, and the sockets attached
 * to it (a reloaded tab, two tabs on the same session). It fans session output, command and step events out to
 * every attached socket, records step results in the progress store, and applies flow control: when any socket
 * falls behind (bufferedAmount over highWaterMark) the PTY is paused until every socket drained below lowWaterMark.
 */
import type {ServerMessage, StepResult} from '../../src/core/protocol/messages';
import type {StepEngine, ProgressStore} from '../engine/types';
import type {Disposable, TerminalSession} from '../sessions/types';

/** A socket as the channel needs it; ws-connection implements it. */
export interface ChannelPeer {
  sendJson(message: ServerMessage): void;
  /** send raw terminal bytes; `sent` is called once the frame left the process (or failed) */
  sendBinary(data: Buffer, sent: () => void): void;
  /** bytes queued but not yet written to the network */
  readonly bufferedAmount: number;
  /** the session ended: the peer is no longer attached (it may attach again) */
  detached(): void;
}

export interface ChannelOptions {
  highWaterMark: number;
  lowWaterMark: number;
  progress: ProgressStore;
  /** deliver a message to every socket of the learner (progress is per learner, not per session) */
  toLearner(learner: string, message: ServerMessage): void;
  onClosed(channel: SessionChannel): void;
}

export class SessionChannel {
  readonly peers = new Set<ChannelPeer>();
  private readonly congested = new Set<ChannelPeer>();
  private readonly subscriptions: Disposable[] = [];
  /** this session's steps that are running now, by page/step: a reloaded page must show them running */
  private readonly inProgress = new Map<string, StepResult>();
  /** the session's catch-up (server/catch-up/service.ts): its latest event, for a tab that attaches later */
  catchUp: {last: Extract<ServerMessage, {type: 'catch-up'}>; cancel(): void} | undefined;
  private closed = false;

  constructor(
    readonly session: TerminalSession,
    readonly engine: StepEngine,
    private readonly options: ChannelOptions,
  ) {
    const learner = session.info.learner;
    this.subscriptions.push(
      session.onOutput((data) => this.broadcastOutput(Buffer.from(data, 'utf8'))),
      session.onCommandFinished((e) => this.broadcast({type: 'command', command: e.command, exitCode: e.exitCode})),
      engine.onResult((engineResult) => {
        // which shell it ran in: what a step leaves in the shell is not in the next one
        const result: StepResult = {...engineResult, shell: this.id};
        const key = `${result.pageId}/${result.stepId}`;
        if (result.status === 'running') this.inProgress.set(key, result);
        else this.inProgress.delete(key);
        options.progress.record(learner, result);
        options.toLearner(learner, {type: 'step', result});
      }),
      ...(session.onShellStart ? [session.onShellStart((start) => this.broadcast({type: 'shell', ...start}))] : []),
      session.onExit((e) => {
        this.broadcast({type: 'exit', reason: e.reason, exitCode: e.exitCode});
        this.dispose();
      }),
    );
  }

  get id(): string {
    return this.session.info.id;
  }

  get learner(): string {
    return this.session.info.learner;
  }

  /**
   * Attach a socket: `attached`, then the scrollback as one binary frame, then live output. All of it happens in
   * one synchronous turn, so no output can slip between the replay and the live stream.
   */
  join(peer: ChannelPeer, resumed: boolean, backend: 'host' | 'sandbox'): void {
    const replay = Buffer.from(this.session.scrollback(), 'utf8');
    peer.sendJson({type: 'attached', sessionId: this.id, resumed, backend, replayBytes: replay.length});
    if (replay.length > 0) this.sendTo(peer, replay);
    // whether a Run can go now, or waits for the first prompt (or the shell is stuck in an rc file)
    const start = this.session.shellStart;
    if (start) peer.sendJson({type: 'shell', ...start});
    this.peers.add(peer);
  }

  leave(peer: ChannelPeer): void {
    this.peers.delete(peer);
    this.uncongest(peer);
  }

  /** Steps of this session that are running now (the Run button's, a catch-up's, or a command typed by hand). */
  running(): StepResult[] {
    return [...this.inProgress.values()];
  }

  /**
   * Let go of every attached socket, telling each one why (`taken-over`): another tab takes this session over.
   * Returns how many were let go.
   */
  evict(reason: string): number {
    const evicted = [...this.peers];
    for (const peer of evicted) {
      peer.sendJson({type: 'error', code: 'taken-over', message: reason});
      this.leave(peer);
      peer.detached();
    }
    return evicted.length;
  }

  broadcast(message: ServerMessage): void {
    for (const peer of this.peers) peer.sendJson(message);
  }

  private broadcastOutput(data: Buffer): void {
    for (const peer of this.peers) this.sendTo(peer, data);
  }

  private sendTo(peer: ChannelPeer, data: Buffer): void {
    peer.sendBinary(data, () => {
      // checked when a frame has been written: the moment the buffer can have shrunk
      if (this.congested.has(peer) && peer.bufferedAmount < this.options.lowWaterMark) this.uncongest(peer);
    });
    if (peer.bufferedAmount > this.options.highWaterMark && !this.congested.has(peer)) {
      this.congested.add(peer);
      if (this.congested.size === 1) this.session.pause();
    }
  }

  private uncongest(peer: ChannelPeer): void {
    if (!this.congested.delete(peer)) return;
    if (this.congested.size === 0 && !this.closed) this.session.resume();
  }

  /** Stop relaying and dispose the engine; the session itself is closed by its registry. Idempotent. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.catchUp?.cancel();
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.engine.dispose();
    for (const peer of this.peers) peer.detached();
    this.peers.clear();
    this.congested.clear();
    this.options.onClosed(this);
  }
}
