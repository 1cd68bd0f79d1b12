/**
 * A terminal watched by someone who does not own it: the instructor viewing an attendee's shell, or attendees viewing
 * the instructor's broadcast. The viewer gets the scrollback and then the live output as binary frames, and the
 * terminal's size in `watch` frames whenever it changes; it never resizes the terminal (the owner's screen decides).
 *
 * A viewer is not part of the session's flow control: a slow viewer must never pause the owner's shell. Its output
 * is dropped instead, and a viewer that falls far behind is disconnected with a reason (it can reopen the view).
 */
import type {RawData, WebSocket} from 'ws';
import {watchClientMessage, type WatchServerMessage} from '../../src/core/protocol/workshop';
import type {Disposable, TerminalSession} from '../sessions/types';

/** unsent output a viewer may hold before it is let go */
export const VIEWER_MAX_BUFFERED = 4 * 1024 * 1024;

export interface WatchOptions {
  /** whose terminal: an attendee id, or "instructor" */
  of: string;
  name: string;
  /** typing allowed now (the attendee consented); checked on every input */
  canType(): boolean;
  /** the viewer left (socket closed or dropped) */
  onClose?(): void;
  maxMessageBytes: number;
}

export class TerminalWatch {
  private readonly subscriptions: Disposable[] = [];
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly session: TerminalSession,
    private readonly opts: WatchOptions,
  ) {
    ws.on('message', (data: RawData, isBinary: boolean) => this.message(data, isBinary));
    ws.on('close', () => this.dispose());
    ws.on('error', () => this.dispose());
    this.subscriptions.push(session.onExit((e) => this.end(`the terminal closed (${e.reason})`)));
    // a full scrollback is serialized in slices first (as a reattach does): a room opening the instructor's
    // broadcast at once must not hold the event loop; then the replay and going live happen in one turn, so no
    // output falls between them
    const prepared = session.prepareReplay?.() ?? Promise.resolve();
    prepared.then(
      () => this.start(),
      () => this.start(),
    );
  }

  private start(): void {
    if (this.closed) return;
    this.announce();
    const replay = Buffer.from(this.session.scrollback(), 'utf8');
    if (replay.length > 0) this.ws.send(replay, {binary: true});
    this.subscriptions.push(this.session.onOutput((data) => this.output(data)));
    if (this.session.onResize) this.subscriptions.push(this.session.onResize(() => this.announce()));
  }

  /** the mode changed (consent given or withdrawn): tell the viewer */
  announce(): void {
    const size = this.session.size ?? {cols: 80, rows: 24};
    this.send({
      type: 'watch',
      of: this.opts.of,
      name: this.opts.name,
      cols: size.cols,
      rows: size.rows,
      mode: this.opts.canType() ? 'typing' : 'viewing',
    });
  }

  end(reason: string): void {
    if (this.closed) return;
    this.send({type: 'watch-ended', reason});
    this.ws.close(1000, 'watch ended');
    this.dispose();
  }

  private output(data: string): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > VIEWER_MAX_BUFFERED) {
      this.end('this view fell too far behind the terminal; open it again');
      return;
    }
    this.ws.send(Buffer.from(data, 'utf8'), {binary: true});
  }

  private message(data: RawData, isBinary: boolean): void {
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    if (isBinary || size > this.opts.maxMessageBytes) return;
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString());
    } catch {
      return;
    }
    const parsed = watchClientMessage.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === 'ping') return this.send({type: 'pong', t: message.t});
    // a view is read-only unless the attendee said yes, checked now: consent can be withdrawn at any time
    if (this.opts.canType()) this.session.write(message.data);
  }

  private send(message: WatchServerMessage): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(message));
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.opts.onClose?.();
  }
}
