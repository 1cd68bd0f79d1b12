/**
 * `istioctl ztunnel-config` (alias zc; istioctl/pkg/ztunnelconfig, writer/ztunnel/configdump): ztunnel's view of
 * workloads, services and certificates, built from the store. Summary tables use tabwriter padding 1
 * (certificates 5); headers and the `None` waypoint from the source.
 */
import {createHash} from 'node:crypto';
import type {ObjectStore} from '../../api/store';
import type {KubeObject} from '../../api/types';
import {CommandError, str, type IstioctlCommand, type RunContext} from './command';
import {
  hostNetwork,
  isAmbientCaptured,
  isPodReady,
  podIP,
  podNode,
  podPhase,
  proxyKind,
  serviceAccountOf,
  serviceWaypoint,
  tunnelProtocol,
  workloadWaypoint,
} from './mesh-view';
import {selectorObjectMatcher} from '../../api/label-selector';
import {formatTable} from '../../kit/table';
import {listOf} from '../../api/kinds';
import {labelsOf} from '../../mesh/world';

const ZC_FLAGS = [
  {
    name: 'output',
    short: 'o',
    type: 'string' as const,
    default: 'short',
    usage: 'Output format: one of json|yaml|short',
  },
  {name: 'node', type: 'string' as const, usage: 'Filter workloads by node field'},
  {name: 'workload-namespace', type: 'string' as const, usage: 'Filter workloads by namespace field'},
  {name: 'workload-node', type: 'string' as const, usage: 'Filter workloads by node field'},
  {name: 'address', type: 'string' as const, usage: 'Filter workloads by address field'},
  {name: 'service-namespace', type: 'string' as const, usage: 'Filter services by namespace field'},
  {name: 'proxy-admin-port', type: 'int' as const, default: 15000, usage: 'Ztunnel admin port'},
  {name: 'file', short: 'f', type: 'string' as const, usage: 'Ztunnel config dump JSON file'},
];

function ztunnels(store: ObjectStore, ctx: RunContext): KubeObject[] {
  const zs = listOf(store, 'pods', {namespace: ctx.istioNamespace, labelSelector: 'app=ztunnel'}).filter(
    (p) => podPhase(p) === 'Running',
  );
  if (!zs.length) throw new CommandError(`no ztunnel pods found in namespace "${ctx.istioNamespace}"`);
  const node = str(ctx.flags.node);
  const named = ctx.args[0]?.split('.')[0];
  const pick = zs.filter((z) => (!node || podNode(z) === node) && (!named || z.metadata.name === named));
  if (!pick.length)
    throw new CommandError(named ? `pods "${named}" not found` : `no ztunnel pod found on node "${node}"`);
  return pick;
}

interface WorkloadRow {
  pod: KubeObject;
  protocol: 'HBONE' | 'TCP';
  waypoint?: string;
}

function workloads(store: ObjectStore, ctx: RunContext): WorkloadRow[] {
  const ns = str(ctx.flags['workload-namespace']);
  const node = str(ctx.flags['workload-node']);
  const addr = str(ctx.flags.address);
  return listOf(store, 'pods')
    .filter((p) => podIP(p) && !hostNetwork(p) && podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed')
    .filter(
      (p) => (!ns || p.metadata.namespace === ns) && (!node || podNode(p) === node) && (!addr || podIP(p) === addr),
    )
    .map((pod) => ({
      pod,
      protocol: tunnelProtocol(store, pod, ctx.istioNamespace),
      waypoint: workloadWaypoint(store, pod),
    }))
    .sort((a, b) =>
      `${a.pod.metadata.namespace}/${a.pod.metadata.name}`.localeCompare(
        `${b.pod.metadata.namespace}/${b.pod.metadata.name}`,
      ),
    );
}

function workloadJson(w: WorkloadRow) {
  const p = w.pod;
  const l = labelsOf(p);
  return {
    uid: `Kubernetes//Pod/${p.metadata.namespace}/${p.metadata.name}`,
    workloadIps: [podIP(p)],
    protocol: w.protocol,
    name: p.metadata.name,
    namespace: p.metadata.namespace,
    serviceAccount: serviceAccountOf(p),
    workloadName: l.app ?? p.metadata.name,
    workloadType: 'pod',
    canonicalName: l['service.istio.io/canonical-name'] ?? l['app.kubernetes.io/name'] ?? l.app ?? p.metadata.name,
    canonicalRevision: l['service.istio.io/canonical-revision'] ?? l.version ?? 'latest',
    clusterId: 'Kubernetes',
    trustDomain: 'cluster.local',
    node: podNode(p),
    status: isPodReady(p) ? 'Healthy' : 'Unhealthy',
    ...(w.waypoint
      ? {
          waypoint: {
            destination: `${p.metadata.namespace}/${w.waypoint}.${p.metadata.namespace}.svc.cluster.local`,
            hboneMtlsPort: 15008,
          },
        }
      : {}),
    services: {},
  };
}

async function workloadsCmd(ctx: RunContext, store: ObjectStore): Promise<number> {
  ztunnels(store, ctx);
  const rows = workloads(store, ctx);
  if (str(ctx.flags.output) === 'json') {
    ctx.io.stdout.write(`${JSON.stringify(rows.map(workloadJson), null, 2)}\n`);
    return 0;
  }
  const table = rows.map((w) => [
    String(w.pod.metadata.namespace),
    String(w.pod.metadata.name),
    podIP(w.pod)!,
    podNode(w.pod),
    w.waypoint ?? 'None',
    w.protocol,
  ]);
  ctx.io.stdout.write(formatTable([['NAMESPACE', 'POD NAME', 'ADDRESS', 'NODE', 'WAYPOINT', 'PROTOCOL'], ...table], 1));
  return 0;
}

async function servicesCmd(ctx: RunContext, store: ObjectStore): Promise<number> {
  ztunnels(store, ctx);
  const nsFilter = str(ctx.flags['service-namespace']);
  const pods = listOf(store, 'pods').filter((p) => podIP(p));
  const svcs = listOf(store, 'services')
    .filter(
      (s) =>
        (!nsFilter || s.metadata.namespace === nsFilter) &&
        ((s.spec ?? {}) as {clusterIP?: string}).clusterIP &&
        ((s.spec ?? {}) as {clusterIP?: string}).clusterIP !== 'None',
    )
    .sort((a, b) =>
      `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
    );
  const rows = svcs.map((s) => {
    const spec = (s.spec ?? {}) as {clusterIP?: string; selector?: Record<string, string>};
    const match = spec.selector ? selectorObjectMatcher({matchLabels: spec.selector}) : undefined;
    const eps = match ? pods.filter((p) => p.metadata.namespace === s.metadata.namespace && match(labelsOf(p))) : [];
    return {
      s,
      vip: spec.clusterIP!,
      waypoint: serviceWaypoint(store, s),
      healthy: eps.filter(isPodReady).length,
      total: eps.length,
    };
  });
  if (str(ctx.flags.output) === 'json') {
    const doc = rows.map((r) => ({
      name: r.s.metadata.name,
      namespace: r.s.metadata.namespace,
      hostname: `${r.s.metadata.name}.${r.s.metadata.namespace}.svc.cluster.local`,
      vips: [`/${r.vip}`],
      ports: Object.fromEntries(
        (((r.s.spec ?? {}) as {ports?: {port: number; targetPort?: number | string}[]}).ports ?? []).map((p) => [
          String(p.port),
          typeof p.targetPort === 'number' ? p.targetPort : p.port,
        ]),
      ),
      ...(r.waypoint
        ? {
            waypoint: {
              destination: `${r.s.metadata.namespace}/${r.waypoint}.${r.s.metadata.namespace}.svc.cluster.local`,
              hboneMtlsPort: 15008,
            },
          }
        : {}),
    }));
    ctx.io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return 0;
  }
  const table = rows.map((r) => [
    String(r.s.metadata.namespace),
    String(r.s.metadata.name),
    r.vip,
    r.waypoint ?? 'None',
    `${r.healthy}/${r.total}`,
  ]);
  ctx.io.stdout.write(
    formatTable([['NAMESPACE', 'SERVICE NAME', 'SERVICE VIP', 'WAYPOINT', 'ENDPOINTS'], ...table], 1),
  );
  return 0;
}

const hex = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** the identities a ztunnel holds certificates for: the captured workloads on its node (and itself for none) */
async function certificatesCmd(ctx: RunContext, store: ObjectStore): Promise<number> {
  const zs = ztunnels(store, ctx);
  const z = zs[0]!;
  const node = podNode(z);
  const istiod = listOf(store, 'deployments', {namespace: ctx.istioNamespace}).find(
    (d) => d.metadata.name === 'istiod',
  );
  const rootStart = Date.parse(
    String(istiod?.metadata.creationTimestamp ?? z.metadata.creationTimestamp ?? new Date().toISOString()),
  );
  const ids = new Map<string, number>();
  for (const p of listOf(store, 'pods')) {
    if (podNode(p) !== node || !isAmbientCaptured(store, p, ctx.istioNamespace) || proxyKind(p, ctx.istioNamespace))
      continue;
    const id = `spiffe://cluster.local/ns/${p.metadata.namespace}/sa/${serviceAccountOf(p)}`;
    const started = Date.parse(
      String(((p.status ?? {}) as {startTime?: string}).startTime ?? p.metadata.creationTimestamp),
    );
    ids.set(id, Math.min(ids.get(id) ?? Infinity, started));
  }
  const rows: string[][] = [];
  for (const [id, start] of [...ids].sort((a, b) => a[0].localeCompare(b[0]))) {
    // leaves last 24h and are issued 2 minutes back-dated; the self-signed root lasts 10 years
    rows.push([
      id,
      'Leaf',
      'Available',
      'true',
      hex(`leaf:${id}:${node}`),
      isoSeconds(start + 24 * 3600_000 - 120_000),
      isoSeconds(start - 120_000),
    ]);
    rows.push([
      id,
      'Root',
      'Available',
      'true',
      hex(`root:${rootStart}`),
      isoSeconds(rootStart + 10 * 365 * 24 * 3600_000 + 2 * 24 * 3600_000),
      isoSeconds(rootStart),
    ]);
  }
  ctx.io.stdout.write(
    formatTable(
      [['CERTIFICATE NAME', 'TYPE', 'STATUS', 'VALID CERT', 'SERIAL NUMBER', 'NOT AFTER', 'NOT BEFORE'], ...rows],
      5,
    ),
  );
  return 0;
}

const sub = (name: string, aliases: string[], short: string, run: IstioctlCommand['run']): IstioctlCommand => ({
  path: ['ztunnel-config', name],
  aliases,
  short,
  use: `istioctl ztunnel-config ${name} [<type>/]<name>[.<namespace>] [flags]`,
  needsCluster: true,
  flags: ZC_FLAGS,
  run,
});

export const ZTUNNEL_CONFIG_COMMANDS: IstioctlCommand[] = [
  sub(
    'certificate',
    ['certificates', 'certs', 'cert'],
    'Retrieves certificate for the specified Ztunnel pod.',
    certificatesCmd,
  ),
  sub('service', ['services', 's', 'svc'], 'Retrieves services for the specified Ztunnel pod.', servicesCmd),
  sub('workload', ['workloads', 'w'], 'Retrieves workload configuration for the specified Ztunnel pod.', workloadsCmd),
];
