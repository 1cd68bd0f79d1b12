/** A minimal protocol client for benchmarks: the same WebSocket frames the page sends. */
import WebSocket from 'ws';
import {PROTOCOL_VERSION, serverMessage, type ClientMessage, type ServerMessage} from '../src/core/protocol/messages';

export class LabClient {
  private messageWaiters: Array<{match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void}> = [];
  onBinary: (chunk: Buffer) => void = () => {};

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        this.onBinary(data as Buffer);
        return;
      }
      const message = serverMessage.parse(JSON.parse(String(data)));
      this.messageWaiters = this.messageWaiters.filter((w) => {
        if (!w.match(message)) return true;
        w.resolve(message);
        return false;
      });
    });
  }

  static async connect(baseUrl: string, token: string): Promise<LabClient> {
    const url = baseUrl.replace(/^http/, 'ws').replace(/\/?$/, '/ws');
    const ws = new WebSocket(url, {headers: {Authorization: `Bearer ${token}`}, perMessageDeflate: false});
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new LabClient(ws);
  }

  send(message: ClientMessage): void {
    this.ws.send(JSON.stringify(message));
  }

  waitFor(match: (m: ServerMessage) => boolean, timeoutMs = 60_000): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a server message')), timeoutMs);
      this.messageWaiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  async attach(cols = 120, rows = 40): Promise<string> {
    const attached = this.waitFor((m) => m.type === 'attached');
    this.send({type: 'attach', protocol: PROTOCOL_VERSION, cols, rows});
    const m = await attached;
    if (m.type !== 'attached') throw new Error('unexpected');
    return m.sessionId;
  }

  /** type a command line and resolve when the shell reports it finished */
  async runCommand(command: string, timeoutMs = 120_000): Promise<number> {
    const done = this.waitFor((m) => m.type === 'command' && m.command.trim() === command.trim(), timeoutMs);
    this.send({type: 'input', data: command + '\r'});
    const m = await done;
    return m.type === 'command' ? m.exitCode : -1;
  }

  close(): void {
    this.ws.close();
  }
}
