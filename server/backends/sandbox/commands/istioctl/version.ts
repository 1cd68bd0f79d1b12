/**
 * `istioctl version` (istioctl/pkg/version/version.go, pkg/version/cobra.go): the client line, then the control
 * plane's version from running istiod pods and the data plane's from connected proxies. Without istiod the first
 * line (on stderr) is `Istio is not present in the cluster: no running Istio pods in namespace "istio-system"`.
 */
import {ApiError} from '../../api/status';
import {CommandError, str, type IstioctlCommand, type RunContext} from './command';
import {connectedProxies, imageTag, istiodPods, proxyTag} from './mesh-view';

async function version(ctx: RunContext): Promise<number> {
  const {io} = ctx;
  const client = ctx.opts.release.version;
  const output = str(ctx.flags.output);
  const remote = ctx.flags.remote !== false;
  if (output !== '' && output !== 'yaml' && output !== 'json')
    throw new CommandError("--output must be 'yaml' or 'json'");
  const store = ctx.cluster.store;
  if (!remote || !store) {
    if (remote && !store)
      io.stderr.write(
        'Istio is not present in the cluster: Get "http://localhost:8080/api/v1/namespaces/istio-system/pods?fieldSelector=status.phase%3DRunning&labelSelector=app%3Distiod": dial tcp 127.0.0.1:8080: connect: connection refused\n',
      );
    io.stdout.write(
      output === 'json'
        ? `${JSON.stringify({clientVersion: clientInfo(client)}, null, 2)}\n`
        : `client version: ${client}\n`,
    );
    return 0;
  }
  let istiods;
  try {
    istiods = istiodPods(store, ctx.istioNamespace, str(ctx.flags.revision));
  } catch (e) {
    // getRemoteInfoWrapper prints GetIstioPods' error; GetProxyInfo fails the same way and is dropped
    if (!(e instanceof ApiError)) throw e;
    io.stderr.write(`Istio is not present in the cluster: unable to retrieve Pods: ${e.message}\n`);
    io.stdout.write(`client version: ${client}\n`);
    return 0;
  }
  if (!istiods.length) {
    io.stderr.write(
      `Istio is not present in the cluster: no running Istio pods in namespace "${ctx.istioNamespace}"\n`,
    );
    io.stdout.write(`client version: ${client}\n`);
    return 0;
  }
  const cp = [...new Set(istiods.map(imageTag))];
  const byTag = new Map<string, number>();
  // the data plane is what istiod reports over XDS (GetProxyInfo), not an API listing
  for (const {pod} of connectedProxies(ctx.world ?? store, ctx.istioNamespace))
    byTag.set(proxyTag(pod), (byTag.get(proxyTag(pod)) ?? 0) + 1);
  if (output === 'json' || output === 'yaml') {
    const doc = {
      clientVersion: clientInfo(client),
      meshVersion: istiods.map((p) => ({
        Component: 'istiod',
        Revision: p.metadata.labels?.['istio.io/rev'] ?? 'default',
        Info: {version: imageTag(p)},
      })),
      dataPlaneVersion: [...byTag].map(([v, n]) => ({IstioVersion: v, count: n})),
    };
    if (output === 'yaml') throw new CommandError('--output yaml is not simulated; use --output json');
    io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return 0;
  }
  const dp = byTag.size
    ? [...byTag].map(([v, n]) => `${v} (${n} ${n === 1 ? 'proxy' : 'proxies'})`).join(', ')
    : 'none';
  io.stdout.write(`client version: ${client}\ncontrol plane version: ${cp.join(', ')}\ndata plane version: ${dp}\n`);
  return 0;
}

const clientInfo = (v: string) => ({
  version: v,
  revision: 'unknown',
  golang_version: 'go1.25.4',
  status: 'Clean',
  tag: v,
});

/**
 * pkg/version/cobra.go CobraCommandWithOptions and istioctl/pkg/version/version.go NewVersionCommand (1.29.6): no
 * Long, no Example; --short and --remote are defined false and then Set to true, so they start true while their
 * help, which shows pflag's DefValue, shows no default
 */
export const versionCommand: IstioctlCommand = {
  path: ['version'],
  short: 'Prints out build version information',
  use: 'istioctl version [flags]',
  needsCluster: false,
  flags: [
    {name: 'output', short: 'o', type: 'string', usage: "One of 'yaml' or 'json'."},
    {
      name: 'remote',
      type: 'bool',
      default: true,
      defValue: 'false',
      usage: 'Use --remote=false to suppress control plane check',
    },
    {
      name: 'short',
      short: 's',
      type: 'bool',
      default: true,
      defValue: 'false',
      usage: 'Use --short=false to generate full version information',
    },
    // clioptions.ControlPlaneOptions.AttachControlPlaneFlags (istioctl/pkg/clioptions/control_plane.go)
    {name: 'revision', short: 'r', type: 'string', usage: 'Control plane revision'},
  ],
  run: version,
};
