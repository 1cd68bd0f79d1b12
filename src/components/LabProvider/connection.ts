/**
 * The page's one WebSocket to the lab server: attach (or re-attach) to the session, reconnect with backoff when
 * the socket drops, and hand every validated server message and every chunk of terminal output to the owner.
 * No React here; the LabProvider owns one of these and disposes it.
 */
import {
  PROTOCOL_VERSION,
  serverMessage,
  type ClientMessage,
  type ServerMessage,
} from '@site/src/core/protocol/messages';

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

export interface LabConnectionOptions {
  /** current terminal size, sent with `attach` */
  size(): {cols: number; rows: number};
  onStatus(status: ConnectionStatus, detail: {attempt: number; retryInMs?: number}): void;
  onMessage(message: ServerMessage): void;
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
    if (this.disposed || this.socket) return;
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

    socket.onopen = () => {
      const {cols, rows} = this.options.size();
      const sessionId = storedSessionId();
      this.sendRaw({type: 'attach', protocol: PROTOCOL_VERSION, ...(sessionId ? {sessionId} : {}), cols, rows});
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
        storeSessionId(message.sessionId);
        this.attempt = 0;
        this.startPing();
        this.options.onStatus('open', {attempt: 0});
      } else if (message.type === 'exit') {
        // the shell is gone; the next attach starts a fresh one
        storeSessionId(undefined);
      }
      this.options.onMessage(message);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.stopPing();
      if (!this.disposed) this.scheduleReconnect();
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
