/**
 * k3d's published ports (`-p 9080:80@loadbalancer`) made real: k3d has Docker publish the host port on the cluster's
 * load balancer, which forwards to that port on the nodes. Here the lab listens on 127.0.0.1:<host port> and hands each
 * HTTP request to the cluster as if it reached the node port: ServiceLB's LoadBalancer Service, its Pod, and for an
 * Istio ingress gateway the gateway's routes and the mesh (mesh/ingress.ts). So a learner's `curl localhost:9080`, in
 * the lab terminal or anywhere on the machine, reaches the sandbox as it would reach k3d. Like `--api-port`, a host
 * port that is taken (another lab, another learner of a workshop) is left alone rather than failing a step.
 * A workshop attendee's shell has a network namespace of its own: there each port listens on a unix socket that a
 * relay inside makes 127.0.0.1:<port> (`ListenAt` with `socketPath`), so every attendee has their own 9080.
 */
import {rmSync} from 'node:fs';
import {STATUS_CODES} from 'node:http';
import net, {type AddressInfo} from 'node:net';
import type {ClusterRecord} from '../cluster/cluster-record';
import {planIngress, readWorld} from '../mesh/index';
import type {ObjectStore} from '../api/index';
import {
  isNetworkError,
  podView,
  serveHttp1,
  type SandboxRuntime,
  type WireAnswer,
  type WireRequest,
} from '../runtime/index';

/** the largest request body accepted (curl -d of a page's step is tiny) */
const MAX_BODY = 1 << 20;

export interface PublishedPortsDeps {
  store: () => ObjectStore;
  /** the sandbox's pod runtime, whose network is the mesh's */
  runtime: () => SandboxRuntime | undefined;
  onProblem?: (message: string, detail: Record<string, unknown>) => void;
}

/** where the published ports listen: the host's TCP ports, or (another network namespace) unix sockets */
export type ListenAt = {host: string} | {socketPath(port: number): string; own(socketPath: string): void};

export class PublishedPorts {
  private servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();
  /** the mappings the last open could not publish: their host port was taken */
  taken: string[] = [];

  constructor(private readonly deps: PublishedPortsDeps) {}

  /** listen on every host port the cluster publishes on its load balancer; a taken port is skipped */
  async open(record: ClusterRecord, at: ListenAt = {host: '127.0.0.1'}): Promise<number[]> {
    await this.close();
    const opened: number[] = [];
    this.taken = [];
    for (const m of record.ports) {
      if (m.nodeFilter !== 'loadbalancer') continue;
      // HTTP/1.1 read and written by the sandbox itself (runtime/net/http1-wire.ts): Node's http server would add
      // `Connection: keep-alive` and `Keep-Alive: timeout=5`, which Envoy does not send
      const server = net.createServer((socket) => {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        serveHttp1(socket, (req) => this.handle(m.containerPort, req));
      });
      const socketPath = 'host' in at ? undefined : at.socketPath(m.hostPort);
      // a socket left by an earlier run of the lab would refuse the listen
      if (socketPath) rmSync(socketPath, {force: true});
      const ok = await new Promise<boolean>((resolve) => {
        server.once('error', () => resolve(false));
        if (socketPath) server.listen(socketPath, () => resolve(true));
        else if ('host' in at) server.listen(m.hostPort, at.host, () => resolve(true));
      });
      if (!ok) {
        this.taken.push(m.mapping);
        this.deps.onProblem?.(`host port ${m.hostPort} is taken: the sandbox does not publish ${m.mapping}`, {});
        continue;
      }
      this.servers.push(server);
      if (socketPath && !('host' in at)) at.own(socketPath);
      opened.push(socketPath ? m.hostPort : (server.address() as AddressInfo).port);
    }
    return opened;
  }

  async close(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    this.taken = [];
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
          }),
      ),
    );
  }

  private async handle(nodePort: number, req: WireRequest): Promise<WireAnswer | undefined> {
    try {
      const {method, target, headers, body} = req;
      if (body.length > MAX_BODY) return undefined;
      const plan = planIngress(readWorld(this.deps.store()), {nodePort, method, target, headers}, Math.random);
      const rt = this.deps.runtime();
      if (plan.kind === 'closed' || !rt) return undefined;
      // Envoy's HTTP/1 codec: no Connection header on a kept connection, `connection: close` when the client asked
      const closing = /(^|,)\s*close\s*(,|$)/i.test(headers.find(([k]) => k.toLowerCase() === 'connection')?.[1] ?? '');
      const connection: [string, string][] = closing ? [['connection', 'close']] : [];
      if (plan.kind === 'local-reply') {
        return {
          status: plan.status,
          statusText: STATUS_CODES[plan.status],
          headers: [
            ['date', new Date().toUTCString()],
            ['server', 'istio-envoy'],
            ['content-length', '0'],
            ...connection,
          ],
          body: '',
        };
      }
      const result = await rt.network.request({
        fromPod: podView(plan.gateway),
        method,
        url: plan.url,
        headers,
        body: body.length ? body : undefined,
        timeoutMs: 30_000,
      });
      if (isNetworkError(result)) return undefined;
      // a gateway (Envoy in router mode) names itself istio-envoy, where a sidecar says envoy
      const out = result.headers
        .filter(([k]) => !/^(transfer-encoding|connection|keep-alive)$/i.test(k))
        .map(([k, v]): [string, string] => (k.toLowerCase() === 'server' ? [k, 'istio-envoy'] : [k, v]));
      if (!out.some(([k]) => k.toLowerCase() === 'content-length'))
        out.push(['content-length', String(result.body.length)]);
      return {
        status: result.status,
        statusText: result.statusText || STATUS_CODES[result.status],
        headers: [...out, ...connection],
        body: result.body,
      };
    } catch (e) {
      this.deps.onProblem?.('a request on a published port failed', {
        error: e instanceof Error ? e.message : String(e),
      });
      return undefined;
    }
  }
}
