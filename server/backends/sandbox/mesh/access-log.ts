/**
 * The access log lines each hop writes, as data: field lists in the order the real proxies print them.
 * ztunnel: ztunnel src/telemetry.rs IstioFormat and src/proxy/metrics.rs; Envoy (sidecars and
 * waypoints): Istio's EnvoyTextLogFormat (pilot/pkg/model/telemetry_logging.go).
 */

export interface ZtunnelAccess {
  srcAddr: string;
  srcWorkload?: string;
  srcNamespace?: string;
  srcIdentity?: string;
  dstAddr: string;
  dstHboneAddr?: string;
  dstService?: string;
  dstWorkload?: string;
  dstNamespace?: string;
  dstIdentity?: string;
  direction: 'inbound' | 'outbound';
  bytesSent: number;
  bytesRecv: number;
  durationMs: number;
  /** a failed connection logs at error level with this text (policy rejections) */
  error?: string;
}

/** field name, how to read it, and whether ztunnel prints it Debug-quoted (strings) or bare (addresses, numbers) */
const ZTUNNEL_FIELDS: [string, (a: ZtunnelAccess) => string | number | undefined, boolean][] = [
  ['src.addr', (a) => a.srcAddr, false],
  ['src.workload', (a) => a.srcWorkload, true],
  ['src.namespace', (a) => a.srcNamespace, true],
  ['src.identity', (a) => a.srcIdentity, true],
  ['dst.addr', (a) => a.dstAddr, false],
  ['dst.hbone_addr', (a) => a.dstHboneAddr, false],
  ['dst.service', (a) => a.dstService, true],
  ['dst.workload', (a) => a.dstWorkload, true],
  ['dst.namespace', (a) => a.dstNamespace, true],
  ['dst.identity', (a) => a.dstIdentity, true],
  ['direction', (a) => a.direction, true],
  ['bytes_sent', (a) => a.bytesSent, false],
  ['bytes_recv', (a) => a.bytesRecv, false],
  ['duration', (a) => `${a.durationMs}ms`, true],
  ['error', (a) => a.error, true],
];

/** RFC 3339 with microseconds, as tracing-subscriber prints: 2025-01-23T05:07:25.806642Z */
export function microsTimestamp(d: Date, micros = 0): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, (_m, ms: string) => `.${ms}${String(micros % 1000).padStart(3, '0')}Z`);
}

/** `<time>\t<level>\taccess\tconnection complete\t<k=v ...>`; fields without a value are left out */
export function ztunnelAccessLine(time: Date, a: ZtunnelAccess, micros = 0): string {
  const fields = ZTUNNEL_FIELDS.map(([k, get, quoted]) => {
    const v = get(a);
    return v === undefined || v === '' ? undefined : `${k}=${quoted ? JSON.stringify(String(v)) : v}`;
  }).filter(Boolean);
  return [
    microsTimestamp(time, micros),
    a.error ? 'error' : 'info',
    'access',
    'connection complete',
    fields.join(' '),
  ].join('\t');
}

export interface EnvoyAccess {
  method: string;
  /** X-ENVOY-ORIGINAL-PATH or :path */
  path: string;
  protocol: string;
  status: number;
  /** "-" or e.g. "NR", "UH" */
  responseFlags: string;
  /** via_upstream, rbac_access_denied_matched_policy[...], route_not_found */
  codeDetails: string;
  upstreamFailure?: string;
  bytesReceived: number;
  bytesSent: number;
  durationMs: number;
  upstreamServiceTimeMs?: number;
  xForwardedFor?: string;
  userAgent?: string;
  requestId?: string;
  authority: string;
  upstreamHost?: string;
  upstreamCluster?: string;
  upstreamLocal?: string;
  downstreamLocal: string;
  downstreamRemote: string;
  sni?: string;
  routeName?: string;
}

const dash = (v: string | number | undefined) => (v === undefined || v === '' ? '-' : String(v));
const q = (v: string | undefined) => `"${dash(v)}"`;

/** Istio's default text format, one field per %OPERATOR% of EnvoyTextLogFormat, in order */
export function envoyAccessLine(time: Date, e: EnvoyAccess): string {
  return [
    `[${time.toISOString()}]`,
    `"${e.method} ${e.path} ${e.protocol}"`,
    e.status,
    dash(e.responseFlags),
    dash(e.codeDetails),
    '-', // CONNECTION_TERMINATION_DETAILS
    q(e.upstreamFailure),
    e.bytesReceived,
    e.bytesSent,
    e.durationMs,
    dash(e.upstreamServiceTimeMs),
    q(e.xForwardedFor),
    q(e.userAgent),
    q(e.requestId),
    q(e.authority),
    q(e.upstreamHost),
    dash(e.upstreamCluster),
    dash(e.upstreamLocal),
    e.downstreamLocal,
    e.downstreamRemote,
    dash(e.sni),
    dash(e.routeName),
  ].join(' ');
}
