import type {Duplex} from 'node:stream';
import {createSecureContext, TLSSocket} from 'node:tls';
import {serveHttp1, type WireRequest} from '../net/http1-wire';
import {listenerOn, serveFromPod, tlsFromPod, wireServerOn} from '../net/pod-app';
import type {PodView} from '../pod-view';
import type {SandboxRuntime} from '../sandbox-runtime';

/** the kubelet's error when nothing listens on the port inside the pod (CRI streaming server wording) */
export function refusedMessage(pod: PodView, port: number): string {
  const ns = `/var/run/netns/cni-${pod.uid.slice(0, 8)}-${pod.uid.slice(9, 13)}-${pod.uid.slice(14, 18)}-${pod.uid.slice(19, 23)}-${pod.uid.slice(24)}`;
  return `error forwarding port ${port} to pod ${pod.uid.replace(/-/g, '')}, uid : failed to execute portforward in network namespace "${ns}": failed to connect to localhost:${port} inside namespace "${pod.uid.replace(/-/g, '')}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused IPv6 dial tcp6 [::1]:${port}: connect: connection refused `;
}

/**
 * The pod side of forwarded connections: each request read off a connection (`net/http1-wire.ts`, Node's llhttp) goes to the pod's
 * app (the same handlers the NetworkModel uses), and its answer goes back byte for byte as the app's server writes
 * it (no Node http server in between: it would add `Connection: keep-alive`). Connections arrive as Duplex streams.
 */
export class PodHttpEndpoint {
  private readonly conns = new Set<Duplex>();

  constructor(
    private readonly rt: SandboxRuntime,
    private readonly pod: PodView,
    private readonly port: number,
  ) {}

  listening(): boolean {
    return !!listenerOn(this.rt, this.pod, this.port);
  }

  /** serve one forwarded TCP connection (HTTP/1.1, keep-alive) */
  accept(conn: Duplex): void {
    // the peer the app sees: kubelet's port-forward dials the pod's localhost
    const remoteAddr = `127.0.0.1:${40000 + Math.floor(Math.random() * 20000)}`;
    this.conns.add(conn);
    conn.on('close', () => this.conns.delete(conn));
    const tls = tlsFromPod(this.rt, this.pod, this.port);
    // how the app's server refuses a request it cannot parse (Go's net/http, nginx, gunicorn)
    const server = wireServerOn(this.rt, this.pod, this.port);
    if (!tls) {
      serveHttp1(conn, (req) => this.handle(req, remoteAddr, false), server);
      return;
    }
    // one port, two protocols (argocd-server's cmux): a TLS ClientHello starts with a handshake record (0x16),
    // anything else goes to the plain HTTP server
    conn.once('data', (first: Buffer) => {
      conn.pause();
      conn.unshift(first);
      if (first[0] !== 0x16) {
        serveHttp1(conn, (req) => this.handle(req, remoteAddr, false), server);
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
          // the forwarded stream ends with the TLS connection (kubectl then closes its local socket)
          secure.on('close', () => conn.destroy());
          serveHttp1(secure, (req) => this.handle(req, remoteAddr, true), server);
        })
        .catch(() => conn.destroy());
    });
  }

  private handle(req: WireRequest, remoteAddr: string, tls: boolean) {
    return serveFromPod(this.rt, this.pod, this.port, {...req, remoteAddr, tls});
  }

  dispose(): void {
    for (const c of this.conns) c.destroy();
  }
}
