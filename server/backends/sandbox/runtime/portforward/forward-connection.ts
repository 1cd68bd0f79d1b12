import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {Duplex} from 'node:stream';
import {createSecureContext, TLSSocket} from 'node:tls';
import {listenerOn, serveFromPod, tlsFromPod} from '../net/pod-app';
import type {PodView} from '../pod-view';
import type {SandboxRuntime} from '../sandbox-runtime';

/** the kubelet's error when nothing listens on the port inside the pod (CRI streaming server wording) */
export function refusedMessage(pod: PodView, port: number): string {
  const ns = `/var/run/netns/cni-${pod.uid.slice(0, 8)}-${pod.uid.slice(9, 13)}-${pod.uid.slice(14, 18)}-${pod.uid.slice(19, 23)}-${pod.uid.slice(24)}`;
  return `error forwarding port ${port} to pod ${pod.uid.replace(/-/g, '')}, uid : failed to execute portforward in network namespace "${ns}": failed to connect to localhost:${port} inside namespace "${pod.uid.replace(/-/g, '')}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused IPv6 dial tcp6 [::1]:${port}: connect: connection refused `;
}

/**
 * The pod side of forwarded connections: an in-memory HTTP server per port-forward session that hands each
 * request to the pod's app (the same handlers the NetworkModel uses). Connections arrive as Duplex streams.
 */
export class PodHttpEndpoint {
  private readonly server: Server;
  private readonly conns = new Set<Duplex>();

  constructor(
    private readonly rt: SandboxRuntime,
    private readonly pod: PodView,
    private readonly port: number,
  ) {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 0;
  }

  listening(): boolean {
    return !!listenerOn(this.rt, this.pod, this.port);
  }

  /** serve one forwarded TCP connection (HTTP/1.1, keep-alive) */
  accept(conn: Duplex): void {
    const socket = conn as Duplex & {
      setTimeout?: unknown;
      setNoDelay?: unknown;
      setKeepAlive?: unknown;
      remoteAddress?: string;
      remotePort?: number;
    };
    // node's HTTP server expects a net.Socket; these are no-ops on an in-memory stream
    socket.setTimeout ??= () => socket;
    socket.setNoDelay ??= () => socket;
    socket.setKeepAlive ??= () => socket;
    socket.remoteAddress = '127.0.0.1';
    socket.remotePort = 40000 + Math.floor(Math.random() * 20000);
    this.conns.add(conn);
    conn.on('close', () => this.conns.delete(conn));
    const tls = tlsFromPod(this.rt, this.pod, this.port);
    if (!tls) {
      this.server.emit('connection', conn);
      return;
    }
    // one port, two protocols (argocd-server's cmux): a TLS ClientHello starts with a handshake record (0x16),
    // anything else goes to the plain HTTP server
    conn.once('data', (first: Buffer) => {
      conn.pause();
      conn.unshift(first);
      if (first[0] !== 0x16) {
        this.server.emit('connection', conn);
        conn.resume();
        return;
      }
      tls
        .then((cert) => {
          if (conn.destroyed) return;
          const secure = new TLSSocket(conn, {
            isServer: true,
            // throws on a Secret whose PEM is not a certificate and its key: the connection is dropped
            secureContext: createSecureContext({cert: cert.cert, key: cert.key}),
            // HTTP/1.1 only: h2 is for gRPC clients, which the sandbox does not serve
            ALPNProtocols: ['http/1.1'],
          });
          secure.on('error', () => conn.destroy());
          this.server.emit('connection', secure);
        })
        .catch(() => conn.destroy());
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers: [string, string][] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const r = await serveFromPod(this.rt, this.pod, this.port, {
      method: req.method ?? 'GET',
      target: req.url ?? '/',
      httpVersion: `HTTP/${req.httpVersion}`,
      headers,
      body: Buffer.concat(chunks),
      remoteAddr: `127.0.0.1:${(req.socket as {remotePort?: number}).remotePort ?? 40000}`,
      tls: req.socket instanceof TLSSocket,
      signal: abort.signal,
    });
    if (!r) {
      res.destroy();
      return;
    }
    res.sendDate = false;
    res.writeHead(r.status, r.statusText ?? '', r.headers.flat());
    res.end(req.method === 'HEAD' ? undefined : r.body);
  }

  dispose(): void {
    for (const c of this.conns) c.destroy();
    this.server.close();
  }
}
