/**
 * The page's one WebSocket to the lab server: attach (or re-attach) to the session, reconnect with backoff when
 * the socket drops, and hand every validated server message and every chunk of terminal output to the owner.
 * No React here; the LabProvider owns one of these and disposes it.
 */
import {
  httpRefusal,
  labStatus,
  PROTOCOL_VERSION,
  serverMessage,
  type ClientMessage,
  type ServerMessage,
} from '@site/src/core/protocol/messages';

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

/**
 * Why the page cannot reach its terminal, as the learner needs to hear it:
 * - `server-gone`: nothing answers (the lab is not running); the connection keeps retrying;
 * - `token`: the lab answers but refuses this page's token (a new token, or an old link);
 * - `forbidden`: the lab refuses this page's address (Host/Origin);
 * - `session-limit`: the learner has as many terminals as the lab allows;
 * - `taken-over`: another tab took this terminal over;
 * - `start-failed`: the lab could not start a shell.
 * All but `server-gone` stop the automatic reconnect until the learner chooses what to do (`retry`).
 */
export type RefusalKind = 'server-gone' | 'token' | 'forbidden' | 'session-limit' | 'taken-over' | 'start-failed';
export interface Refusal {
  kind: RefusalKind;
  /** the server's own words, for `start-failed`; 'missing' for a `token` refusal when the page has no token at all */
  detail?: string;
}

export interface LabConnectionOptions {
  /** current terminal size, sent with `attach` */
  size(): {cols: number; rows: number};
  onStatus(status: ConnectionStatus, detail: {attempt: number; retryInMs?: number}): void;
  onMessage(message: ServerMessage): void;
  /** a refusal found (or cleared: null, once attached) */
  onRefusal(refusal: Refusal | null): void;
  /** raw terminal output (UTF-8), to be written to the terminal as-is */
  onOutput(bytes: Uint8Array): void;
  /** first reconnect delay; doubled on every failed attempt up to `maxBackoffMs` */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** keep-alive interval (some proxies close idle sockets) */
  pingIntervalMs?: number;
}

const SESSION_KEY = 'ambient-lab:session-id';

export function storedSessionId(): string | undefined {
  try {
    return window.localStorage.getItem(SESSION_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function storeSessionId(id: string | undefined): void {
  try {
    if (id) window.localStorage.setItem(SESSION_KEY, id);
    else window.localStorage.removeItem(SESSION_KEY);
  } catch {
    // storage disabled (private mode): the session still works until the tab closes
  }
}

function socketUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${window.location.host}/ws`;
}

export class LabConnection {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private disposed = false;
  /** stopped on a refusal that retrying would not fix; `retry` starts again */
  private halted = false;
  /** the next attach asks to take the session over */
  private takeOver = false;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly pingIntervalMs: number;

  constructor(private readonly options: LabConnectionOptions) {
    this.initialBackoffMs = options.initialBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.pingIntervalMs = options.pingIntervalMs ?? 25_000;
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  connect(): void {
    if (this.disposed || this.halted || this.socket) return;
    clearTimeout(this.retryTimer);
    this.options.onStatus('connecting', {attempt: this.attempt});
    let socket: WebSocket;
    try {
      socket = new WebSocket(socketUrl());
    } catch {
      this.scheduleReconnect();
      return;
    }
    socket.binaryType = 'arraybuffer';
    this.socket = socket;

    let attached = false;
    socket.onopen = () => {
      const {cols, rows} = this.options.size();
      const sessionId = storedSessionId();
      const takeOver = this.takeOver;
      this.takeOver = false;
      this.sendRaw({
        type: 'attach',
        protocol: PROTOCOL_VERSION,
        ...(sessionId ? {sessionId} : {}),
        ...(takeOver ? {takeOver} : {}),
        cols,
        rows,
      });
    };
    socket.onmessage = (event: MessageEvent) => {
      if (event.data instanceof ArrayBuffer) {
        this.options.onOutput(new Uint8Array(event.data));
        return;
      }
      if (typeof event.data !== 'string') return;
      let raw: unknown;
      try {
        raw = JSON.parse(event.data);
      } catch {
        console.warn('[lab] ignored a server frame that is not JSON');
        return;
      }
      const parsed = serverMessage.safeParse(raw);
      if (!parsed.success) {
        console.warn('[lab] ignored an invalid server message', parsed.error.issues[0]);
        return;
      }
      const message = parsed.data;
      if (message.type === 'attached') {
        attached = true;
        storeSessionId(message.sessionId);
        this.attempt = 0;
        this.startPing();
        this.options.onRefusal(null);
        this.options.onStatus('open', {attempt: 0});
      } else if (message.type === 'exit') {
        // the shell is gone; the next attach starts a fresh one
        storeSessionId(undefined);
      } else if (message.type === 'error') {
        const refusal: Refusal | null =
          message.code === 'taken-over'
            ? {kind: 'taken-over'}
            : message.code === 'session-limit' && !attached
              ? {kind: 'session-limit'}
              : message.code === 'internal' && !attached
                ? {kind: 'start-failed', detail: message.message}
                : null;
        if (refusal) {
          this.halt();
          this.options.onRefusal(refusal);
        }
      }
      this.options.onMessage(message);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.stopPing();
      if (this.disposed || this.halted) return;
      if (attached) {
        this.scheduleReconnect();
        return;
      }
      // The socket never got as far as a session: a browser does not say why an upgrade failed, so ask.
      void this.diagnose().then((refusal) => {
        if (this.disposed || this.halted || this.socket) return;
        if (refusal && refusal.kind !== 'server-gone') {
          this.halt();
          this.options.onRefusal(refusal);
          return;
        }
        this.options.onRefusal(refusal);
        this.scheduleReconnect();
      });
    };
    socket.onerror = () => {
      // onclose follows and schedules the reconnect
    };
  }

  /** Sends a control message; returns false when the socket is not attached. */
  send(message: Exclude<ClientMessage, {type: 'attach'}>): boolean {
    if (!this.isOpen) return false;
    return this.sendRaw(message);
  }

  /** Reconnect now instead of waiting for the backoff timer (the "Reconnect" button). */
  reconnectNow(): void {
    this.attempt = 0;
    if (this.socket) return;
    this.connect();
  }

  /** After a refusal: try again, optionally taking the session over (the oldest one, at the session limit). */
  retry(options: {takeOver?: boolean} = {}): void {
    this.halted = false;
    this.takeOver = options.takeOver === true;
    this.attempt = 0;
    clearTimeout(this.retryTimer);
    if (this.socket) return;
    this.connect();
  }

  /** Stop: close the socket and do not reconnect until `retry`. */
  private halt(): void {
    this.halted = true;
    clearTimeout(this.retryTimer);
    this.stopPing();
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'refused');
    this.options.onStatus('closed', {attempt: this.attempt});
  }

  /**
   * Why a socket could not attach: `GET /api/status` carries the same cookie and passes the same checks as the
   * upgrade, and a refusal comes back with its reason (src/core/protocol/messages.ts, httpRefusal).
   * null: the lab answers and accepts this page; the socket failed for a passing reason.
   */
  private async diagnose(): Promise<Refusal | null> {
    let response: Response;
    try {
      response = await fetch('/api/status', {credentials: 'same-origin', cache: 'no-store'});
    } catch {
      return {kind: 'server-gone'};
    }
    if (response.ok) {
      const body: unknown = await response.json().catch(() => null);
      return labStatus.safeParse(body).success ? null : {kind: 'server-gone'};
    }
    const refusal = httpRefusal.safeParse(await response.json().catch(() => null));
    // no token at all (the page was opened without the printed URL), or one the lab does not take (any more)
    if (response.status === 401) {
      return refusal.success && refusal.data.error === 'token-required'
        ? {kind: 'token', detail: 'missing'}
        : {kind: 'token'};
    }
    if (response.status === 403) return {kind: 'forbidden'};
    // something else answers on this port (a proxy's 502, another program): for the learner, the lab is not there
    return {kind: 'server-gone', ...(refusal.success ? {detail: refusal.data.message} : {})};
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.retryTimer);
    this.stopPing();
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'page closed');
  }

  private sendRaw(message: ClientMessage): boolean {
    try {
      this.socket?.send(JSON.stringify(message));
      return true;
    } catch {
      return false;
    }
  }

  private scheduleReconnect(): void {
    const delay = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** this.attempt);
    this.attempt += 1;
    this.options.onStatus('closed', {attempt: this.attempt, retryInMs: delay});
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private startPing(): void {
    this.stopPing();
    this.pingTimer = setInterval(() => this.send({type: 'ping', t: Date.now()}), this.pingIntervalMs);
  }

  private stopPing(): void {
    clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }
}
