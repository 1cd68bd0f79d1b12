/**
 * `istioctl proxy-status` (istioctl/pkg/proxystatus, 1.26+ layout): every proxy connected to istiod with the xDS
 * types it subscribes to. Field outputs as real istioctl prints them: sidecars
 * `4 (CDS,LDS,EDS,RDS)` — with ambient installed also WDS —, gateways `3 (CDS,LDS,EDS)`, ztunnels `2 (WADS,WDS)`.
 * Tabwriter padding 5.
 */
import type {ObjectStore} from '../../api/store';
import {CommandError, type IstioctlCommand, type RunContext} from './command';
import {connectedProxies, istiodPods, proxyTag, type ProxyKind} from './mesh-view';
import {formatTable} from '../../kit/table';
import type {FlagSpec} from '../../kit/flags';
import {listOf} from '../../api/kinds';

function subscribed(kind: ProxyKind, ambient: boolean): string {
  if (kind === 'ztunnel') return '2 (WADS,WDS)';
  if (kind === 'gateway') return '3 (CDS,LDS,EDS)';
  // waypoints and sidecars get routes; with ambient on, workload discovery too (an inference for waypoints)
  return ambient ? '5 (CDS,LDS,EDS,RDS,WDS)' : '4 (CDS,LDS,EDS,RDS)';
}

async function proxyStatus(ctx: RunContext, store: ObjectStore): Promise<number> {
  const istiods = istiodPods(store, ctx.istioNamespace);
  if (!istiods.length) throw new CommandError('unable to find any Istiod instances');
  const ambient = listOf(store, 'daemonsets', {namespace: ctx.istioNamespace}).some(
    (d) => d.metadata.name === 'ztunnel',
  );
  const only = ctx.args[0];
  const rows = connectedProxies(store, ctx.istioNamespace)
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
  ctx.io.stdout.write(formatTable([['NAME', 'CLUSTER', 'ISTIOD', 'VERSION', 'SUBSCRIBED TYPES'], ...rows], 5));
  return 0;
}

/**
 * istioctl/pkg/proxystatus/proxystatus.go StableXdsStatusCommand (1.29.6) with its flags (its own, the control plane
 * and central control plane options, istioctl/pkg/clioptions); the sandbox parses only -r and its own
 * --istiod-label and -v
 */
const HELP_FLAGS: FlagSpec[] = [
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
  flags: [
    {name: 'revision', short: 'r', type: 'string', usage: 'Control plane revision'},
    {name: 'istiod-label', type: 'string', usage: 'istiod pod label selector'},
    {name: 'verbose', short: 'v', type: 'bool', usage: 'Include the xDS sync state of each type'},
  ],
  helpFlags: () => HELP_FLAGS,
  run: proxyStatus,
};
