/**
 * `istioctl proxy-status` (istioctl/pkg/proxystatus, 1.26+ layout): every proxy connected to istiod with the xDS
 * types it subscribes to. Field outputs as real istioctl prints them: sidecars
 * `4 (CDS,LDS,EDS,RDS)` — with ambient installed also WDS —, gateways `3 (CDS,LDS,EDS)`, ztunnels `2 (WADS,WDS)`.
 * Tabwriter padding 5.
 */
import type {ObjectStore} from '../../api/store';
import {CommandError, str, type IstioctlCommand, type RunContext} from './command';
import {connectedProxies, podPhase, proxyTag, type ProxyKind} from './mesh-view';
import {ApiError} from '../../api/status';
import {deniedMessage, portForwardError} from './kube-client';
import type {KubeObject} from '../../api/types';
import {formatTable} from '../../kit/table';
import type {FlagSpec} from '../../kit/flags';
import {listOf} from '../../api/kinds';

function subscribed(kind: ProxyKind, ambient: boolean): string {
  if (kind === 'ztunnel') return '2 (WADS,WDS)';
  if (kind === 'gateway') return '3 (CDS,LDS,EDS)';
  // waypoints and sidecars get routes; with ambient on, workload discovery too (an inference for waypoints)
  return ambient ? '5 (CDS,LDS,EDS,RDS,WDS)' : '4 (CDS,LDS,EDS,RDS)';
}

/** the XDS port istiod serves with TLS, where the port-forward goes (root.go's viper default for XDS-PORT) */
const XDS_PORT = 15012;

const notSimulated = (what: string) =>
  new CommandError(
    `${what} is not simulated in the Ambient Lab sandbox: drop it and istioctl reaches istiod through the Kubernetes API (port-forward to ${XDS_PORT})`,
  );

/**
 * the istiod pods the XDS request goes to (multixds queryEachShard): --xds-label or app=istiod, Running, and
 * GetIstioPods' istio.io/rev=<revision> for an explicit -r; a list error wrapped as GetIstioPods wraps it
 */
function xdsIstiods(ctx: RunContext, store: ObjectStore): KubeObject[] {
  const selector = [str(ctx.flags['xds-label']) || 'app=istiod'];
  if (str(ctx.flags.revision)) selector.push(`istio.io/rev=${str(ctx.flags.revision)}`);
  try {
    return listOf(store, 'pods', {namespace: ctx.istioNamespace, labelSelector: selector.join(',')}).filter(
      (p) => podPhase(p) === 'Running' && !p.metadata.deletionTimestamp,
    );
  } catch (e) {
    if (e instanceof ApiError) throw new CommandError(`unable to retrieve Pods: ${e.message}`);
    throw e;
  }
}

async function proxyStatus(ctx: RunContext, store: ObjectStore): Promise<number> {
  // --xds-address dials an XDS endpoint directly (MultiRequestAndProcessXds, before any pod is listed); the
  // in-cluster path ignores --authority, --insecure and --plaintext (queryEachShard copies only CertDir and Timeout)
  if (str(ctx.flags['xds-address'])) throw notSimulated('--xds-address (an XDS endpoint outside the cluster)');
  const only = ctx.args[0];
  // --file replaces the sidecar's config dump in the sync diff of one proxy
  if (only && str(ctx.flags.file)) throw notSimulated('--file (an Envoy config dump file)');
  const istiods = xdsIstiods(ctx, store);
  if (!istiods.length) throw new CommandError('unable to find any Istiod instances');
  // --cert-dir: client certificates read from the learner's disk instead of a service account token
  if (str(ctx.flags['cert-dir'])) throw notSimulated('--cert-dir (XDS client certificates)');
  // DialOptions: a token of the Istio namespace's `default` service account (CreatePerRPCCredentials)
  const token = deniedMessage(ctx, 'create', ctx.istioNamespace, 'default', 'token', 'serviceaccounts');
  if (token) throw new CommandError(`failed to create RPC credentials for "default.${ctx.istioNamespace}": ${token}`);
  if (Number(ctx.flags['xds-port']) !== XDS_PORT)
    throw notSimulated(`--xds-port ${String(ctx.flags['xds-port'])} (istiod serves XDS on ${XDS_PORT})`);
  // a port-forward to each istiod; queryEachShard returns fw.Start()'s error as it is
  for (const istiod of istiods) {
    const denied = portForwardError(ctx, istiod);
    if (denied) throw new CommandError(denied);
  }
  // XdsStatusWriter.printAllVerbose: a column per xDS type with its sync state and age, which the sandbox does not keep
  if (Number(ctx.flags.verbosity) > 0)
    throw new CommandError(
      '--verbosity above 0 (the sync state of each xDS type) is not simulated in the Ambient Lab sandbox: the sandbox keeps no xDS sync state',
    );
  // what follows is istiod's answer over XDS, not an API listing
  const world = ctx.world ?? store;
  const ambient = listOf(world, 'daemonsets', {namespace: ctx.istioNamespace}).some(
    (d) => d.metadata.name === 'ztunnel',
  );
  // XdsStatusWriter filters by ctx.Namespace(): the -n flag as given, no filter without it
  const namespace = ctx.set.has('namespace') ? ctx.namespace : '';
  // --output is kept in XdsStatusWriter.OutputFormat, which PrintAll never reads: any value prints the table
  const rows = connectedProxies(world, ctx.istioNamespace)
    .filter(({pod}) => !namespace || pod.metadata.namespace === namespace)
    .filter(
      ({pod}) =>
        !only ||
        `${pod.metadata.name}.${pod.metadata.namespace}` === only ||
        (pod.metadata.name === only && pod.metadata.namespace === ctx.namespace),
    )
    .map(({pod, kind}, i) => [
      `${pod.metadata.name}.${pod.metadata.namespace}`,
      'Kubernetes',
      String(istiods[i % istiods.length]!.metadata.name),
      proxyTag(pod),
      subscribed(kind, ambient),
    ]);
  // setupStatusPrint sorts the proxies by their ID (<pod>.<namespace>)
  rows.sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
  ctx.io.stdout.write(formatTable([['NAME', 'CLUSTER', 'ISTIOD', 'VERSION', 'SUBSCRIBED TYPES'], ...rows], 5));
  return 0;
}

/**
 * istioctl/pkg/proxystatus/proxystatus.go StableXdsStatusCommand (1.29.6) with its flags (its own, the control plane
 * and central control plane options, istioctl/pkg/clioptions)
 */
const FLAGS: FlagSpec[] = [
  {name: 'authority', type: 'string', usage: 'XDS Subject Alternative Name (for example istiod.istio-system.svc)'},
  {name: 'cert-dir', type: 'string', usage: 'XDS Endpoint certificate directory'},
  {name: 'file', type: 'string', usage: 'Envoy config dump JSON file'},
  {name: 'insecure', type: 'bool', usage: 'Skip server certificate and domain verification. (NOT SECURE!)'},
  {name: 'output', short: 'o', type: 'string', default: 'table', usage: 'Output format: table or json'},
  {name: 'plaintext', type: 'bool', usage: 'Use plain-text HTTP/2 when connecting to server (no TLS).'},
  {name: 'proxy-admin-port', type: 'int', default: 15000, usage: 'Envoy proxy admin port'},
  {name: 'revision', short: 'r', type: 'string', usage: 'Control plane revision'},
  {name: 'timeout', type: 'duration', default: '30s', usage: 'The duration to wait before failing'},
  {
    name: 'verbosity',
    short: 'v',
    type: 'int',
    usage: 'Verbosity level for proxy status output. 0=default, 1=show all xDS types (max verbosity)',
  },
  {name: 'xds-address', type: 'string', usage: 'XDS Endpoint'},
  {name: 'xds-label', type: 'string', usage: 'Istiod pod label selector'},
  // root.go's viper default for XDS-PORT
  {name: 'xds-port', type: 'int', default: 15012, usage: 'Istiod pod port'},
];

export const proxyStatusCommand: IstioctlCommand = {
  path: ['proxy-status'],
  aliases: ['ps'],
  short: 'Retrieves the synchronization status of each Envoy in the mesh',
  // cobra prints it after trimming its end only: the help starts with a blank line
  long: `
Retrieves last sent and last acknowledged xDS sync from Istiod to each Envoy in the mesh
`,
  example: `  # Retrieve sync status for all Envoys in a mesh
  istioctl proxy-status

  # Retrieve sync status for Envoys in a specific namespace
  istioctl proxy-status --namespace foo

  # Retrieve sync diff for a single Envoy and Istiod
  istioctl proxy-status istio-egressgateway-59585c5b9c-ndc59.istio-system

  # SECURITY OPTIONS

  # Retrieve proxy status information directly from the control plane, using token security
  # (This is the usual way to get the proxy-status with an out-of-cluster control plane.)
  istioctl ps --xds-address istio.cloudprovider.example.com:15012

  # Retrieve proxy status information via Kubernetes config, using token security
  # (This is the usual way to get the proxy-status with an in-cluster control plane.)
  istioctl proxy-status

  # Retrieve proxy status information directly from the control plane, using RSA certificate security
  # (Certificates must be obtained before this step.  The --cert-dir flag lets istioctl bypass the Kubernetes API server.)
  istioctl ps --xds-address istio.example.com:15012 --cert-dir ~/.istio-certs

  # Retrieve proxy status information via XDS from specific control plane in multi-control plane in-cluster configuration
  # (Select a specific control plane in an in-cluster canary Istio configuration.)
  istioctl ps --xds-label istio.io/rev=default

  # Show the status of a specific proxy in JSON format
  istioctl proxy-status --output json`,
  use: 'istioctl proxy-status [<type>/]<name>[.<namespace>] [flags]',
  needsCluster: true,
  flags: FLAGS,
  run: proxyStatus,
};
