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
import http, {type IncomingMessage, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import type {ClusterRecord} from '../cluster/cluster-record';
import {planIngress, readWorld} from '../mesh/index';
import type {ObjectStore} from '../api/index';
import {isNetworkError, podView, type SandboxRuntime} from '../runtime/index';

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
  private servers: http.Server[] = [];
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
      const server = http.createServer((req, res) => void this.handle(m.containerPort, req, res));
      // a client that vanishes mid-request must not become an unhandled error
      server.on('clientError', (_e, socket) => socket.destroy());
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
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.closeAllConnections();
            s.close(() => resolve());
          }),
      ),
    );
  }

  private async handle(nodePort: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await readBody(req);
      if (!body) return void req.socket.destroy();
      const headers: [string, string][] = [];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      const method = req.method ?? 'GET';
      const target = req.url ?? '/';
      const plan = planIngress(readWorld(this.deps.store()), {nodePort, method, target, headers}, Math.random);
      const rt = this.deps.runtime();
      if (plan.kind === 'closed' || !rt) return void req.socket.destroy();
      res.sendDate = false;
      if (plan.kind === 'local-reply') {
        res.writeHead(plan.status, ['date', new Date().toUTCString(), 'server', 'istio-envoy', 'content-length', '0']);
        return void res.end();
      }
      const result = await rt.network.request({
        fromPod: podView(plan.gateway),
        method,
        url: plan.url,
        headers,
        body: body.length ? body : undefined,
        timeoutMs: 30_000,
      });
      if (isNetworkError(result)) return void req.socket.destroy();
      // a gateway (Envoy in router mode) names itself istio-envoy, where a sidecar says envoy
      const out = result.headers
        .filter(([k]) => !/^(transfer-encoding|connection)$/i.test(k))
        .map(([k, v]): [string, string] => (k.toLowerCase() === 'server' ? [k, 'istio-envoy'] : [k, v]));
      if (!out.some(([k]) => k.toLowerCase() === 'content-length'))
        out.push(['content-length', String(result.body.length)]);
      res.writeHead(result.status, result.statusText || undefined, out.flat());
      res.end(method === 'HEAD' ? undefined : result.body);
    } catch (e) {
      this.deps.onProblem?.('a request on a published port failed', {
        error: e instanceof Error ? e.message : String(e),
      });
      req.socket.destroy();
    }
  }
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) resolve(undefined);
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve(undefined));
  });
}
