/**
 * `istioctl version` (istioctl/pkg/version/version.go, pkg/version/cobra.go): the client line, then the control
 * plane's version from running istiod pods and the data plane's from connected proxies (--short=false: Go's %#v of
 * each; -o json|yaml: the Version document). Without istiod the first line (on stderr) is `Istio is not present in
 * the cluster: no running Istio pods in namespace "istio-system"`.
 */
import {ApiError} from '../../api/status';
import {stringify} from 'yaml';
import {CommandError, str, type IstioctlCommand, type RunContext} from './command';
import {connectedProxies, imageTag, istiodPods, proxyTag} from './mesh-view';
import {checkKubeClientTimeout} from './kube-client';

/** pkg/version BuildInfo, in its JSON field order */
interface BuildInfo {
  version: string;
  revision: string;
  golang_version: string;
  status: string;
  tag: string;
}

/** pkg/version ServerInfo and ProxyInfo (no JSON tags: Go's field names) */
interface ServerInfo {
  Component: string;
  Revision: string;
  Info: BuildInfo;
}
interface ProxyInfo {
  ID: string;
  IstioVersion: string;
  Type: string;
}

const buildInfo = (v: string): BuildInfo => ({
  version: v,
  revision: 'unknown',
  golang_version: 'go1.25.4',
  status: 'Clean',
  tag: v,
});

/** BuildInfo.LongForm: Go's %#v of the struct */
const longForm = (b: BuildInfo) =>
  `version.BuildInfo{Version:${JSON.stringify(b.version)}, GitRevision:${JSON.stringify(b.revision)}, GolangVersion:${JSON.stringify(b.golang_version)}, BuildStatus:${JSON.stringify(b.status)}, GitTag:${JSON.stringify(b.tag)}}`;

/**
 * getRemoteInfoWrapper: istiod's /version from each running istiod (GetIstioVersions), or undefined after printing
 * `Istio is not present in the cluster[: <error>]` on stderr
 */
function remoteInfo(ctx: RunContext): ServerInfo[] | undefined {
  const notPresent = (why: string) => {
    ctx.io.stderr.write(`Istio is not present in the cluster: ${why}\n`);
    return undefined;
  };
  // CLIClientWithRevision parses --kubeclient-timeout first
  try {
    checkKubeClientTimeout(ctx.flags);
  } catch (e) {
    if (e instanceof CommandError) return notPresent(e.message);
    throw e;
  }
  const store = ctx.cluster.store;
  if (!store)
    return notPresent(
      'Get "http://localhost:8080/api/v1/namespaces/istio-system/pods?fieldSelector=status.phase%3DRunning&labelSelector=app%3Distiod": dial tcp 127.0.0.1:8080: connect: connection refused',
    );
  let istiods;
  try {
    istiods = istiodPods(store, ctx.istioNamespace, str(ctx.flags.revision));
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return notPresent(`unable to retrieve Pods: ${e.message}`);
  }
  if (!istiods.length) return notPresent(`no running Istio pods in namespace "${ctx.istioNamespace}"`);
  return istiods.map((p) => ({
    // the pod's `istio` label (pilot) and `istio.io/rev`
    Component: p.metadata.labels?.istio ?? '',
    Revision: p.metadata.labels?.['istio.io/rev'] ?? '',
    Info: buildInfo(imageTag(p)),
  }));
}

/** GetProxyInfo: istiod's debug/syncz, every connected proxy (Type: ToUserFacingNodeType) */
function proxyInfo(ctx: RunContext, mesh: ServerInfo[] | undefined): ProxyInfo[] | undefined {
  const world = ctx.world;
  if (!mesh || !world) return undefined;
  return connectedProxies(world, ctx.istioNamespace).map(({pod, kind}) => ({
    ID: `${String(pod.metadata.name)}.${String(pod.metadata.namespace)}`,
    IstioVersion: proxyTag(pod),
    Type: kind,
  }));
}

/** renderProxyVersions: per version (sorted), the count, always "proxies" */
function renderProxyVersions(proxies: ProxyInfo[]): string {
  if (!proxies.length) return 'none';
  const byVersion = new Map<string, number>();
  for (const p of proxies) byVersion.set(p.IstioVersion, (byVersion.get(p.IstioVersion) ?? 0) + 1);
  return [...byVersion.keys()]
    .sort()
    .map((v) => `${v} (${byVersion.get(v)!} proxies)`)
    .join(', ');
}

async function version(ctx: RunContext): Promise<number> {
  const {io} = ctx;
  const output = str(ctx.flags.output);
  if (output !== '' && output !== 'yaml' && output !== 'json')
    throw new CommandError("--output must be 'yaml' or 'json'");
  const client = buildInfo(ctx.opts.release.version);
  const remote = ctx.flags.remote !== false;
  const mesh = remote ? remoteInfo(ctx) : undefined;
  const proxies = remote ? proxyInfo(ctx, mesh) : undefined;
  const doc = {
    clientVersion: client,
    ...(mesh ? {meshVersion: mesh} : {}),
    ...(proxies ? {dataPlaneVersion: proxies} : {}),
  };
  // fmt.Fprintln of json.MarshalIndent(&version, "", "  ") and of sigs.k8s.io/yaml's (keys sorted)
  if (output === 'json') io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  else if (output === 'yaml') io.stdout.write(`${stringify(sortKeys(doc), {lineWidth: 0, indentSeq: false})}\n`);
  else if (ctx.flags.short !== false) {
    io.stdout.write(`client version: ${client.version}\n`);
    // coalesceVersions: one "control plane" line when every istiod runs the same version
    const same = mesh && mesh.every((m) => JSON.stringify(m.Info) === JSON.stringify(mesh[0]!.Info));
    const servers = same ? [{...mesh[0]!, Component: 'control plane'}] : (mesh ?? []);
    for (const m of servers) io.stdout.write(`${m.Component} version: ${m.Info.version}\n`);
    if (proxies) io.stdout.write(`data plane version: ${renderProxyVersions(proxies)}\n`);
  } else {
    io.stdout.write(`client version: ${longForm(client)}\n`);
    for (const m of mesh ?? []) io.stdout.write(`${m.Component} version: ${longForm(m.Info)}\n`);
    for (const p of proxies ?? [])
      io.stdout.write(
        `data plane version: version.ProxyInfo{ID:${JSON.stringify(p.ID)}, IstioVersion:${JSON.stringify(p.IstioVersion)}, Type:${JSON.stringify(p.Type)}}\n`,
      );
  }
  return 0;
}

/** sigs.k8s.io/yaml goes through JSON objects: map keys come out sorted */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, sortKeys(x)]),
    );
  return v;
}

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
