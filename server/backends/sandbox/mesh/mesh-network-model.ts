import {createHash, randomUUID} from 'node:crypto';
import {STATUS_CODES} from 'node:http';
import type {KubeObject, ObjectStore} from '../api';
import type {NetworkModel, NetworkRequest, NetworkResult} from '../runtime/net/network-model';
import {envoyAccessLine, ztunnelAccessLine, type EnvoyAccess, type ZtunnelAccess} from './access-log';
import {denialText} from './authorization';
import {addedRequestHeaders, clientVisibleResponseHeaders, envoyLocalReply, type PathShape} from './path-headers';
import {planRequest, type Hop, type PlannedRequest} from './request-path';
import type {AppResponse} from '../runtime/net/apps/app';
import type {ServeRequest} from '../runtime/net/pod-app';
import {applyHeaderModifiers, type HeaderList, type Rng} from './routing';
import type {MeshTrafficRecorder, RecordedPath} from './traffic-record';
import {UpstreamPool} from './upstream-pool';
import {peerMetadataOf} from './peer-metadata';
import type {ConfigMap} from 'kubernetes-types/core/v1';
import type {Typed} from '../api';
import type {Telemetry} from './istio-api';
import {annotationsOf, clusterIPOf, nameOf, nodeOf, nsOf, podIP, readWorld, spiffeOf, type MeshWorld} from './world';
import type {Clock} from '../kit/clock';
import {envoyRequestLabels, HELP, peerOf, serviceRef, ztunnelLabels, type Labels} from './metrics';
import {getOf} from '../api/kinds';

/** one request as the destination app receives it */
export type AppServeRequest = ServeRequest;

/** the app's answer */
export type AppAnswer = Pick<AppResponse, 'status' | 'statusText' | 'headers' | 'body' | 'keepAliveIdleMs'>;

export interface MeshNetworkDeps {
  store: ObjectStore;
  clock: Clock;
  /** hand the request to the app listening on `port` in `pod` (the runtime's serveFromPod; it writes the app's log) */
  serveApp(pod: KubeObject, port: number, req: AppServeRequest): Promise<AppAnswer | undefined>;
  /** write one line to a container's log (ztunnel, waypoint and sidecar access lines) */
  appendLog(namespace: string, pod: string, container: string, line: string, time?: Date): void;
  /** endpoint choice and traffic splits; seed it in tests */
  rng?: Rng;
  newRequestId?: () => string;
  /**
   * Envoy access logs (sidecars, waypoints) are off in Istio unless meshConfig.accessLogFile is set or a Telemetry
   * resource asks for them; 'mesh-config' reads both, 'on'/'off' force it. ztunnel always logs connections.
   */
  envoyAccessLog?: 'mesh-config' | 'on' | 'off';
  /** the sandbox's traffic record: the last path, redirect counts for the node views */
  recorder: MeshTrafficRecorder;
  /** add to a proxy pod's Prometheus counter (the runtime's PodMetrics); metrics are always on, unlike Envoy's log */
  addMetric?(namespace: string, pod: string, name: string, help: string, labels: Labels, value?: number): void;
  /** what the mesh does not model: localhost and TLS requests go here (the runtime's default model) */
  passthrough?: NetworkModel;
}

const fqdn = (svc: KubeObject | undefined) => (svc ? `${nameOf(svc)}.${nsOf(svc)}.svc.cluster.local` : undefined);

/** istio-system/istio `mesh` has accessLogFile, or a Telemetry asks for access logging (root or the pod's namespace) */
export function envoyAccessLogEnabled(
  world: Pick<MeshWorld, 'configMaps' | 'telemetries' | 'istio'>,
  namespace: string,
): boolean {
  const mesh = String(
    (
      world.configMaps.find((c) => nameOf(c) === 'istio' && nsOf(c) === world.istio.rootNamespace) as
        Typed<ConfigMap> | undefined
    )?.data?.mesh ?? '',
  );
  if (/^\s*accessLogFile:\s*["']?\/[^\s"']+/m.test(mesh)) return true;
  return world.telemetries.some(
    (t) =>
      (nsOf(t) === world.istio.rootNamespace || nsOf(t) === namespace) &&
      ((t as Telemetry).spec?.accessLogging ?? []).length > 0,
  );
}

function requestBytes(method: string, target: string, headers: HeaderList, body: Buffer): number {
  return (
    Buffer.byteLength(`${method} ${target} HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`) +
    body.length
  );
}

function responseBytes(status: number, text: string, headers: HeaderList, body: Buffer): number {
  return (
    Buffer.byteLength(`HTTP/1.1 ${status} ${text}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`) +
    body.length
  );
}

/**
 * The mesh as the runtime's NetworkModel: plan the path (request-path.ts), enforce what it decided, call the
 * destination app, add the headers of each hop, write every hop's access log, count redirects for the node views,
 * and remember the path.
 */
export function createMeshNetworkModel(deps: MeshNetworkDeps): NetworkModel {
  const rng = deps.rng ?? Math.random;
  const recorder = deps.recorder;
  const newId = deps.newRequestId ?? randomUUID;
  const pool = new UpstreamPool(deps.clock);
  let seq = 0;
  const ephemeral = () => 32768 + ((++seq * 7919) % 28000);

  return {
    async request(req: NetworkRequest): Promise<NetworkResult> {
      const url = new URL(req.url);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      const fromPod = getOf(deps.store, 'pods', req.fromPod.namespace, req.fromPod.name);
      if (!fromPod || host === 'localhost' || host === '127.0.0.1' || url.protocol !== 'http:') {
        return deps.passthrough ? deps.passthrough.request(req) : {error: 'reset', host, port};
      }
      const world = readWorld(deps.store);
      // without Istio nothing intercepts: the runtime's plain Kubernetes networking answers exactly as before
      if (!world.istio.installed && deps.passthrough) return deps.passthrough.request(req);
      const plan = planRequest(world, {fromPod, method: req.method, url: req.url, headers: req.headers}, rng);
      // names the mesh does not resolve itself (headless Services, pod DNS names) go to the runtime's resolver
      if (plan.outcome.kind === 'dns' && deps.passthrough) return deps.passthrough.request(req);
      const t0 = deps.clock.now();
      const ip = plan.destination?.ip;
      const body = req.body ?? Buffer.alloc(0);
      const target = url.pathname + url.search;
      const envoyLogs =
        deps.envoyAccessLog === 'on' || (deps.envoyAccessLog !== 'off' && envoyAccessLogEnabled(world, nsOf(fromPod)));
      const srcIp = podIP(fromPod) ?? '10.42.0.1';
      const ports = {client: ephemeral(), waypoint: ephemeral(), sidecar: ephemeral()};
      const requestId = newId();
      const ua = req.headers.find(([k]) => k.toLowerCase() === 'user-agent')?.[1];
      const authority = req.headers.find(([k]) => k.toLowerCase() === 'host')?.[1] ?? url.host;
      const record = (result: RecordedPath['result']) =>
        recorder.record({
          at: t0.toISOString(),
          from: {namespace: nsOf(fromPod), pod: nameOf(fromPod), node: nodeOf(fromPod)},
          method: req.method,
          url: req.url,
          result,
          hops: plan.hops.map((h) => ({kind: h.kind, namespace: nsOf(h.pod), pod: nameOf(h.pod), node: h.node})),
        });
      countRedirects(recorder, plan, /^\d+\.\d+\.\d+\.\d+$/.test(host));

      const o = plan.outcome;
      if (o.kind === 'dns') return (record('dns'), {error: 'dns', host, port});
      if (o.kind === 'refused') return (record('refused'), {error: 'connect-refused', host, port, ip});
      if (o.kind === 'timeout') {
        record('timeout');
        return new Promise((resolve) =>
          deps.clock.setTimeout(() => resolve({error: 'timeout', host, port, ip}), Math.min(req.timeoutMs, 300_000)),
        );
      }

      const shape: PathShape = {
        clientSidecar: plan.sourceMode === 'sidecar',
        waypoint: !!plan.waypoint,
        serverSidecar: plan.destinationMode === 'sidecar',
        destinationInMesh: plan.destinationMode === 'sidecar' || plan.destinationMode === 'ambient',
        waypointXfcc: annotationsOf(plan.waypoint?.gateway)['ambient.istio.io/xfcc-include-client-identity'] === 'true',
      };
      const clientEnvoy = shape.clientSidecar || shape.waypoint;
      const reqBytes = requestBytes(req.method, target, req.headers, body);
      const log = (h: Hop, line: string, at: Date) => deps.appendLog(nsOf(h.pod), nameOf(h.pod), h.container, line, at);
      const micros = () => (seq * 137) % 1000;

      /** the ztunnel lines of the path, up to the one that failed (if any); the client's outbound line carries the failure too */
      const ztunnelLines = (status: {
        respBytes: number;
        ms: number;
        failedAt?: Hop;
        error?: string;
        /** only these hops (a pooled connection's hops are logged when it closes) */
        only?: (h: Hop) => boolean;
        reqBytes?: number;
      }) => {
        const at = deps.clock.now();
        for (const h of plan.hops) {
          if (h.kind !== 'ztunnel-outbound' && h.kind !== 'ztunnel-inbound') continue;
          if (status.only && !status.only(h)) continue;
          const f = ztunnelFields(plan, h, {
            srcIp,
            ports,
            reqBytes: status.reqBytes ?? reqBytes,
            respBytes: status.respBytes,
            ms: status.ms,
          });
          countZtunnel(h, f.bytesSent, f.bytesRecv);
          if (status.failedAt === h) f.error = status.error;
          else if (status.failedAt && h.kind === 'ztunnel-outbound') f.error = 'http status: 401 Unauthorized';
          log(h, ztunnelAccessLine(at, f, micros()), at);
          if (status.failedAt === h) break;
        }
      };

      const deliveredTo = o.kind === 'deliver' || o.kind === 'reset' ? o.pod : undefined;
      const svcRef = serviceRef(o.kind === 'deliver' ? o.service : plan.destination?.service);
      const inMesh = plan.sourceMode !== 'none';
      /** a ztunnel's four TCP counters for one connection, with the peers it saw */
      const countZtunnel = (h: Hop, sent: number, received: number) => {
        if (!deps.addMetric) return;
        const wp = plan.waypoint?.pod;
        const labels =
          h.kind === 'ztunnel-outbound'
            ? ztunnelLabels(
                'source',
                peerOf(plan.source),
                peerOf(wp ?? deliveredTo),
                svcRef,
                !!wp || plan.destinationMode === 'ambient' || plan.destinationMode === 'sidecar',
              )
            : ztunnelLabels(
                'destination',
                peerOf(wp ?? plan.source, !!wp || inMesh),
                peerOf(deliveredTo),
                svcRef,
                !!wp || inMesh,
              );
        const add = (name: string, help: string, v: number) =>
          deps.addMetric!(nsOf(h.pod), nameOf(h.pod), name, help, labels, v);
        add('istio_tcp_connections_opened', HELP.tcpOpened, 1);
        add('istio_tcp_connections_closed', HELP.tcpClosed, 1);
        add('istio_tcp_sent_bytes', HELP.tcpSent, sent);
        add('istio_tcp_received_bytes', HELP.tcpReceived, received);
      };
      /** an Envoy's istio_requests_total for one request */
      const countRequest = (h: Hop, status: number, flags: string) => {
        if (!deps.addMetric) return;
        const wp = plan.waypoint?.pod;
        const dest = o.kind === 'deliver' ? o.pod : undefined;
        const labels =
          h.kind === 'sidecar-outbound'
            ? envoyRequestLabels('source', status, flags, peerOf(plan.source), peerOf(dest), svcRef, 'unknown')
            : h.kind === 'waypoint'
              ? envoyRequestLabels(
                  'waypoint',
                  status,
                  flags,
                  peerOf(plan.source, inMesh),
                  peerOf(dest),
                  svcRef,
                  inMesh ? 'mutual_tls' : 'none',
                )
              : envoyRequestLabels(
                  'destination',
                  status,
                  flags,
                  peerOf(wp ?? plan.source, !!wp || inMesh),
                  peerOf(h.pod),
                  svcRef,
                  wp || inMesh ? 'mutual_tls' : 'none',
                );
        deps.addMetric(nsOf(h.pod), nameOf(h.pod), 'istio_requests', HELP.requests, labels);
      };

      const envoyLine = (
        h: Hop,
        e: Partial<EnvoyAccess> & Pick<EnvoyAccess, 'status' | 'codeDetails' | 'bytesSent'>,
      ) => {
        countRequest(h, e.status, e.responseFlags ?? '-');
        if (!envoyLogs) return;
        const at = deps.clock.now();
        log(
          h,
          envoyAccessLine(t0, {
            ...envoyDefaults(plan, h, {
              srcIp,
              ports,
              method: req.method,
              path: target,
              ua,
              requestId,
              authority,
              bodyLen: body.length,
            }),
            ...e,
          }),
          at,
        );
      };

      const localReply = (
        status: number,
        text: string,
        details: string,
        flags: string,
        at: Hop | undefined,
        ztunnelLogged = false,
      ): NetworkResult => {
        const reply = envoyLocalReply(status, text, t0.toUTCString(), shape.clientSidecar);
        const bodyBuf = Buffer.from(reply.body);
        const ms = deps.clock.now().getTime() - t0.getTime();
        // every Envoy up to and including the one that answered logs the request
        for (const h of plan.hops) {
          if (h.kind === 'sidecar-outbound' || h.kind === 'waypoint' || h.kind === 'sidecar-inbound')
            envoyLine(
              h,
              h === at
                ? {
                    status,
                    codeDetails: details,
                    responseFlags: flags,
                    bytesSent: bodyBuf.length,
                    durationMs: ms,
                    upstreamHost: undefined,
                    upstreamLocal: undefined,
                  }
                : {
                    status,
                    codeDetails: 'via_upstream',
                    bytesSent: bodyBuf.length,
                    durationMs: ms + 1,
                    upstreamServiceTimeMs: ms + 1,
                  },
            );
          if (h === at) break;
        }
        if (!ztunnelLogged)
          ztunnelLines({respBytes: responseBytes(status, STATUS_CODES[status] ?? '', reply.headers, bodyBuf), ms});
        record(status);
        return {
          status,
          statusText: STATUS_CODES[status] ?? '',
          httpVersion: 'HTTP/1.1',
          headers: reply.headers,
          body: bodyBuf,
          remoteIp: ip ?? host,
          remotePort: port,
        };
      };

      if (o.kind === 'forbidden')
        return localReply(
          403,
          'RBAC: access denied',
          denialText(o.at.kind === 'waypoint' ? 'waypoint' : 'sidecar', o.decision),
          // Envoy's RBAC filter sets no response flag: the reason is only in %RESPONSE_CODE_DETAILS%
          '-',
          o.at,
        );
      if (o.kind === 'no-route') return localReply(404, '', 'route_not_found', 'NR', o.at);
      if (o.kind === 'no-healthy-upstream')
        return localReply(503, 'no healthy upstream', 'no_healthy_upstream', 'UH', o.at);
      if (o.kind === 'reset') {
        const decision = o.at.decision;
        const error = decision ? denialText('ztunnel', decision) : o.error;
        ztunnelLines({respBytes: 0, ms: 0, failedAt: o.at, error});
        // an Envoy on the client side turns the refused tunnel into a 503 (inferred from Envoy's upstream reset)
        if (clientEnvoy && plan.hops.indexOf(o.at) > 0) {
          const first = plan.hops.find((h) => h.kind === 'sidecar-outbound' || h.kind === 'waypoint')!;
          return localReply(
            503,
            'upstream connect error or disconnect/reset before headers. reset reason: connection termination',
            'upstream_reset_before_response_started{connection_termination}',
            'UC',
            first,
            true,
          );
        }
        record('reset');
        return {error: 'reset', host, port, ip};
      }

      // deliver: the request as the app sees it
      const added = addedRequestHeaders(shape, {
        requestId,
        clientIdentity: plan.sourceMode !== 'none' ? spiffeOf(fromPod) : undefined,
        serverIdentity: spiffeOf(o.pod),
        certHash: createHash('sha256')
          .update(`cert:${spiffeOf(fromPod)}`)
          .digest('hex'),
        peerMetadata: peerMetadataOf(plan.waypoint?.pod ?? fromPod),
        decoratorOperation: plan.destination?.service
          ? `${fqdn(plan.destination.service)}:${plan.destination.port}/*`
          : undefined,
        peerMetadataId: plan.waypoint
          ? `router~${podIP(plan.waypoint.pod)}~${nameOf(plan.waypoint.pod)}.${nsOf(plan.waypoint.pod)}~${nsOf(plan.waypoint.pod)}.svc.cluster.local`
          : `sidecar~${srcIp}~${nameOf(fromPod)}.${nsOf(fromPod)}~${nsOf(fromPod)}.svc.cluster.local`,
      });
      const appHeaders = applyHeaderModifiers([...req.headers, ...added], o.requestHeaders);
      const remoteAddr = shape.serverSidecar
        ? `127.0.0.6:${ports.sidecar}`
        : plan.waypoint
          ? `${podIP(plan.waypoint.pod)}:${ports.waypoint}`
          : `${srcIp}:${ports.client}`;
      const abort = new AbortController();
      const timer = deps.clock.setTimeout(() => abort.abort(), req.timeoutMs);
      let res: AppAnswer | undefined;
      try {
        res = await deps.serveApp(o.pod, o.port, {
          method: req.method,
          target,
          httpVersion: 'HTTP/1.1',
          headers: appHeaders,
          body,
          remoteAddr,
          signal: abort.signal,
        });
      } finally {
        timer.dispose();
      }
      if (abort.signal.aborted) return (record('timeout'), {error: 'timeout', host, port, ip});
      if (!res) {
        // nothing listens on the pod port: Envoy answers 503, a ztunnel resets the client, plain TCP is refused
        if (clientEnvoy || shape.serverSidecar)
          return localReply(
            503,
            'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
            'upstream_reset_before_response_started{connection_failure}',
            'UF',
            plan.hops.find((h) => h.kind === 'sidecar-inbound') ??
              plan.hops.find((h) => h.kind !== 'ztunnel-outbound' && h.kind !== 'ztunnel-inbound'),
          );
        ztunnelLines({respBytes: 0, ms: 0});
        record(plan.hops.some((h) => h.kind.startsWith('ztunnel')) ? 'reset' : 'refused');
        return plan.hops.some((h) => h.kind.startsWith('ztunnel'))
          ? {error: 'reset', host, port, ip}
          : {error: 'connect-refused', host, port, ip};
      }
      const ms = deps.clock.now().getTime() - t0.getTime();
      const resBody = Buffer.isBuffer(res.body) ? res.body : Buffer.from(res.body);
      const statusText = res.statusText ?? '';
      const upstreamTime = ms + 1;
      const headers = clientVisibleResponseHeaders(
        shape,
        applyHeaderModifiers(res.headers, o.responseHeaders),
        upstreamTime + (shape.clientSidecar && (shape.waypoint || shape.serverSidecar) ? 1 : 0),
      );
      const respBytes = responseBytes(res.status, statusText, res.headers, resBody);
      // Envoy hops log from the inside out: the server sidecar first, the client sidecar last
      const envoyHops = plan.hops
        .filter((h) => h.kind === 'sidecar-outbound' || h.kind === 'waypoint' || h.kind === 'sidecar-inbound')
        .reverse();
      envoyHops.forEach((h, i) =>
        envoyLine(h, {
          status: res!.status,
          codeDetails: 'via_upstream',
          responseFlags: '-',
          bytesSent: resBody.length,
          durationMs: upstreamTime + i,
          upstreamServiceTimeMs: upstreamTime + i,
          routeName: routeNameOf(o.route),
        }),
      );
      // the Envoy nearest the app keeps its upstream connection for the next request: the ztunnel hops after it log
      // when the app closes that connection; the hops before it (an ambient client's own) when curl exits
      const lastEnvoy = plan.hops.findLastIndex((h) => h.kind === 'sidecar-outbound' || h.kind === 'waypoint');
      const pooledHop = (h: Hop) => plan.hops.indexOf(h) > lastEnvoy;
      if (lastEnvoy >= 0 && res.keepAliveIdleMs !== undefined && plan.hops.some(pooledHop)) {
        ztunnelLines({respBytes, ms: ms + 1, only: (h) => !pooledHop(h)});
        const holder = plan.hops[lastEnvoy]!.pod;
        pool.use(
          `${nsOf(holder)}/${nameOf(holder)}>${podIP(o.pod)}:${o.port}`,
          res.keepAliveIdleMs,
          {sent: reqBytes, recv: respBytes},
          (t) =>
            ztunnelLines({
              reqBytes: t.bytesSent,
              respBytes: t.bytesRecv,
              ms: deps.clock.now().getTime() - t.openedAt.getTime(),
              only: pooledHop,
            }),
        );
      } else ztunnelLines({respBytes, ms: ms + 1});
      record(res.status);
      return {
        status: res.status,
        statusText,
        httpVersion: 'HTTP/1.1',
        headers,
        body: resBody,
        remoteIp: ip ?? host,
        remotePort: port,
      };
    },
  };
}

/** Istio names HTTPRoute-generated routes <namespace>.<route>.<rule>.<match>; everything else is "default" */
const routeNameOf = (r: {namespace: string; name: string; rule: number} | undefined) =>
  r ? `${r.namespace}.${r.name}.${r.rule}.0` : 'default';

interface Ports {
  client: number;
  waypoint: number;
  sidecar: number;
}

/** the fields of one ztunnel line (outbound dst.addr is the HBONE port 15008; identities only with mTLS) */
function ztunnelFields(
  plan: PlannedRequest,
  h: Hop,
  x: {srcIp: string; ports: Ports; reqBytes: number; respBytes: number; ms: number},
): ZtunnelAccess {
  const o = plan.outcome;
  const src = plan.source;
  const dest = o.kind === 'deliver' || o.kind === 'reset' ? o.pod : undefined;
  const svc = o.kind === 'deliver' ? o.service : plan.destination?.service;
  const wp = plan.waypoint?.pod;
  const destPort = (o.kind === 'deliver' || o.kind === 'reset' ? o.port : undefined) ?? plan.destination?.port ?? 0;
  const destInMesh = plan.destinationMode === 'ambient' || plan.destinationMode === 'sidecar';
  if (h.kind === 'ztunnel-outbound') {
    const base = {
      srcAddr: `${x.srcIp}:${x.ports.client}`,
      srcWorkload: nameOf(src),
      srcNamespace: nsOf(src),
      srcIdentity: spiffeOf(src),
      direction: 'outbound' as const,
      bytesSent: x.reqBytes,
      bytesRecv: x.respBytes,
      durationMs: x.ms,
    };
    if (wp) {
      const vip = svc
        ? `${clusterIPOf(svc)}:${plan.destination?.port}`
        : `${plan.destination?.ip}:${plan.destination?.port}`;
      return {
        ...base,
        dstAddr: `${podIP(wp)}:15008`,
        dstHboneAddr: vip,
        dstService: fqdn(plan.destination?.service),
        dstWorkload: nameOf(wp),
        dstNamespace: nsOf(wp),
        dstIdentity: spiffeOf(wp),
      };
    }
    if (!dest) return {...base, dstAddr: `${plan.destination?.ip}:${plan.destination?.port}`, dstService: fqdn(svc)};
    return destInMesh
      ? {
          ...base,
          dstAddr: `${podIP(dest)}:15008`,
          dstHboneAddr: `${podIP(dest)}:${destPort}`,
          dstService: fqdn(svc),
          dstWorkload: nameOf(dest),
          dstNamespace: nsOf(dest),
          dstIdentity: spiffeOf(dest),
        }
      : {
          ...base,
          dstAddr: `${podIP(dest)}:${destPort}`,
          dstService: fqdn(svc),
          dstWorkload: nameOf(dest),
          dstNamespace: nsOf(dest),
        };
  }
  // inbound, on the destination's node: the peer is the waypoint when there is one
  const peer = wp ?? src;
  const mtls = !!wp || plan.sourceMode !== 'none';
  const peerPort = wp ? x.ports.waypoint : x.ports.client;
  const d = dest ?? peer;
  return {
    srcAddr: `${podIP(peer)}:${peerPort}`,
    srcWorkload: nameOf(peer),
    srcNamespace: nsOf(peer),
    srcIdentity: mtls ? spiffeOf(peer) : undefined,
    dstAddr: mtls ? `${podIP(d)}:15008` : `${podIP(d)}:${destPort}`,
    dstHboneAddr: mtls ? `${podIP(d)}:${destPort}` : undefined,
    dstService: fqdn(svc),
    dstWorkload: nameOf(d),
    dstNamespace: nsOf(d),
    dstIdentity: mtls ? spiffeOf(d) : undefined,
    direction: 'inbound',
    bytesSent: x.respBytes,
    bytesRecv: x.reqBytes,
    durationMs: x.ms,
  };
}

/** the addressing part of an Envoy line, per kind of Envoy */
function envoyDefaults(
  plan: PlannedRequest,
  h: Hop,
  x: {
    srcIp: string;
    ports: Ports;
    method: string;
    path: string;
    ua?: string;
    requestId: string;
    authority: string;
    bodyLen: number;
  },
): EnvoyAccess {
  const o = plan.outcome;
  const svc = o.kind === 'deliver' ? o.service : plan.destination?.service;
  const dest = o.kind === 'deliver' ? o.pod : undefined;
  const port = plan.destination?.port ?? 0;
  const destPort = o.kind === 'deliver' ? o.port : port;
  const vip = `${plan.destination?.ip}:${port}`;
  const hbone = plan.destinationMode === 'ambient' || !!plan.waypoint;
  const common = {
    method: x.method,
    path: x.path,
    protocol: 'HTTP/1.1',
    status: 0,
    responseFlags: '-',
    codeDetails: 'via_upstream',
    bytesReceived: x.bodyLen,
    bytesSent: 0,
    durationMs: 0,
    userAgent: x.ua,
    requestId: x.requestId,
    authority: x.authority,
    routeName: 'default',
  };
  if (h.kind === 'waypoint')
    return {
      ...common,
      upstreamHost: dest ? `envoy://connect_originate/${podIP(dest)}:${destPort}` : undefined,
      upstreamCluster: `inbound-vip|${port}|http|${fqdn(plan.destination?.service) ?? plan.destination?.ip}`,
      upstreamLocal: 'envoy://internal_client_address/',
      downstreamLocal: vip,
      downstreamRemote: `${x.srcIp}:${x.ports.client}`,
    };
  if (h.kind === 'sidecar-outbound')
    return {
      ...common,
      upstreamHost: plan.waypoint
        ? `envoy://connect_originate/${podIP(plan.waypoint.pod)}:15008`
        : dest
          ? hbone
            ? `envoy://connect_originate/${podIP(dest)}:${destPort}`
            : `${podIP(dest)}:${destPort}`
          : undefined,
      upstreamCluster: `outbound|${port}||${fqdn(svc) ?? plan.destination?.ip}`,
      upstreamLocal: hbone ? 'envoy://internal_client_address/' : `${x.srcIp}:${x.ports.sidecar}`,
      downstreamLocal: vip,
      downstreamRemote: `${x.srcIp}:${x.ports.client}`,
    };
  // the server sidecar: connects to the app from 127.0.0.6
  const me = h.pod;
  const peer = plan.waypoint?.pod ?? plan.source;
  return {
    ...common,
    upstreamHost: `${podIP(me)}:${destPort}`,
    upstreamCluster: `inbound|${destPort}||`,
    upstreamLocal: `127.0.0.6:${x.ports.sidecar}`,
    downstreamLocal: `${podIP(me)}:${destPort}`,
    downstreamRemote: `${podIP(peer)}:${plan.waypoint ? x.ports.waypoint : x.ports.client}`,
    sni: svc ? `outbound_.${port}_._.${fqdn(svc)}` : undefined,
  };
}

/** which redirects the connection crossed in each pod's netns (node-views.ts turns them into counters) */
function countRedirects(recorder: MeshTrafficRecorder, plan: PlannedRequest, byIp: boolean): void {
  const src = plan.source;
  const uid = (p: KubeObject) => String(p.metadata.uid ?? `${nsOf(p)}/${nameOf(p)}`);
  if (plan.sourceMode === 'sidecar') {
    recorder.count(uid(src), 'sidecar-app-outbound');
    if (plan.outcome.kind !== 'dns') recorder.count(uid(src), 'sidecar-envoy-outbound');
  }
  if (plan.sourceMode === 'ambient') {
    if (!byIp) recorder.count(uid(src), 'dns-udp');
    if (plan.outcome.kind !== 'dns') recorder.count(uid(src), 'ambient-outbound');
  }
  for (const h of plan.hops) {
    if (h.kind === 'ztunnel-inbound') {
      // counted also when the ztunnel denies: the connection reached the pod's netns first
      const dest = plan.outcome.kind === 'deliver' || plan.outcome.kind === 'reset' ? plan.outcome.pod : undefined;
      const peerInMesh = !!plan.waypoint || plan.sourceMode !== 'none';
      if (dest) recorder.count(uid(dest), peerInMesh ? 'ambient-inbound-hbone' : 'ambient-inbound-plain');
    }
    if (h.kind === 'sidecar-inbound') {
      recorder.count(uid(h.pod), 'sidecar-inbound');
      if (plan.outcome.kind === 'deliver') recorder.count(uid(h.pod), 'sidecar-envoy-to-app');
    }
  }
}
