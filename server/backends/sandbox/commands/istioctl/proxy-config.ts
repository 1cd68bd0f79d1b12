/**
 * `istioctl proxy-config cluster|listener|route|endpoint|secret <pod>` (alias pc) for sidecars: the Envoy
 * configuration istiod would push to an injected pod, derived from the store, printed as istioctl's writers print
 * a config dump (istioctl/pkg/writer/envoy/configdump: cluster.go, listener.go, route.go, endpoint.go at 1.30.3 —
 * headers, column padding 5, listener padding 1, the sort orders, describeRouteDomains). The model: every Service
 * port is an outbound EDS cluster (no Sidecar resource scoping), HTTP-named ports share a 0.0.0.0:<port> listener
 * with route <port>, TCP/TLS-named ports get a listener on the VIP, unnamed ones are protocol-sniffed on the VIP;
 * the pod's container ports are its inbound clusters; plus Envoy's static clusters. DestinationRules and
 * VirtualServices are not modelled (their columns stay empty). Pods without a sidecar fail as istioctl's exec does.
 */
import {createHash} from 'node:crypto';
import type {ObjectStore} from '../../api/store';
import type {KubeObject} from '../../api/types';
import {getOf, listOf} from '../../api/kinds';
import {selectorObjectMatcher} from '../../api/label-selector';
import {formatTable} from '../../kit/table';
import type {FlagSpec} from '../../kit/flags';
import {labelsOf} from '../../mesh/world';
import {CommandError, str, type IstioctlCommand, type RunContext} from './command';
import {isPodReady, podIP} from './mesh-view';
import {portForwardError} from './kube-client';

interface SvcPort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
}

type Protocol = 'http' | 'tcp' | 'auto';

/** Istio's protocol selection: appProtocol, then the port name's prefix (`http-x`, `tcp`, `https`…), else sniffed */
function protocolOf(p: SvcPort): Protocol {
  const v = (p.appProtocol ?? p.name ?? '').toLowerCase().split('-')[0]!;
  if (['http', 'http2', 'grpc', 'grpc-web', 'h2c'].includes(v)) return 'http';
  if (v === '' || p.protocol === 'UDP') return p.protocol === 'UDP' ? 'tcp' : 'auto';
  if (['tcp', 'https', 'tls', 'mongo', 'mysql', 'redis', 'dns', 'udp'].includes(v) || v.startsWith('tcp')) return 'tcp';
  return 'auto';
}

const fqdnOf = (s: KubeObject) => `${s.metadata.name}.${s.metadata.namespace}.svc.cluster.local`;

function services(store: ObjectStore): {svc: KubeObject; vip: string; ports: SvcPort[]}[] {
  return listOf(store, 'services')
    .map((svc) => {
      const spec = (svc.spec ?? {}) as {clusterIP?: string; ports?: SvcPort[]};
      return {svc, vip: spec.clusterIP ?? '', ports: (spec.ports ?? []).filter((p) => p.protocol !== 'UDP')};
    })
    .filter((s) => s.vip && s.vip !== 'None');
}

function resolvePod(store: ObjectStore, ctx: RunContext): KubeObject {
  const arg = ctx.args[0];
  if (!arg) throw new CommandError('requires pod name or --file parameter');
  const bare = arg.includes('/') ? arg.slice(arg.indexOf('/') + 1) : arg;
  const [name, ns = ctx.namespace] = bare.split('.') as [string, string?];
  const pod = getOf(store, 'pods', ns, name);
  if (!pod) throw new CommandError(`pods "${name}" not found`);
  const containers = ((pod.spec ?? {}) as {containers?: {name?: string}[]}).containers ?? [];
  if (!containers.some((c) => c.name === 'istio-proxy'))
    throw new CommandError(
      `failed to execute command on ${name}.${ns} sidecar: error execing into ${name}/${ns} istio-proxy container: container istio-proxy is not valid for pod ${name}`,
    );
  return pod;
}

interface Cluster {
  name: string;
  type: string;
}

const STATIC_CLUSTERS: Cluster[] = [
  {name: 'BlackHoleCluster', type: 'STATIC'},
  {name: 'InboundPassthroughCluster', type: 'ORIGINAL_DST'},
  {name: 'PassthroughCluster', type: 'ORIGINAL_DST'},
  {name: 'agent', type: 'STATIC'},
  {name: 'prometheus_stats', type: 'STATIC'},
  {name: 'sds-grpc', type: 'STATIC'},
  {name: 'xds-grpc', type: 'STATIC'},
];

/** the pod's own ports (its app containers'): inbound|<port>|| */
function inboundPorts(pod: KubeObject): {port: number; name?: string}[] {
  const cs = ((pod.spec ?? {}) as {containers?: {name?: string; ports?: {containerPort: number; name?: string}[]}[]})
    .containers;
  return (cs ?? [])
    .filter((c) => c.name !== 'istio-proxy')
    .flatMap((c) => (c.ports ?? []).map((p) => ({port: p.containerPort, name: p.name})));
}

/** model.ParseSubsetKey, with istioctl's fallback for names without `|` */
function subsetKey(name: string): {direction: string; subset: string; fqdn: string; port: number} {
  const parts = name.split('|');
  if (parts.length > 3) return {direction: parts[0]!, port: Number(parts[1]), subset: parts[2]!, fqdn: parts[3]!};
  return {direction: '', subset: '', fqdn: name, port: 0};
}

function byKey(a: string, b: string): number {
  const x = subsetKey(a);
  const y = subsetKey(b);
  const cmp = (p: string | number, q: string | number) => (p < q ? -1 : p > q ? 1 : 0);
  return cmp(x.fqdn, y.fqdn) || cmp(x.subset, y.subset) || cmp(x.port, y.port) || cmp(x.direction, y.direction);
}

function clusters(store: ObjectStore, pod: KubeObject): Cluster[] {
  const out: Cluster[] = [...STATIC_CLUSTERS];
  for (const p of inboundPorts(pod)) out.push({name: `inbound|${p.port}||`, type: 'ORIGINAL_DST'});
  for (const s of services(store))
    for (const p of s.ports) out.push({name: `outbound|${p.port}||${fqdnOf(s.svc)}`, type: 'EDS'});
  return out.sort((a, b) => byKey(a.name, b.name));
}

async function clusterCmd(ctx: RunContext, store: ObjectStore): Promise<number> {
  const pod = resolvePod(store, ctx);
  const fqdn = str(ctx.flags.fqdn);
  const dir = str(ctx.flags.direction);
  const port = Number(ctx.flags.port ?? 0);
  const rows = clusters(store, pod)
    .map((c) => ({c, k: subsetKey(c.name)}))
    .filter(({k}) => (!fqdn || k.fqdn.startsWith(fqdn)) && (!dir || k.direction === dir) && (!port || k.port === port));
  if (
    structured(
      ctx,
      rows.map(({c}) => ({name: c.name, type: c.type})),
    )
  )
    return 0;
  const table = rows.map(({c, k}) =>
    c.name.split('|').length > 3
      ? [k.fqdn, String(k.port), k.subset || '-', k.direction, c.type, '']
      : [c.name, '-', '-', '-', c.type, ''],
  );
  ctx.io.stdout.write(
    formatTable([['SERVICE FQDN', 'PORT', 'SUBSET', 'DIRECTION', 'TYPE', 'DESTINATION RULE'], ...table], 5),
  );
  return 0;
}

const HTTP_MATCH = 'Trans: raw_buffer; App: http/1.1,h2c';

function listenerRows(
  store: ObjectStore,
  pod: KubeObject,
): {addr: string; port: number; match: string; dest: string}[] {
  const rows: {addr: string; port: number; match: string; dest: string}[] = [];
  const httpPorts = new Set<number>();
  for (const s of services(store))
    for (const p of s.ports) {
      const cluster = `Cluster: outbound|${p.port}||${fqdnOf(s.svc)}`;
      const proto = protocolOf(p);
      if (proto === 'http') httpPorts.add(p.port);
      else if (proto === 'tcp') rows.push({addr: s.vip, port: p.port, match: 'ALL', dest: cluster});
      else {
        rows.push({addr: s.vip, port: p.port, match: HTTP_MATCH, dest: `Route: ${fqdnOf(s.svc)}:${p.port}`});
        rows.push({addr: s.vip, port: p.port, match: 'ALL', dest: cluster});
      }
    }
  for (const port of httpPorts) {
    rows.push({addr: '0.0.0.0', port, match: HTTP_MATCH, dest: `Route: ${port}`});
    rows.push({addr: '0.0.0.0', port, match: 'ALL', dest: 'PassthroughCluster'});
  }
  rows.push(
    {addr: '0.0.0.0', port: 15001, match: 'ALL', dest: 'PassthroughCluster'},
    {addr: '0.0.0.0', port: 15001, match: 'Addr: *:15001', dest: 'Non-HTTP/Non-TCP'},
    {addr: '0.0.0.0', port: 15006, match: 'Addr: *:15006', dest: 'Non-HTTP/Non-TCP'},
    {
      addr: '0.0.0.0',
      port: 15006,
      match: 'Trans: tls; App: istio-http/1.0,istio-http/1.1,istio-h2; Addr: 0.0.0.0/0',
      dest: 'InboundPassthroughCluster',
    },
    {
      addr: '0.0.0.0',
      port: 15006,
      match: 'Trans: raw_buffer; App: http/1.1,h2c; Addr: 0.0.0.0/0',
      dest: 'InboundPassthroughCluster',
    },
    {
      addr: '0.0.0.0',
      port: 15006,
      match: 'Trans: tls; App: TCP TLS; Addr: 0.0.0.0/0',
      dest: 'InboundPassthroughCluster',
    },
    {addr: '0.0.0.0', port: 15006, match: 'Trans: raw_buffer; Addr: 0.0.0.0/0', dest: 'InboundPassthroughCluster'},
    {addr: '0.0.0.0', port: 15006, match: 'Trans: tls; Addr: 0.0.0.0/0', dest: 'InboundPassthroughCluster'},
  );
  for (const p of inboundPorts(pod)) {
    rows.push(
      {
        addr: '0.0.0.0',
        port: 15006,
        match: `Trans: tls; App: istio,istio-peer-exchange,istio-http/1.0,istio-http/1.1,istio-h2; Addr: *:${p.port}`,
        dest: `Cluster: inbound|${p.port}||`,
      },
      {
        addr: '0.0.0.0',
        port: 15006,
        match: `Trans: raw_buffer; Addr: *:${p.port}`,
        dest: `Cluster: inbound|${p.port}||`,
      },
    );
  }
  rows.push(
    {addr: '0.0.0.0', port: 15021, match: 'ALL', dest: 'Inline Route: /healthz/ready*'},
    {addr: '0.0.0.0', port: 15090, match: 'ALL', dest: 'Inline Route: /stats/prometheus*'},
  );
  // by port, then address; a listener's chains by destination, descending (listener.go)
  return rows
    .map((r, i) => ({r, i}))
    .sort((a, b) => a.r.port - b.r.port || (a.r.addr < b.r.addr ? -1 : a.r.addr > b.r.addr ? 1 : 0) || a.i - b.i)
    .map((x) => x.r);
}

async function listenerCmd(ctx: RunContext, store: ObjectStore): Promise<number> {
  const pod = resolvePod(store, ctx);
  const port = Number(ctx.flags.port ?? 0);
  const addr = str(ctx.flags.address);
  const rows = listenerRows(store, pod).filter((r) => (!port || r.port === port) && (!addr || r.addr === addr));
  if (structured(ctx, rows)) return 0;
  const verbose = ctx.flags.verbose !== false;
  const table = verbose
    ? rows.map((r) => [r.addr, String(r.port), r.match, r.dest])
    : [...new Map(rows.map((r) => [`${r.addr}:${r.port}`, r])).values()].map((r) => [
        r.addr,
        String(r.port),
        r.match.startsWith('Trans: raw_buffer; App: http') ? 'HTTP+TCP' : 'TCP',
      ]);
  const header = verbose ? ['ADDRESSES', 'PORT', 'MATCH', 'DESTINATION'] : ['ADDRESSES', 'PORT', 'TYPE'];
  ctx.io.stdout.write(formatTable([header, ...table], 1));
  return 0;
}

/** route.go describeRouteDomains + unexpandDomains over Istio's vhost domains (fqdn, name.ns.svc, name.ns, name, VIP) */
function describeDomains(domains: string[]): string {
  const set = new Set(domains);
  const kept = domains.filter((h) => {
    const full = h.replace(/\.svc\.cluster\.local$/, '');
    const partial = h.replace(/\.svc$/, '');
    return !((full !== h && set.has(full)) || (partial !== h && set.has(partial)));
  });
  return kept.length > 2 ? `${kept.slice(0, 2).join(', ')} + ${kept.length - 2} more...` : kept.join(', ');
}

async function routeCmd(ctx: RunContext, store: ObjectStore): Promise<number> {
  const pod = resolvePod(store, ctx);
  const ns = String(pod.metadata.namespace);
  const routes: [string, string, string, string, string][] = [];
  const byPort = new Map<number, [string, string, string, string, string][]>();
  for (const s of services(store))
    for (const p of s.ports) {
      if (protocolOf(p) !== 'http') continue;
      const name = String(s.svc.metadata.name);
      const sns = String(s.svc.metadata.namespace);
      const domains = [fqdnOf(s.svc), `${name}.${sns}.svc`, ...(sns === ns ? [name] : []), `${name}.${sns}`, s.vip];
      const list = byPort.get(p.port) ?? [];
      list.push([String(p.port), `${fqdnOf(s.svc)}:${p.port}`, describeDomains(domains), '/*', '']);
      byPort.set(p.port, list);
    }
  for (const port of [...byPort.keys()].sort((a, b) => a - b)) routes.push(...byPort.get(port)!);
  routes.push(['', 'backend', '*', '/stats/prometheus*', ''], ['', 'backend', '*', '/healthz/ready*', '']);
  routes.push(['InboundPassthroughCluster', 'inbound|http|0', '*', '/*', '']);
  for (const p of inboundPorts(pod)) routes.push([`inbound|${p.port}||`, `inbound|http|${p.port}`, '*', '/*', '']);
  const name = str(ctx.flags.name);
  const rows = routes.filter((r) => !name || r[0] === name);
  if (
    structured(
      ctx,
      rows.map((r) => ({name: r[0], virtualHost: r[1], domains: r[2], match: r[3]})),
    )
  )
    return 0;
  if (ctx.flags.verbose === false) {
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r[0], (counts.get(r[0]) ?? 0) + 1);
    ctx.io.stdout.write(formatTable([['NAME', 'VIRTUAL HOSTS'], ...[...counts].map(([n, c]) => [n, String(c)])], 5));
    return 0;
  }
  ctx.io.stdout.write(formatTable([['NAME', 'VHOST NAME', 'DOMAINS', 'MATCH', 'VIRTUAL SERVICE'], ...rows], 5));
  return 0;
}

async function endpointCmd(ctx: RunContext, store: ObjectStore): Promise<number> {
  resolvePod(store, ctx);
  const pods = listOf(store, 'pods').filter((p) => podIP(p) && !p.metadata.deletionTimestamp);
  const rows: {addr: string; status: string; cluster: string}[] = [];
  for (const s of services(store)) {
    const spec = (s.svc.spec ?? {}) as {selector?: Record<string, string>};
    const match =
      spec.selector && Object.keys(spec.selector).length
        ? selectorObjectMatcher({matchLabels: spec.selector})
        : undefined;
    for (const p of s.ports) {
      const cluster = `outbound|${p.port}||${fqdnOf(s.svc)}`;
      if (!match) {
        // endpoints kept by someone else: the API server's own for default/kubernetes
        const ep = getOf(store, 'endpoints', String(s.svc.metadata.namespace), String(s.svc.metadata.name)) as
          {subsets?: {addresses?: {ip: string}[]; ports?: {port: number}[]}[]} | undefined;
        for (const sub of ep?.subsets ?? [])
          for (const a of sub.addresses ?? [])
            rows.push({addr: `${a.ip}:${sub.ports?.[0]?.port ?? p.port}`, status: 'HEALTHY', cluster});
        continue;
      }
      for (const pod of pods.filter((x) => x.metadata.namespace === s.svc.metadata.namespace && match(labelsOf(x)))) {
        const tp =
          typeof p.targetPort === 'number'
            ? p.targetPort
            : Number(/^\d+$/.test(String(p.targetPort ?? '')) ? p.targetPort : NaN);
        const named = (
          (pod.spec ?? {}) as {containers?: {ports?: {name?: string; containerPort: number}[]}[]}
        ).containers
          ?.flatMap((c) => c.ports ?? [])
          .find((x) => x.name === p.targetPort)?.containerPort;
        const port = Number.isFinite(tp) ? tp : (named ?? p.port);
        rows.push({addr: `${podIP(pod)}:${port}`, status: isPodReady(pod) ? 'HEALTHY' : 'UNHEALTHY', cluster});
      }
    }
  }
  rows.push(
    {addr: '127.0.0.1:15000', status: 'HEALTHY', cluster: 'prometheus_stats'},
    {addr: '127.0.0.1:15020', status: 'HEALTHY', cluster: 'agent'},
    {addr: 'unix://./etc/istio/proxy/XDS', status: 'HEALTHY', cluster: 'xds-grpc'},
    {addr: 'unix://./var/run/secrets/workload-spiffe-uds/socket', status: 'HEALTHY', cluster: 'sds-grpc'},
  );
  const cl = str(ctx.flags.cluster);
  const port = Number(ctx.flags.port ?? 0);
  const addr = str(ctx.flags.address);
  const shown = rows
    .map((r, i) => ({r, i}))
    .sort((a, b) => byKey(a.r.cluster, b.r.cluster) || a.i - b.i)
    .map((x) => x.r)
    .filter(
      (r) =>
        (!cl || r.cluster === cl) && (!port || r.addr.endsWith(`:${port}`)) && (!addr || r.addr.startsWith(`${addr}:`)),
    );
  if (structured(ctx, shown)) return 0;
  ctx.io.stdout.write(
    formatTable([['NAME', 'STATUS', 'LOCALITY', 'CLUSTER'], ...shown.map((r) => [r.addr, r.status, '', r.cluster])], 5),
  );
  return 0;
}

async function secretCmd(ctx: RunContext, store: ObjectStore): Promise<number> {
  const pod = resolvePod(store, ctx);
  const started = Date.parse(
    String(((pod.status ?? {}) as {startTime?: string}).startTime ?? pod.metadata.creationTimestamp),
  );
  const istiod = listOf(store, 'deployments', {namespace: ctx.istioNamespace}).find(
    (d) => d.metadata.name === 'istiod',
  );
  const root = Date.parse(String(istiod?.metadata.creationTimestamp ?? pod.metadata.creationTimestamp));
  const hex = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  // istiod signs the leaf when the proxy starts (back-dated, never before its own root), for 24 h
  const issued = Math.max(started - 120_000, root);
  const rows = [
    [
      'default',
      'Cert Chain',
      'ACTIVE',
      'true',
      hex(`leaf:${pod.metadata.uid}`),
      iso(issued + 24 * 3600_000),
      iso(issued),
    ],
    ['ROOTCA', 'CA', 'ACTIVE', 'true', hex(`root:${root}`), iso(root + 3652 * 24 * 3600_000), iso(root)],
  ];
  if (
    structured(
      ctx,
      rows.map((r) => ({name: r[0], type: r[1], status: r[2], serialNumber: r[4], notAfter: r[5], notBefore: r[6]})),
    )
  )
    return 0;
  ctx.io.stdout.write(
    formatTable(
      [['RESOURCE NAME', 'TYPE', 'STATUS', 'VALID CERT', 'SERIAL NUMBER', 'NOT AFTER', 'NOT BEFORE'], ...rows],
      5,
    ),
  );
  return 0;
}

function structured(ctx: RunContext, doc: unknown): boolean {
  const out = str(ctx.flags.output, 'short');
  if (out === 'short') return false;
  if (out === 'json' || out === 'yaml') {
    throw new CommandError(
      `-o ${out} (the raw Envoy config dump) is not simulated in the Ambient Lab sandbox: the summary tables are (-o short); on the host backend it prints Envoy's own dump`,
    );
  }
  void doc;
  throw new CommandError(`output format "${out}" not supported`);
}

/** each child defines -o and -f again (proxyconfig.go); --proxy-admin-port is the group's (groups.ts PROXY_CONFIG) */
/** logCmd's --level usage, its level list in levelToString's order */
const LOG_LEVEL_USAGE =
  'Comma-separated minimum per-logger level of messages to output, in the form of [<logger>:]<level>,[<logger>:]<level>,... or <level> to change all active loggers, where logger components can be listed by running "istioctl proxy-config log <pod-name[.namespace]>"or referred from https://github.com/envoyproxy/envoy/blob/main/source/common/common/logger.h, and level can be one of [trace, debug, info, warning, error, critical, off]';

const COMMON: FlagSpec[] = [
  {
    name: 'output',
    short: 'o',
    type: 'string',
    default: 'short',
    usage: 'Output format: one of json|yaml|short',
  },
  {name: 'file', short: 'f', type: 'string', usage: 'Envoy config dump JSON file'},
];

/** each child's Use, Long and Example (proxyconfig.go 1.29.6), for its help */
const PC_TEXTS: Record<string, {use: string; long: string; example: string}> = {
  cluster: {
    use: 'istioctl proxy-config cluster [<type>/]<name>[.<namespace>] [flags]',
    long: 'Retrieve information about cluster configuration for the Envoy instance in the specified pod.',
    example: `  # Retrieve summary about cluster configuration for a given pod from Envoy.
  istioctl proxy-config clusters <pod-name[.namespace]>

  # Retrieve summary about cluster configuration for a pod under a deployment from Envoy.
  istioctl proxy-config clusters deployment/<deployment-name[.namespace]>

  # Retrieve cluster summary for clusters with port 9080.
  istioctl proxy-config clusters <pod-name[.namespace]> --port 9080

  # Retrieve full cluster dump for clusters that are inbound with a FQDN of details.default.svc.cluster.local.
  istioctl proxy-config clusters <pod-name[.namespace]> --fqdn details.default.svc.cluster.local --direction inbound -o json

  # Retrieve cluster summary without using Kubernetes API
  ssh <user@hostname> 'curl localhost:15000/config_dump' > envoy-config.json
  istioctl proxy-config clusters --file envoy-config.json
`,
  },
  listener: {
    use: 'istioctl proxy-config listener [<type>/]<name>[.<namespace>] [flags]',
    long: 'Retrieve information about listener configuration for the Envoy instance in the specified pod.',
    example: `  # Retrieve summary about listener configuration for a given pod from Envoy.
  istioctl proxy-config listeners <pod-name[.namespace]>

  # Retrieve summary about listener configuration a pod under a deployment from Envoy.
  istioctl proxy-config deployment/<deployment-name[.namespace]>

  # Retrieve listener summary for listeners with port 9080.
  istioctl proxy-config listeners <pod-name[.namespace]> --port 9080

  # Retrieve full listener dump for HTTP listeners with a wildcard address (0.0.0.0).
  istioctl proxy-config listeners <pod-name[.namespace]> --type HTTP --address 0.0.0.0 -o json

  # Retrieve listener summary without using Kubernetes API
  ssh <user@hostname> 'curl localhost:15000/config_dump' > envoy-config.json
  istioctl proxy-config listeners --file envoy-config.json
`,
  },
  route: {
    use: 'istioctl proxy-config route [<type>/]<name>[.<namespace>] [flags]',
    long: 'Retrieve information about route configuration for the Envoy instance in the specified pod.',
    example: `  # Retrieve summary about route configuration for a given pod from Envoy.
  istioctl proxy-config routes <pod-name[.namespace]>

  # Retrieve summary about route configuration for a pod under a deployment from Envoy.
  istioctl proxy-config routes deployment/<deployment-name[.namespace]>

  # Retrieve route summary for route 9080.
  istioctl proxy-config route <pod-name[.namespace]> --name 9080

  # Retrieve full route dump for route 9080
  istioctl proxy-config route <pod-name[.namespace]> --name 9080 -o json

  # Retrieve route summary without using Kubernetes API
  ssh <user@hostname> 'curl localhost:15000/config_dump' > envoy-config.json
  istioctl proxy-config routes --file envoy-config.json
`,
  },
  endpoint: {
    use: 'istioctl proxy-config endpoint [<type>/]<name>[.<namespace>] [flags]',
    long: 'Retrieve information about endpoint configuration for the Envoy instance in the specified pod.',
    example: `  # Retrieve full endpoint configuration for a given pod from Envoy.
  istioctl proxy-config endpoint <pod-name[.namespace]>

  # Retrieve full endpoint configuration for a pod under a deployment from Envoy.
  istioctl proxy-config endpoint deployment/<deployment-name[.namespace]>

  # Retrieve endpoint summary for endpoint with port 9080.
  istioctl proxy-config endpoint <pod-name[.namespace]> --port 9080

  # Retrieve full endpoint with a address (172.17.0.2).
  istioctl proxy-config endpoint <pod-name[.namespace]> --address 172.17.0.2 -o json

  # Retrieve full endpoint with a cluster name (outbound|9411||zipkin.istio-system.svc.cluster.local).
  istioctl proxy-config endpoint <pod-name[.namespace]> --cluster "outbound|9411||zipkin.istio-system.svc.cluster.local" -o json
  # Retrieve full endpoint with the status (healthy).
  istioctl proxy-config endpoint <pod-name[.namespace]> --status healthy -ojson

  # Retrieve endpoint summary without using Kubernetes API
  ssh <user@hostname> 'curl localhost:15000/clusters?format=json' > envoy-clusters.json
  istioctl proxy-config endpoints --file envoy-clusters.json
`,
  },
  secret: {
    use: 'istioctl proxy-config secret [<type>/]<name>[.<namespace>] [flags]',
    long: 'Retrieve information about secret configuration for the Envoy instance in the specified pod.',
    example: `  # Retrieve full secret configuration for a given pod from Envoy.
  istioctl proxy-config secret <pod-name[.namespace]>

  # Retrieve full secret configuration for a pod under a deployment from Envoy.
  istioctl proxy-config secret deployment/<deployment-name[.namespace]>

  # Retrieve full bootstrap without using Kubernetes API
  ssh <user@hostname> 'curl localhost:15000/config_dump' > envoy-config.json
  istioctl proxy-config secret --file envoy-config.json`,
  },
  all: {
    use: 'istioctl proxy-config all [<type>/]<name>[.<namespace>] [flags]',
    long: 'Retrieve information about all configuration for the Envoy instance in the specified pod.',
    example: `  # Retrieve summary about all configuration for a given pod from Envoy.
  istioctl proxy-config all <pod-name[.namespace]>

  # Retrieve summary about all configuration for a pod under a deployment from Envoy.
  istioctl proxy-config all deployment/<deployment-name[.namespace]>

  # Retrieve full cluster dump as JSON
  istioctl proxy-config all <pod-name[.namespace]> -o json

  # Retrieve full cluster dump with short syntax
  istioctl pc a <pod-name[.namespace]>

  # Retrieve cluster summary without using Kubernetes API
  ssh <user@hostname> 'curl localhost:15000/config_dump' > envoy-config.json
  istioctl proxy-config all --file envoy-config.json
`,
  },
  bootstrap: {
    use: 'istioctl proxy-config bootstrap [<type>/]<name>[.<namespace>] [flags]',
    long: 'Retrieve information about bootstrap configuration for the Envoy instance in the specified pod.',
    example: `  # Retrieve full bootstrap configuration for a given pod from Envoy.
  istioctl proxy-config bootstrap <pod-name[.namespace]>

  # Retrieve full bootstrap configuration for a pod under a deployment from Envoy.
  istioctl proxy-config bootstrap deployment/<deployment-name[.namespace]>

  # Retrieve full bootstrap without using Kubernetes API
  ssh <user@hostname> 'curl localhost:15000/config_dump' > envoy-config.json
  istioctl proxy-config bootstrap --file envoy-config.json

  # Show a human-readable Istio and Envoy version summary
  istioctl proxy-config bootstrap <pod-name[.namespace]> -o short
`,
  },
  log: {
    use: 'istioctl proxy-config log [<type>/]<name>[.<namespace>] [flags]',
    long: 'Retrieve information about logging levels of the Envoy instance in the specified pod, and update optionally',
    example: `  # Retrieve information about logging levels for a given pod from Envoy.
  istioctl proxy-config log <pod-name[.namespace]>

  # Update levels of the all loggers
  istioctl proxy-config log <pod-name[.namespace]> --level none

  # Update levels of the specified loggers.
  istioctl proxy-config log <pod-name[.namespace]> --level http:debug,redis:debug

  # Reset levels of all the loggers to default value (warning).
  istioctl proxy-config log <pod-name[.namespace]> -r
`,
  },
  ecds: {
    use: 'istioctl proxy-config ecds [<type>/]<name>[.<namespace>] [flags]',
    long: 'Retrieve information about typed extension configuration for the Envoy instance in the specified pod.',
    example: `  # Retrieve full typed extension configuration for a given pod from Envoy.
  istioctl proxy-config ecds <pod-name[.namespace]>

  # Retrieve full typed extension configuration for a pod under a deployment from Envoy.
  istioctl proxy-config ecds deployment/<deployment-name[.namespace]>

  # Retrieve endpoint summary without using Kubernetes API
  ssh <user@hostname> 'curl localhost:15000/config_dump' > envoy-config.json
  istioctl proxy-config ecds --file envoy-config.json
`,
  },
  'rootca-compare': {
    use: 'istioctl proxy-config rootca-compare [pod/]<name-1>[.<namespace-1>] [pod/]<name-2>[.<namespace-2>] [flags]',
    // rootCACompareConfigCmd appends util.ExperimentalMsg (istioctl/pkg/util/constants.go)
    long: 'Compare ROOTCA values for given 2 pods to check the connectivity between them.\n\nTHIS COMMAND IS UNDER ACTIVE DEVELOPMENT AND NOT READY FOR PRODUCTION USE.',
    example: `  # Compare ROOTCA values for given 2 pods to check the connectivity between them.
  istioctl proxy-config rootca-compare <pod-name-1[.namespace]> <pod-name-2[.namespace]>`,
  },
};

/** istioctl/pkg/util/constants.go DefaultProxyAdminPort */
const ENVOY_ADMIN_PORT = 15000;

const pc = (
  name: string,
  aliases: string[],
  short: string,
  run: IstioctlCommand['run'],
  extra: IstioctlCommand['flags'] = [],
): IstioctlCommand => ({
  path: ['proxy-config', name],
  aliases,
  short,
  ...PC_TEXTS[name]!,
  needsCluster: true,
  flags: [...COMMON, ...extra],
  run: async (ctx, store) => {
    if (str(ctx.flags.file))
      throw new CommandError('reading an Envoy config dump file (--file) is not simulated in the Ambient Lab sandbox');
    if (!ctx.args.length)
      throw new CommandError(`${name === 'endpoint' ? 'endpoints' : name} requires pod name or --file parameter`);
    // the group's --proxy-admin-port: where the port-forward reaches Envoy's admin API, 15000 on every sandbox proxy
    if (Number(ctx.flags['proxy-admin-port'] ?? ENVOY_ADMIN_PORT) !== ENVOY_ADMIN_PORT)
      throw new CommandError(
        `--proxy-admin-port ${String(ctx.flags['proxy-admin-port'])} is not simulated in the Ambient Lab sandbox: Envoy's admin API listens on ${ENVOY_ADMIN_PORT} (the default)`,
      );
    // the pod as istioctl's user reads it through the API, then Envoy's admin port (a port-forward)
    const pod = resolvePod(store, ctx);
    const denied = portForwardError(ctx, pod);
    if (denied)
      throw new CommandError(
        `failed to execute command on ${String(pod.metadata.name)}.${String(pod.metadata.namespace)} sidecar: failure running port forward process: ${denied}`,
      );
    // what follows is the sidecar's own config dump, not an API listing
    return run(ctx, ctx.world ?? store);
  },
});

/**
 * the flags of the children the sandbox does not run (proxyconfig.go, 1.29.6): `all` has every
 * filter, `bootstrap` its own -o (json), `log` its level flags, `rootca-compare` none (the group's -o is inherited)
 */
const UNSIMULATED_FLAGS: Record<string, FlagSpec[]> = {
  all: [
    COMMON[0]!,
    {name: 'with-headers', type: 'bool', usage: 'Print summary with headers'},
    {name: 'file', short: 'f', type: 'string', usage: 'Envoy config dump file'},
    {name: 'verbose', type: 'bool', default: true, usage: 'Output more information'},
    {name: 'fqdn', type: 'string', usage: 'Filter clusters by substring of Service FQDN field'},
    {name: 'direction', type: 'string', usage: 'Filter clusters by Direction field'},
    {name: 'subset', type: 'string', usage: 'Filter clusters by substring of Subset field'},
    {name: 'port', type: 'int', default: 0, usage: 'Filter clusters and listeners by Port field'},
    {name: 'address', type: 'string', usage: 'Filter listeners by address field'},
    {name: 'type', type: 'string', usage: 'Filter listeners by type field'},
    {name: 'name', type: 'string', usage: 'Filter routes by route name field'},
  ],
  bootstrap: [{...COMMON[0]!, default: 'json'}, COMMON[1]!],
  ecds: COMMON,
  log: [
    {name: 'level', type: 'string', usage: LOG_LEVEL_USAGE},
    {name: 'reset', short: 'r', type: 'bool', usage: 'Reset levels to default value (warning).'},
    {name: 'selector', short: 'l', type: 'string', usage: 'Label selector'},
  ],
  'rootca-compare': [],
};

const notSimulated = (name: string, aliases: string[], short: string): IstioctlCommand => ({
  path: ['proxy-config', name],
  aliases,
  short,
  ...PC_TEXTS[name]!,
  needsCluster: true,
  // every flag the real child has parses, so the answer is that the child is not simulated, not an unknown flag
  flags: UNSIMULATED_FLAGS[name] ?? COMMON,
  run: async () => {
    throw new CommandError(
      `"istioctl proxy-config ${name}" is not simulated in the Ambient Lab sandbox (it reads a live Envoy's admin API): try it on the host backend. Simulated here: cluster, listener, route, endpoint, secret`,
    );
  },
});

const VERBOSE = {name: 'verbose', type: 'bool' as const, default: true, usage: 'Output more information'};

export const PROXY_CONFIG_COMMANDS: IstioctlCommand[] = [
  pc('cluster', ['clusters', 'c'], 'Retrieves cluster configuration for the Envoy in the specified pod', clusterCmd, [
    {name: 'fqdn', type: 'string', usage: 'Filter clusters by substring of Service FQDN field'},
    {name: 'direction', type: 'string', usage: 'Filter clusters by Direction field'},
    {name: 'port', type: 'int', default: 0, usage: 'Filter clusters by Port field'},
    {name: 'subset', type: 'string', usage: 'Filter clusters by substring of Subset field'},
  ]),
  pc(
    'listener',
    ['listeners', 'l'],
    'Retrieves listener configuration for the Envoy in the specified pod',
    listenerCmd,
    [
      {name: 'address', type: 'string', usage: 'Filter listeners by address field'},
      {name: 'port', type: 'int', default: 0, usage: 'Filter listeners by Port field'},
      {name: 'type', type: 'string', usage: 'Filter listeners by type field'},
      VERBOSE,
    ],
  ),
  pc('route', ['routes', 'r'], 'Retrieves route configuration for the Envoy in the specified pod', routeCmd, [
    {name: 'name', type: 'string', usage: 'Filter listeners by route name field'},
    VERBOSE,
  ]),
  pc(
    'endpoint',
    ['endpoints', 'ep'],
    'Retrieves endpoint configuration for the Envoy in the specified pod',
    endpointCmd,
    [
      {name: 'address', type: 'string', usage: 'Filter endpoints by address field'},
      {name: 'cluster', type: 'string', usage: 'Filter endpoints by cluster name field'},
      {name: 'port', type: 'int', default: 0, usage: 'Filter endpoints by Port field'},
      {name: 'status', type: 'string', usage: 'Filter endpoints by status field'},
    ],
  ),
  pc('secret', ['secrets', 's'], 'Retrieves secret configuration for the Envoy in the specified pod', secretCmd),
  notSimulated('all', ['a'], 'Retrieves all configuration for the Envoy in the specified pod'),
  notSimulated('bootstrap', ['b'], 'Retrieves bootstrap configuration for the Envoy in the specified pod'),
  notSimulated('log', ['o'], 'Retrieves logging levels of the Envoy in the specified pod'),
  notSimulated('ecds', ['ec'], 'Retrieves typed extension configuration for the Envoy in the specified pod'),
  notSimulated('rootca-compare', ['rc'], 'Compare ROOTCA values for the two given pods'),
];
