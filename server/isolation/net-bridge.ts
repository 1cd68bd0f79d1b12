/**
 * The lab's side of an attendee's private network: a folder of unix sockets `tcp-<port>.sock`, bound read-only into
 * the attendee's sandbox, where net-relay.mjs turns each one back into 127.0.0.1:<port> inside the namespace.
 *
 * Two kinds of sockets live there: forwarders to the lab's shared loopback services the shell must reach at their
 * usual ports (the sandbox API's shared port, the command server, the offline mirror), made here; and the attendee's
 * own listeners (their cluster's published ports and `--api-port`), which the sandbox backend listens on directly
 * via `socketPath`. Nothing else of the host's loopback has a socket, so nothing else is reachable from inside.
 *
 * The folder is root's (0755, the attendee cannot add sockets); each socket is the attendee's uid's (0600), so only
 * the relay in that attendee's namespace can connect.
 */
import {chmodSync, chownSync, existsSync, mkdirSync, rmSync} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

/** the relay script run inside the sandbox (bound read-only there) */
export const NET_RELAY = fileURLToPath(new URL('./net-relay.mjs', import.meta.url));

/** the longest unix socket path Linux accepts (sun_path is 108 bytes with its NUL) */
const MAX_SOCKET_PATH = 107;

export interface NetBridgeOptions {
  dir: string;
  uid: number;
  gid: number;
}

export class NetBridge {
  private readonly forwarders = new Map<number, net.Server>();

  constructor(private readonly opts: NetBridgeOptions) {
    // the parent keeps other uids out of every attendee's folder; the folder itself is traversable for its relay
    mkdirSync(path.dirname(opts.dir), {recursive: true, mode: 0o700});
    mkdirSync(opts.dir, {recursive: true, mode: 0o755});
    chownSync(opts.dir, 0, 0);
    chmodSync(opts.dir, 0o755);
    const longest = this.socketPath(65535);
    if (Buffer.byteLength(longest) > MAX_SOCKET_PATH)
      throw new Error(`the network bridge folder's path is too long for unix sockets: ${longest}`);
  }

  get dir(): string {
    return this.opts.dir;
  }

  /** where a listener for <port> in the attendee's namespace goes */
  socketPath(port: number): string {
    return path.join(this.opts.dir, `tcp-${port}.sock`);
  }

  /** a listener's socket, once listening: the attendee's uid may connect, nobody else but root */
  own(socketPath: string): void {
    chownSync(socketPath, this.opts.uid, this.opts.gid);
    chmodSync(socketPath, 0o600);
  }

  /** `server.listen` on the socket of <port>, replacing a stale one left by an earlier run, then `own` it */
  async listen(server: net.Server, port: number): Promise<string> {
    const at = this.socketPath(port);
    rmSync(at, {force: true});
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(at, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.own(at);
    return at;
  }

  /** forward <port> in the namespace to the host's 127.0.0.1:<port> (the lab's shared services); idempotent */
  async forward(ports: number[]): Promise<void> {
    for (const port of ports) {
      if (this.forwarders.has(port) && existsSync(this.socketPath(port))) continue;
      await this.closeForwarder(port);
      const server = net.createServer((inside) => {
        const host = net.connect({host: '127.0.0.1', port});
        const drop = () => {
          inside.destroy();
          host.destroy();
        };
        inside.on('error', drop);
        host.on('error', drop);
        inside.pipe(host);
        host.pipe(inside);
      });
      this.forwarders.set(port, server);
      await this.listen(server, port);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.forwarders.keys()].map((p) => this.closeForwarder(p)));
  }

  private async closeForwarder(port: number): Promise<void> {
    const server = this.forwarders.get(port);
    if (!server) return;
    this.forwarders.delete(port);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
