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
  type WaypointRef,
} from './mesh-view';
import {selectorObjectMatcher} from '../../api/label-selector';
import {formatTable} from '../../kit/table';
import type {FlagSpec} from '../../kit/flags';
import {listOf} from '../../api/kinds';
import {labelsOf} from '../../mesh/world';
import {STATIC_STRICT_POLICY} from '../../mesh/peer-authentication';
import {stringify} from 'yaml';
import {portForwardError} from './kube-client';

/** every child's commonFlags.attach (ztunnelconfig.go 1.29.6); each child adds its own filters */
const ZC_FLAGS: FlagSpec[] = [
  {name: 'proxy-admin-port', type: 'int', default: 15000, usage: 'Ztunnel proxy admin port'},
  {name: 'output', short: 'o', type: 'string', default: 'short', usage: 'Output format: one of json|yaml|short'},
  {name: 'node', type: 'string', usage: 'Filter workloads by node field'},
  {name: 'file', short: 'f', type: 'string', usage: 'Ztunnel config dump JSON file'},
];

function ztunnels(store: ObjectStore, ctx: RunContext): KubeObject[] {
  const given = [!!str(ctx.flags.file), ctx.args.length === 1, !!str(ctx.flags.node)].filter(Boolean).length;
  if (given > 1) throw new CommandError('at most one of --file, --node, or pod name must be passed');
  if (str(ctx.flags.file))
    throw new CommandError(
      'reading a ztunnel config dump file (--file) is not simulated in the Ambient Lab sandbox: ask the live ztunnels (no --file)',
    );
  const zs = listOf(store, 'pods', {namespace: ctx.istioNamespace, labelSelector: 'app=ztunnel'}).filter(
    (p) => podPhase(p) === 'Running',
  );
  if (!zs.length) throw new CommandError(`no ztunnel pods found in namespace "${ctx.istioNamespace}"`);
  const node = str(ctx.flags.node);
  const named = ctx.args[0]?.split('.')[0];
  const pick = zs.filter((z) => (!node || podNode(z) === node) && (!named || z.metadata.name === named));
  if (!pick.length)
    // PodOnNodeFromDaemonset (ztunnelconfig.go, 1.29.6) says only this when the node has no ztunnel
    throw new CommandError(named ? `pods "${named}" not found` : 'no pods found');
  return pick;
}

/** ztunnel's GatewayAddress: the waypoint's namespace and the hostname istiod put in its Gateway's status */
const waypointHost = (w: WaypointRef) => `${w.namespace}/${w.name}.${w.namespace}.svc.cluster.local`;

interface WorkloadRow {
  namespace: string;
  name: string;
  address: string;
  /** empty for an endpoint without a Pod */
  node: string;
  protocol: 'HBONE' | 'TCP';
  waypoint?: WaypointRef;
  /** absent for an endpoint without a Pod */
  pod?: KubeObject;
}

interface SliceEndpoint {
  addresses?: string[];
  targetRef?: {kind?: string};
}

/**
 * istiod also makes a workload of every address of a Service's EndpointSlice that no Pod stands behind (the API
 * server's endpoint of `default/kubernetes`, selector-less Services): named after the Service, host network, no node,
 * plain TCP (pilot/pkg/serviceregistry/kube/controller/ambient, `endpointSlicesBuilder`). istio.io's
 * verify-mtls-enabled page shows the k3d row: `default kubernetes 172.20.0.3 None TCP`.
 */
function opaqueEndpoints(store: ObjectStore): WorkloadRow[] {
  return listOf(store, 'endpointslices').flatMap((es) => {
    const service = labelsOf(es)['kubernetes.io/service-name'];
    const body = es as unknown as {addressType?: string; endpoints?: SliceEndpoint[]};
    if (!service || body.addressType === 'FQDN') return [];
    return (body.endpoints ?? [])
      .filter((e) => !e.targetRef || e.targetRef.kind !== 'Pod')
      .flatMap((e) => e.addresses ?? [])
      .map((address) => ({
        namespace: String(es.metadata.namespace),
        name: service,
        address,
        node: '',
        protocol: 'TCP' as const,
      }));
  });
}

function workloads(store: ObjectStore, ctx: RunContext): WorkloadRow[] {
  const ns = str(ctx.flags['workload-namespace']);
  const node = str(ctx.flags['workload-node']);
  const addr = str(ctx.flags.address);
  const pods: WorkloadRow[] = listOf(store, 'pods')
    .filter((p) => podIP(p) && !hostNetwork(p) && podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed')
    .map((pod) => ({
      namespace: String(pod.metadata.namespace),
      name: String(pod.metadata.name),
      address: podIP(pod)!,
      node: podNode(pod),
      pod,
      protocol: tunnelProtocol(store, pod, ctx.istioNamespace),
      waypoint: workloadWaypoint(store, pod),
    }));
  return [...pods, ...opaqueEndpoints(store)]
    .filter((w) => (!ns || w.namespace === ns) && (!node || w.node === node) && (!addr || w.address === addr))
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

function workloadJson(w: WorkloadRow) {
  const p = w.pod;
  if (!p)
    return {
      workloadIps: [w.address],
      networkMode: 'HOST_NETWORK',
      protocol: w.protocol,
      name: w.name,
      namespace: w.namespace,
      clusterId: 'Kubernetes',
      status: 'Healthy',
      services: {},
    };
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
            destination: waypointHost(w.waypoint),
            hboneMtlsPort: 15008,
          },
        }
      : {}),
    services: {},
  };
}

function workloadTable(rows: WorkloadRow[]): string {
  const table = rows.map((w) => [w.namespace, w.name, w.address, w.node, w.waypoint?.name ?? 'None', w.protocol]);
  return formatTable([['NAMESPACE', 'POD NAME', 'ADDRESS', 'NODE', 'WAYPOINT', 'PROTOCOL'], ...table], 1);
}

async function workloadsCmd(ctx: RunContext, store: ObjectStore): Promise<number> {
  ztunnels(store, ctx);
  const rows = workloads(store, ctx);
  if (structured(ctx, rows.map(workloadJson))) return 0;
  ctx.io.stdout.write(workloadTable(rows));
  return 0;
}

function serviceRows(store: ObjectStore, nsFilter: string) {
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
  return svcs.map((s) => {
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
}

function serviceTable(rows: ReturnType<typeof serviceRows>): string {
  const table = rows.map((r) => [
    String(r.s.metadata.namespace),
    String(r.s.metadata.name),
    r.vip,
    r.waypoint?.name ?? 'None',
    `${r.healthy}/${r.total}`,
  ]);
  return formatTable([['NAMESPACE', 'SERVICE NAME', 'SERVICE VIP', 'WAYPOINT', 'ENDPOINTS'], ...table], 1);
}

async function servicesCmd(ctx: RunContext, store: ObjectStore): Promise<number> {
  ztunnels(store, ctx);
  const rows = serviceRows(store, str(ctx.flags['service-namespace']));
  if (str(ctx.flags.output) !== 'short') {
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
              destination: waypointHost(r.waypoint),
              hboneMtlsPort: 15008,
            },
          }
        : {}),
    }));
    structured(ctx, doc);
    return 0;
  }
  ctx.io.stdout.write(serviceTable(rows));
  return 0;
}

const hex = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** the identities a ztunnel holds certificates for: the captured workloads on its node (and itself for none) */
function certificateTable(store: ObjectStore, ctx: RunContext, z: KubeObject): string {
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
  return formatTable(
    [['CERTIFICATE NAME', 'TYPE', 'STATUS', 'VALID CERT', 'SERIAL NUMBER', 'NOT AFTER', 'NOT BEFORE'], ...rows],
    5,
  );
}

async function certificatesCmd(ctx: RunContext, store: ObjectStore): Promise<number> {
  const z = ztunnels(store, ctx)[0]!;
  ctx.io.stdout.write(certificateTable(store, ctx, z));
  return 0;
}

/**
 * the authorization policies istiod sends ztunnel (pilot/pkg/serviceregistry/ambient/authorization.go
 * convertAuthorizationPolicy, policies.go): AuthorizationPolicies without targetRefs (those are for waypoints),
 * ALLOW and DENY only, scoped Global in the root namespace, Namespace without a selector, WorkloadSelector with one;
 * plus the static STRICT policy once any PeerAuthentication exists, and a converted policy per workload
 * PeerAuthentication with port-level mTLS
 */
function ztunnelPolicies(
  store: ObjectStore,
  rootNs: string,
): {namespace: string; name: string; action: string; scope: string}[] {
  const out: {namespace: string; name: string; action: string; scope: string}[] = [];
  for (const ap of listOf(store, 'authorizationpolicies')) {
    const spec = (ap.spec ?? {}) as {targetRef?: unknown; targetRefs?: unknown[]; selector?: unknown; action?: string};
    if (spec.targetRef || spec.targetRefs?.length) continue;
    const action = spec.action ?? 'ALLOW';
    if (action !== 'ALLOW' && action !== 'DENY') continue;
    const ns = String(ap.metadata.namespace);
    out.push({
      namespace: ns,
      name: String(ap.metadata.name),
      action: action === 'ALLOW' ? 'Allow' : 'Deny',
      scope: spec.selector ? 'WorkloadSelector' : ns === rootNs ? 'Global' : 'Namespace',
    });
  }
  const pas = listOf(store, 'peerauthentications');
  for (const pa of pas) {
    const spec = (pa.spec ?? {}) as {selector?: unknown; portLevelMtls?: Record<string, unknown>};
    if (pa.metadata.namespace === rootNs || !spec.selector || !Object.keys(spec.portLevelMtls ?? {}).length) continue;
    out.push({
      namespace: String(pa.metadata.namespace),
      name: `converted_peer_authentication_${pa.metadata.name}`,
      action: 'Deny',
      scope: 'WorkloadSelector',
    });
  }
  if (pas.length) out.push({namespace: rootNs, name: STATIC_STRICT_POLICY, action: 'Deny', scope: 'WorkloadSelector'});
  return out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

function policyTable(rows: ReturnType<typeof ztunnelPolicies>): string {
  return formatTable(
    [['NAMESPACE', 'POLICY NAME', 'ACTION', 'SCOPE'], ...rows.map((r) => [r.namespace, r.name, r.action, r.scope])],
    1,
  );
}

async function policiesCmd(ctx: RunContext, store: ObjectStore): Promise<number> {
  ztunnels(store, ctx);
  const ns = str(ctx.flags['policy-namespace']);
  const rows = ztunnelPolicies(store, ctx.istioNamespace).filter(
    (r) => !ns || r.namespace.toLowerCase() === ns.toLowerCase(),
  );
  if (
    structured(
      ctx,
      rows.map((r) => ({name: r.name, namespace: r.namespace, scope: r.scope, action: r.action, rules: []})),
    )
  )
    return 0;
  ctx.io.stdout.write(policyTable(rows));
  return 0;
}

/**
 * The connections ztunnel holds open right now (writer/ztunnel/configdump/connections.go). The sandbox's curl and
 * Envoy connections are modelled per request and are closed by the time istioctl asks, so the table has its
 * header only, as on a quiet real cluster.
 */
const CONNECTIONS_HEADER = ['WORKLOAD', 'DIRECTION', 'LOCAL', 'REMOTE', 'REMOTE TARGET', 'PROTOCOL'];

async function connectionsCmd(ctx: RunContext, store: ObjectStore): Promise<number> {
  ztunnels(store, ctx);
  const dir = str(ctx.flags.direction);
  if (dir && dir !== 'inbound' && dir !== 'outbound')
    throw new CommandError(`invalid direction "${dir}", must be one of inbound or outbound`);
  if (structured(ctx, [])) return 0;
  ctx.io.stdout.write(formatTable([CONNECTIONS_HEADER], 1));
  return 0;
}

/** `zc all`: every summary after a blank line, with `------ X INFO ------` titles under --with-headers */
async function allCmd(ctx: RunContext, store: ObjectStore): Promise<number> {
  const z = ztunnels(store, ctx)[0]!;
  const all = {workloads: workloads(store, {...ctx, flags: {}}), services: serviceRows(store, '')};
  if (str(ctx.flags.output) !== 'short') {
    structured(ctx, {
      workloads: all.workloads.map(workloadJson),
      services: all.services.map((r) => ({
        name: r.s.metadata.name,
        namespace: r.s.metadata.namespace,
        hostname: `${r.s.metadata.name}.${r.s.metadata.namespace}.svc.cluster.local`,
        vips: [`/${r.vip}`],
      })),
      policies: ztunnelPolicies(store, ctx.istioNamespace),
      certificates: [],
      workloadState: {},
    });
    return 0;
  }
  const title = (t: string) => (ctx.flags['with-headers'] === true ? `------ ${t} ------\n\n` : '');
  ctx.io.stdout.write(
    `\n${title('WORKLOAD INFO')}${workloadTable(all.workloads)}` +
      `\n${title('SERVICE INFO')}${serviceTable(all.services)}` +
      `\n${title('POLICY INFO')}${policyTable(ztunnelPolicies(store, ctx.istioNamespace))}` +
      `\n${title('SECRET INFO')}${certificateTable(store, ctx, z)}` +
      `\n${title('CONNECTIONS INFO')}${formatTable([CONNECTIONS_HEADER], 1)}`,
  );
  return 0;
}

/** -o json|yaml: true when it printed; an unknown format is istioctl's error */
function structured(ctx: RunContext, doc: unknown): boolean {
  const out = str(ctx.flags.output, 'short');
  if (out === 'short') return false;
  if (out === 'json') ctx.io.stdout.write(`${JSON.stringify(doc, null, 4)}\n`);
  else if (out === 'yaml') ctx.io.stdout.write(`${stringify(doc)}\n`);
  else throw new CommandError(`output format "${out}" not supported`);
  return true;
}

/** a child as ztunnelconfig.go 1.29.6 declares it: Use, Short, aliases, Long, Example and its own filter flags */
const sub = (
  use: string,
  aliases: string[],
  short: string,
  long: string,
  example: string,
  extra: FlagSpec[],
  run: IstioctlCommand['run'],
): IstioctlCommand => ({
  path: ['ztunnel-config', use.split(' ')[0]!],
  aliases,
  short,
  long,
  example,
  use: `istioctl ztunnel-config ${use} [flags]`,
  needsCluster: true,
  flags: [...ZC_FLAGS, ...extra],
  run: async (ctx, store) => {
    // the ztunnel pods as istioctl's user lists them through the API, then each one's admin port (a port-forward)
    for (const z of ztunnels(store, ctx)) {
      const denied = portForwardError(ctx, z);
      if (denied)
        throw new CommandError(
          `failed to execute command on ${String(z.metadata.name)}.${String(z.metadata.namespace)} Ztunnel: failure running port forward process: ${denied}`,
        );
    }
    if (Number(ctx.flags['proxy-admin-port']) !== ZTUNNEL_ADMIN_PORT)
      throw new CommandError(
        `--proxy-admin-port ${String(ctx.flags['proxy-admin-port'])} is not simulated in the Ambient Lab sandbox: ztunnel's admin API listens on ${ZTUNNEL_ADMIN_PORT} (the default)`,
      );
    // what follows is the ztunnel's own config dump, not an API listing
    return run(ctx, ctx.world ?? store);
  },
});

/** util.DefaultProxyAdminPort, where ztunnel's admin API listens too */
const ZTUNNEL_ADMIN_PORT = 15000;

const WORKLOAD_NAMESPACE: FlagSpec = {
  name: 'workload-namespace',
  type: 'string',
  usage: 'Filter workloads by namespace field',
};

export const ZTUNNEL_CONFIG_COMMANDS: IstioctlCommand[] = [
  sub(
    'all',
    [],
    'Retrieves all configuration for the specified Ztunnel pod.',
    'Retrieve information about all configuration for the Ztunnel instance.',
    `  # Retrieve summary about all configuration for a randomly chosen ztunnel.
  istioctl ztunnel-config all

  # Retrieve full configuration dump of workloads for a given Ztunnel instance.
  istioctl ztunnel-config all <ztunnel-name[.namespace]> -o json
`,
    [{name: 'with-headers', type: 'bool', usage: 'Print summary with headers'}],
    allCmd,
  ),
  sub(
    'connections [<type>/]<name>[.<namespace>]',
    ['cons'],
    'Retrieves connections for the specified Ztunnel pod.',
    'Retrieve information about connections for the Ztunnel instance.',
    `  # Retrieve summary about connections for the ztunnel on a specific node.
  istioctl ztunnel-config connections --node ambient-worker

  # Retrieve summary of connections for a given Ztunnel instance.
  istioctl ztunnel-config connections <ztunnel-name[.namespace]>
`,
    [
      {name: 'direction', type: 'string', usage: 'Filter workloads by direction (inbound or outbound)'},
      {name: 'raw', type: 'bool', usage: 'If set, show IP addresses instead of names'},
      WORKLOAD_NAMESPACE,
    ],
    connectionsCmd,
  ),
  sub(
    'policy',
    ['policies', 'p', 'pol'],
    'Retrieves policies for the specified Ztunnel pod.',
    'Retrieve information about policies for the Ztunnel instance.',
    `  # Retrieve summary about policy configuration for a randomly chosen ztunnel.
  istioctl ztunnel-config policies

  # Retrieve full policy dump of workloads for a given Ztunnel instance.
  istioctl ztunnel-config policies <ztunnel-name[.namespace]> -o json
`,
    [{name: 'policy-namespace', type: 'string', usage: 'Filter policies by namespace field'}],
    policiesCmd,
  ),
  sub(
    'certificate',
    ['certificates', 'certs', 'cert'],
    'Retrieves certificate for the specified Ztunnel pod.',
    'Retrieve information about certificates for the Ztunnel instance.',
    `  # Retrieve summary about workload configuration for a randomly chosen ztunnel.
  istioctl ztunnel-config certificates

  # Retrieve full certificate dump of workloads for a given Ztunnel instance.
  istioctl ztunnel-config certificates <ztunnel-name[.namespace]> -o json
`,
    [],
    certificatesCmd,
  ),
  sub(
    'service',
    ['services', 's', 'svc'],
    'Retrieves services for the specified Ztunnel pod.',
    'Retrieve information about services for the Ztunnel instance.',
    `  # Retrieve summary about services configuration for a randomly chosen ztunnel.
  istioctl ztunnel-config services

  # Retrieve full services dump of workloads for a given Ztunnel instance.
  istioctl ztunnel-config services <ztunnel-name[.namespace]> -o json
`,
    [{name: 'service-namespace', type: 'string', usage: 'Filter services by namespace field'}],
    servicesCmd,
  ),
  sub(
    'workload [<type>/]<name>[.<namespace>]',
    ['w', 'workloads'],
    'Retrieves workload configuration for the specified Ztunnel pod.',
    'Retrieve information about workload configuration for the Ztunnel instance.',
    `  # Retrieve summary about workload configuration for a randomly chosen ztunnel.
  istioctl ztunnel-config workload

  # Retrieve summary of workloads on node XXXX for a given Ztunnel instance.
  istioctl ztunnel-config workload <ztunnel-name[.namespace]> --node ambient-worker

  # Retrieve full workload dump of workloads with address XXXX for a given Ztunnel instance.
  istioctl ztunnel-config workload <ztunnel-name[.namespace]> --address 0.0.0.0 -o json

  # Retrieve Ztunnel config dump separately and inspect from file.
  kubectl exec -it $ZTUNNEL -n istio-system -- curl localhost:15000/config_dump > ztunnel-config.json
  istioctl ztunnel-config workloads --file ztunnel-config.json

  # Retrieve workload summary for a specific namespace
  istioctl ztunnel-config workloads <ztunnel-name[.namespace]> --workload-namespace foo
`,
    [
      {name: 'address', type: 'string', usage: 'Filter workloads by address field'},
      WORKLOAD_NAMESPACE,
      {name: 'workload-node', type: 'string', usage: 'Filter workloads by node'},
    ],
    workloadsCmd,
  ),
];
