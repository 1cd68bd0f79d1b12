import type {IncomingMessage, ServerResponse} from 'node:http';
import type {Duplex} from 'node:stream';
import {createServer, type Server} from 'node:https';
import {join} from 'node:path';
import type {AddressInfo} from 'node:net';
import {timingSafeEqual} from 'node:crypto';
import {versionInfo, K3S_VERSION} from '../versions';
import {
  type ServedTypes,
  aggregatedDiscovery,
  AGGREGATED_CONTENT_TYPE,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  wantsAggregated,
} from './discovery';
import {sendError, sendJson} from './http-io';
import {kubeconfigFor, writeKubeconfig, type KubeconfigInput} from './kubeconfig';
import {serveOpenApi} from './openapi';
import {RequestCounter, serveHealth, serveMetrics} from './raw-endpoints';
import {
  ADMIN_USER,
  check,
  requestUser,
  verbOfRequest,
  type Attributes,
  type ResourceAttributes,
  type UserInfo,
} from './rbac';
import {ClientCertificates} from './client-certs';
import {
  loadOrCreateClientCa,
  loadOrCreateServingCert,
  type ClientCertificate,
  type ServingCert,
} from './self-signed-cert';
import {parseTarget} from './request-info';
import {handleResource, type ResourceContext, type ResourceTarget, type SubresourceHandler} from './rest-handler';
import {SandboxRegistry, type Sandbox, type SandboxRegistryOptions} from './sandboxes';
import {ApiError, errors} from './status';
import type {ResourceType} from './types';
import type {ObjectStore} from './store';
import type {Clock} from '../kit/clock';
import type {Disposable} from '../kit/disposable';

/** What an upgrade handler (exec / attach / port-forward over WebSocket or SPDY) gets: the raw socket. */
export interface UpgradeContext {
  sandbox: Sandbox;
  store: ObjectStore;
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  target: ResourceTarget;
  type: ResourceType;
  query: URLSearchParams;
}

export type UpgradeHandler = (ctx: UpgradeContext) => void;

/**
 * An API group served by something else than the store, as kube-aggregator proxies an APIService to its backing
 * Service (metrics-server's `v1beta1.metrics.k8s.io`). Discovery lists its types only while `available` says the
 * backend answers (the APIService's Available condition); requests for them go to `handle`.
 */
export interface AggregatedApi {
  group: string;
  version: string;
  types: ResourceType[];
  available(store: ObjectStore): boolean;
  handle(ctx: ResourceContext): Promise<void> | void;
}

export interface SandboxApiOptions {
  host?: string;
  port?: number;
  /** sandboxes are saved under <stateDir>/sandboxes/<name>/ (state.json and its write-ahead log) */
  stateDir: string;
  clock?: Clock;
  /** the version /version reports; decides which kubectl the gcloud dispatcher runs */
  k3sVersion?: string;
  /** largest accepted request body; the apiserver's MaxRequestBodyBytes default, 3 MiB, unless given */
  maxBodyBytes?: number;
  /** a watch without timeoutSeconds ends after this long (the client re-watches) */
  maxWatchSeconds?: number;
  compactLogBytes?: SandboxRegistryOptions['compactLogBytes'];
  store?: SandboxRegistryOptions['store'];
  onProblem?: SandboxRegistryOptions['onProblem'];
  /** serving certificate; by default a self-signed one kept in <stateDir>/tls */
  tls?: ServingCert;
  /** called after every request (for a debug log or the benchmark); never throws into the server */
  onRequest?: (e: RequestLogEntry) => void;
}

export interface RequestLogEntry {
  method: string;
  /** path and query as received */
  url: string;
  status: number;
  ms: number;
  userAgent?: string;
}

export interface SandboxApi {
  /** base URL of the process, e.g. https://127.0.0.1:40123 */
  readonly url: string;
  readonly sandboxes: SandboxRegistry;
  /** PEM of the serving certificate, the kubeconfig's certificate-authority-data */
  readonly caCert: string;
  /** the URL a sandbox's kubeconfig uses as `server:` */
  serverUrl(name: string): string;
  kubeconfigFor(name: string): ReturnType<typeof kubeconfigFor>;
  /** write (merge) the sandbox's entries into a kubeconfig file */
  writeKubeconfig(name: string, path: string): void;
  /**
   * The sandbox's admin client certificate (CN=system:admin, O=system:masters, signed by the API's client CA), as
   * k3s puts in the kubeconfig k3d hands out; issued on first use and kept in <stateDir>/tls/clients/. The API
   * takes it instead of the bearer token (TLS client auth) for this sandbox only.
   */
  clientCertificate(name: string): Promise<ClientCertificate>;
  /** serve a subresource the generic store does not (e.g. "/pods/log", "apps/deployments/rollback") */
  registerSubresource(groupResourceSub: string, handler: SubresourceHandler): Disposable;
  /**
   * Serve one sandbox on its own port too, without the path prefix, as k3d's `--api-port` does; its kubeconfig
   * then points there (advertiseHost "0.0.0.0" reads like k3d's). Returns the URL.
   * With `path` it listens on that unix socket instead, for another network namespace where a relay makes it
   * <port> (a workshop attendee's shell): the returned URL is that namespace's, and `serverUrl` (the lab's own way
   * in) stays the shared port's.
   */
  exposeSandbox(
    name: string,
    opts: {port: number; host?: string; advertiseHost?: string; path?: string},
  ): Promise<string>;
  unexposeSandbox(name: string): Promise<void>;
  /** take over connection upgrades (WebSocket/SPDY) to a subresource, e.g. "/pods/exec", "/pods/portforward" */
  registerUpgrade(groupResourceSub: string, handler: UpgradeHandler): Disposable;
  /** serve an aggregated API group (metrics.k8s.io) for every sandbox where it is available */
  registerAggregatedApi(api: AggregatedApi): Disposable;
  close(): Promise<void>;
}

const PREFIX = '/sandboxes/';
const OPEN_PATHS = new Set(['version', 'health']);

/** keys are "<group>/<resource>/<sub>", the core group empty: "/pods/log"; "pods/log" means the same */
function normalizeKey(key: string): string {
  const k = key.startsWith('/') ? key.slice(1) : key;
  return k.split('/').length === 2 ? `/${k}` : key;
}

/** what RBAC is asked about a resource request; a namespace's own namespace is itself (RequestInfoFactory) */
function resourceAttributes(method: string, t: ResourceTarget, url: URL): ResourceAttributes {
  const watch = ['true', '1'].includes(url.searchParams.get('watch') ?? '');
  return {
    verb: verbOfRequest(method, t.name !== undefined, watch),
    group: t.group,
    resource: t.resource,
    subresource: t.subresource,
    namespace: t.resource === 'namespaces' && !t.group ? t.name : t.namespace,
    name: t.name,
  };
}

function attributesOfRequest(method: string, t: ReturnType<typeof parseTarget>, url: URL): Attributes {
  if (t.kind === 'resource') return {resource: resourceAttributes(method, t, url)};
  return {
    nonResource: {
      verb: method === 'GET' || method === 'HEAD' ? 'get' : method.toLowerCase(),
      path: url.pathname.replace(/^\/sandboxes\/[^/]+/, '') || '/',
    },
  };
}

/** the verb apiserver metrics name a request by (endpoints/metrics CleanVerb) */
function verbOf(method: string, t: ResourceTarget, q: URLSearchParams): string {
  if (method === 'GET') return ['true', '1'].includes(q.get('watch') ?? '') ? 'WATCH' : t.name ? 'GET' : 'LIST';
  return method;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!.trim());
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * One HTTPS server for every sandbox: `/sandboxes/<name>/...` is that sandbox's Kubernetes API, authenticated by
 * its own bearer token or its own client certificate (`client-certs.ts`). /version is open, as on a real cluster, because the kubectl dispatcher asks it first.
 */
export async function startSandboxApi(opts: SandboxApiOptions): Promise<SandboxApi> {
  const sandboxes = new SandboxRegistry({
    stateDir: opts.stateDir,
    clock: opts.clock,
    compactLogBytes: opts.compactLogBytes,
    store: opts.store,
    onProblem: opts.onProblem,
  });
  sandboxes.restoreAll();
  const version = versionInfo(opts.k3sVersion ?? K3S_VERSION);
  const subresources = new Map<string, SubresourceHandler>();
  const upgrades = new Map<string, UpgradeHandler>();
  const aggregated = new Set<AggregatedApi>();
  const open = new Set<Disposable>();
  const maxBodyBytes = opts.maxBodyBytes ?? 3 * 1024 * 1024;
  const maxWatchSeconds = opts.maxWatchSeconds ?? 1800;
  let baseUrl = '';
  const startedAt = Date.now();
  const counters = new Map<string, RequestCounter>();
  const counterOf = (name: string) => {
    let c = counters.get(name);
    if (!c) counters.set(name, (c = new RequestCounter()));
    return c;
  };

  /**
   * Which sandbox and what in it a request addresses, after checking its bearer token. On the shared port the
   * sandbox is the first path segment; on a sandbox's own port (`exposeSandbox`) it is fixed.
   */
  function resolve(
    req: IncomingMessage,
    fixed?: string,
  ): {sandbox: Sandbox; target: ReturnType<typeof parseTarget>; url: URL} {
    const url = new URL(req.url ?? '/', 'https://sandbox');
    let name: string;
    let path: string;
    if (fixed) {
      name = fixed;
      path = url.pathname;
    } else if (!url.pathname.startsWith(PREFIX)) {
      // `kubectl get --raw /healthz` drops the kubeconfig server's path: the bearer token says which sandbox
      const target = parseTarget(url.pathname);
      const byToken = sandboxes.list().find((s) => authenticated(req, s));
      const sandbox = byToken ?? (OPEN_PATHS.has(target.kind) ? sandboxes.list()[0] : undefined);
      if (!sandbox) throw OPEN_PATHS.has(target.kind) ? errors.pathNotFound() : errors.unauthorized();
      return {sandbox, target, url};
    } else {
      const rest = url.pathname.slice(PREFIX.length);
      const slash = rest.indexOf('/');
      name = slash < 0 ? rest : rest.slice(0, slash);
      path = slash < 0 ? '' : rest.slice(slash);
    }
    const sandbox = sandboxes.get(name);
    if (!sandbox) throw errors.pathNotFound();
    const target = parseTarget(path);
    if (!OPEN_PATHS.has(target.kind) && !authenticated(req, sandbox)) throw errors.unauthorized();
    return {sandbox, target, url};
  }

  async function handle(req: IncomingMessage, res: ServerResponse, fixed?: string): Promise<void> {
    const {sandbox, target, url} = resolve(req, fixed);
    if (target.kind === 'resource')
      res.on('finish', () =>
        counterOf(sandbox.name).count(
          verbOf(req.method ?? 'GET', target, url.searchParams),
          target.group,
          target.version,
          target.resource,
          target.name ? 'resource' : target.namespace ? 'namespace' : 'cluster',
          res.statusCode,
        ),
      );
    const user = requestUser(req);
    if (user !== ADMIN_USER) check(sandbox.store, user, attributesOfRequest(req.method ?? 'GET', target, url));
    try {
      await route(sandbox, target, req, res, url, user);
    } catch (e) {
      // a write that failed half-way may have changed objects: its error, like a success, waits for the disk
      if (req.method !== 'GET') await sandboxes.committed(sandbox.name).catch(() => {});
      throw e;
    }
  }

  function upgradeKey(t: ResourceTarget): string {
    return `${t.group}/${t.resource}/${t.subresource ?? ''}`;
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, fixed?: string): void {
    try {
      const {sandbox, target, url} = resolve(req, fixed);
      if (target.kind !== 'resource' || !target.subresource)
        throw errors.badRequest('only subresources such as pods/exec can be upgraded');
      const user = requestUser(req);
      // exec/attach/port-forward over WebSocket are authorized as "create" (AuthorizePodWebsocketUpgradeCreatePermission)
      if (user !== ADMIN_USER)
        check(sandbox.store, user, {resource: {...resourceAttributes('POST', target, url), verb: 'create'}});
      const type = sandbox.store.types.lookup(target.group, target.version, target.resource);
      const handler = type && upgrades.get(upgradeKey(target));
      if (!type || !handler) throw errors.pathNotFound();
      handler({sandbox, store: sandbox.store, req, socket, head, target, type, query: url.searchParams});
    } catch (e) {
      // a plain HTTP answer on the raw socket: kubectl then reports the Status (or falls back to SPDY)
      const status = (e instanceof ApiError ? e : errors.internal(String(e))).toStatus();
      const body = JSON.stringify(status);
      socket.end(
        `HTTP/1.1 ${status.code} ${status.reason ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
  }

  async function route(
    sandbox: Sandbox,
    target: ReturnType<typeof parseTarget>,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    user: UserInfo,
  ): Promise<void> {
    const store = sandbox.store;
    const served = [...aggregated].filter((a) => a.available(store));
    const types: ServedTypes = served.length
      ? {
          all: () => [...store.types.all(), ...served.flatMap((a) => a.types)],
          groups: () => [...store.types.groups(), ...served.map((a) => ({name: a.group, versions: [a.version]}))],
        }
      : store.types;
    const accept = req.headers.accept;
    switch (target.kind) {
      case 'version':
        return sendJson(res, 200, version);
      case 'health':
        return serveHealth(target.endpoint, target.check, url.searchParams, res);
      case 'metrics':
        return serveMetrics(sandbox.store, counterOf(sandbox.name), startedAt, res);
      case 'openapi':
        return serveOpenApi(target.path, req, res, store.types.all());
      case 'api':
        if (wantsAggregated(accept))
          return sendJson(res, 200, aggregatedDiscovery(types, true), AGGREGATED_CONTENT_TYPE);
        return sendJson(res, 200, apiVersions(new URL(baseUrl).host));
      case 'apis':
        if (wantsAggregated(accept))
          return sendJson(res, 200, aggregatedDiscovery(types, false), AGGREGATED_CONTENT_TYPE);
        return sendJson(res, 200, apiGroupList(types));
      case 'group': {
        const g = apiGroup(types, target.group);
        if (!g) throw errors.pathNotFound();
        return sendJson(res, 200, g);
      }
      case 'resourceList': {
        const l = apiResourceList(types, target.group, target.version);
        if (!l) throw errors.pathNotFound();
        return sendJson(res, 200, l);
      }
      case 'resource': {
        const agg = served.find((a) => a.group === target.group && a.version === target.version);
        const type = agg
          ? agg.types.find((t) => t.resource === target.resource)
          : store.types.lookup(target.group, target.version, target.resource);
        if (!type) throw errors.pathNotFound();
        if (!type.namespaced && target.namespace) throw errors.pathNotFound();
        const ctx: ResourceContext = {
          store: sandbox.store,
          req,
          res,
          target,
          type,
          query: url.searchParams,
          maxBodyBytes,
          maxWatchSeconds,
          committed: () => sandboxes.committed(sandbox.name),
          track: (d) => {
            open.add(d);
            res.on('close', () => open.delete(d));
          },
          user,
        };
        if (agg) {
          const watching = ['true', '1'].includes(url.searchParams.get('watch') ?? '');
          const verb = req.method !== 'GET' ? 'create' : watching ? 'watch' : target.name ? 'get' : 'list';
          if (target.subresource || !type.verbs.includes(verb))
            throw errors.methodNotAllowed(req.method ?? 'GET', type.kind);
          return agg.handle(ctx);
        }
        return handleResource(ctx, subresources);
      }
    }
  }

  const tls = opts.tls ?? (await loadOrCreateServingCert(join(opts.stateDir, 'tls')));
  const clientCerts = new ClientCertificates(
    join(opts.stateDir, 'tls', 'clients'),
    await loadOrCreateClientCa(join(opts.stateDir, 'tls')),
  );
  const clientCa = clientCerts.ca;
  async function clientCertificate(name: string): Promise<ClientCertificate> {
    const s = sandboxes.get(name);
    if (!s) throw new Error(`sandbox "${name}" not found`);
    return clientCerts.certificateFor(s);
  }

  /** the sandbox's bearer token, or the client certificate issued to it (verified by the TLS handshake) */
  function authenticated(req: IncomingMessage, s: Sandbox): boolean {
    return tokenMatches(req.headers.authorization, s.token) || clientCerts.presentedBy(req, s);
  }

  /** an HTTPS listener serving every sandbox (fixed undefined) or only one, without the path prefix */
  async function listen(
    host: string,
    port: number,
    fixed?: string,
    socketPath?: string,
  ): Promise<{server: Server; url: string}> {
    // client certificates are asked for, never required: kubectl with a bearer token sends none
    const server = createServer(
      {cert: tls.cert, key: tls.key, ca: clientCa.cert, requestCert: true, rejectUnauthorized: false},
      (req, res) => {
        if (opts.onRequest) {
          const start = performance.now();
          res.on('finish', () => {
            try {
              opts.onRequest!({
                method: req.method ?? '',
                url: req.url ?? '',
                status: res.statusCode,
                ms: performance.now() - start,
                userAgent: req.headers['user-agent'],
              });
            } catch {
              // a logger's failure is not the request's
            }
          });
        }
        handle(req, res, fixed).catch((e) => sendError(res, e));
      },
    );
    server.on('upgrade', (req, socket, head) => handleUpgrade(req, socket, head, fixed));
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      if (socketPath) server.listen(socketPath, () => resolve());
      else server.listen(port, host, () => resolve());
    });
    if (socketPath) return {server, url: `https://${host}:${port}`};
    const addr = server.address() as AddressInfo;
    const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return {server, url: `https://${h}:${addr.port}`};
  }

  async function shut(server: Server): Promise<void> {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  const main = await listen(opts.host ?? '127.0.0.1', opts.port ?? 0);
  const server = main.server;
  baseUrl = main.url;
  const exposed = new Map<string, {server: Server; url: string; elsewhere?: boolean}>();
  async function unexpose(name: string): Promise<void> {
    const e = exposed.get(name);
    if (!e) return;
    exposed.delete(name);
    await shut(e.server);
  }

  const serverUrl = (name: string) => {
    const e = exposed.get(name);
    return e && !e.elsewhere ? e.url : `${baseUrl}${PREFIX}${name}`;
  };
  const input = (name: string): KubeconfigInput => {
    const s = sandboxes.get(name);
    if (!s) throw new Error(`sandbox "${name}" not found`);
    return {name, server: serverUrl(name), token: s.token, caCert: tls.cert};
  };

  return {
    url: baseUrl,
    sandboxes,
    caCert: tls.cert,
    serverUrl,
    kubeconfigFor: (name) => kubeconfigFor(input(name)),
    writeKubeconfig: (name, path) => writeKubeconfig(path, input(name)),
    clientCertificate,
    registerSubresource(key, handler) {
      const k = normalizeKey(key);
      subresources.set(k, handler);
      return {dispose: () => subresources.delete(k)};
    },
    registerAggregatedApi(a) {
      aggregated.add(a);
      return {dispose: () => aggregated.delete(a)};
    },
    registerUpgrade(key, handler) {
      const k = normalizeKey(key);
      upgrades.set(k, handler);
      return {dispose: () => upgrades.delete(k)};
    },
    async exposeSandbox(name, o) {
      if (!sandboxes.get(name)) throw new Error(`sandbox "${name}" not found`);
      await unexpose(name);
      const l = await listen(o.host ?? '127.0.0.1', o.port, name, o.path);
      const port = new URL(l.url).port;
      const url = o.advertiseHost ? `https://${o.advertiseHost}:${port}` : l.url;
      exposed.set(name, {server: l.server, url, elsewhere: Boolean(o.path)});
      return url;
    },
    unexposeSandbox: unexpose,
    async close() {
      for (const d of [...open]) d.dispose();
      // no request may change a sandbox once its log is closing
      await Promise.all([shut(server), ...[...exposed.values()].map((e) => shut(e.server))]);
      exposed.clear();
      await sandboxes.close();
    },
  };
}
