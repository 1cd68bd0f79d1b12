/** A WebSocket protocol client for tests: records everything it receives and waits for what a test expects. */
import WebSocket from 'ws';
import {PROTOCOL_VERSION, type ServerMessage} from '../../src/core/protocol/messages';

export class ProtocolClient {
  readonly messages: ServerMessage[] = [];
  output = '';
  private readonly ws: WebSocket;
  private readonly waiters = new Set<() => void>();
  readonly opened: Promise<void>;
  closed = false;
  private closing = false;

  /** `token` may be undefined with `headers` carrying another proof (a workshop attendee's cookie) */
  constructor(port: number, token: string | undefined, opts: {path?: string; headers?: Record<string, string>} = {}) {
    this.ws = new WebSocket(`ws://127.0.0.1:${port}${opts.path ?? '/ws'}`, {
      headers: {
        Origin: `http://127.0.0.1:${port}`,
        ...(token ? {Authorization: `Bearer ${token}`} : {}),
        ...opts.headers,
      },
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) this.output += data.toString('utf8');
      else this.messages.push(JSON.parse(data.toString('utf8')) as ServerMessage);
      for (const w of this.waiters) w();
    });
    this.ws.on('close', () => {
      this.closed = true;
      for (const w of this.waiters) w();
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, {binary});
  }

  async attach(
    sessionId?: string,
    size = {cols: 80, rows: 24},
    extra: {takeOver?: boolean} = {},
  ): Promise<Extract<ServerMessage, {type: 'attached'}>> {
    await this.opened;
    this.send({type: 'attach', protocol: PROTOCOL_VERSION, ...(sessionId ? {sessionId} : {}), ...size, ...extra});
    return this.next('attached');
  }

  /** the first message of `type` received after `from` messages */
  async next<T extends ServerMessage['type']>(type: T, from = 0): Promise<Extract<ServerMessage, {type: T}>> {
    await this.until(() => this.messages.slice(from).some((m) => m.type === type), `a "${type}" message`);
    return this.messages.slice(from).find((m) => m.type === type) as Extract<ServerMessage, {type: T}>;
  }

  /**
   * When the test is cut off (its own timeout, the file's) before it closed this client, writes what this client had seen to stderr, so a CI log
   * says where it stopped instead of only "timed out".
   */
  reportOnAbort(signal: AbortSignal, name: string): void {
    signal.addEventListener('abort', () => {
      // the signal aborts when any test ends: a test that got to close its client was not cut off
      if (this.closing) return;
      process.stderr.write(
        `\n--- ${name}: cut off; its terminal output so far:\n${this.output.slice(-3000)}\n--- its last messages: ${JSON.stringify(this.messages.slice(-8))}\n`,
      );
    });
  }

  /**
   * Runs a step as the page's Run button does and resolves with its end result. A `busy` answer (the prompt after
   * the last typed command has not come back yet, as on a loaded machine) is retried when the next frame arrives;
   * any other error frame fails at once instead of leaving the test waiting for a result that will never come.
   */
  async runStep(
    locale: string,
    pageId: string,
    stepId: string,
  ): Promise<Extract<ServerMessage, {type: 'step'}>['result']> {
    for (;;) {
      const from = this.messages.length;
      this.send({type: 'run', locale, pageId, stepId});
      const end = () =>
        this.messages
          .slice(from)
          .find(
            (m) =>
              (m.type === 'step' && m.result.stepId === stepId && m.result.status !== 'running') || m.type === 'error',
          );
      await this.until(() => Boolean(end()), `step ${stepId} to end`);
      const m = end()!;
      if (m.type === 'step') return m.result;
      if (m.type !== 'error' || m.code !== 'busy') throw new Error(`run ${stepId}: ${JSON.stringify(m)}`);
      const [seen, seenOutput] = [this.messages.length, this.output.length];
      await this.until(() => this.messages.length > seen || this.output.length > seenOutput, 'the prompt');
    }
  }

  /** resolves once the shell reports a typed command as finished (its `command` message): the prompt is back */
  async commandFinished(startsWith: string): Promise<void> {
    await this.until(
      () => this.messages.some((m) => m.type === 'command' && m.command.startsWith(startsWith)),
      `the command "${startsWith}…" to finish`,
    );
  }

  async outputMatches(pattern: RegExp): Promise<void> {
    await this.until(() => pattern.test(this.output), `output matching ${pattern}`);
  }

  /**
   * Resolves when `ok()` holds, checked on every message, output chunk and close; fails at once if the socket
   * closes first. No deadline of its own: a loaded machine makes the test slower, never failed.
   */
  until(ok: () => boolean, what: string): Promise<void> {
    if (ok()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!ok() && !this.closed) return;
        this.waiters.delete(check);
        if (ok()) resolve();
        else
          reject(
            new Error(
              `the socket closed while waiting for ${what}; output so far:\n${this.output.slice(-2000)}\nmessages: ${JSON.stringify(this.messages)}`,
            ),
          );
      };
      this.waiters.add(check);
    });
  }

  close(): Promise<void> {
    this.closing = true;
    if (this.closed) return Promise.resolve();
    this.ws.close();
    return this.until(() => this.closed, 'close');
  }
}
