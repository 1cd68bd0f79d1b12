/**
 * `istioctl analyze` (istioctl/pkg/analyze/analyze.go) over the live cluster, with the analyzers that matter on an
 * ambient walkthrough (pkg/config/analysis/analyzers/injection):
 * - IST0102 NamespaceNotInjected (Info): neither sidecar injection, a revision, nor ambient enrolment;
 * - IST0123 NamespaceMultipleInjectionLabels (Warning): istio-injection and istio.io/rev both set;
 * - IST0103 PodMissingProxy (Warning): a pod of a sidecar-injected namespace without istio-proxy. A namespace with
 *   both `istio-injection=enabled` and `istio.io/dataplane-mode=ambient` counts as sidecar-injected
 *   (analyzers/util NamespaceInAmbientMode: the injection label wins), so its proxy-less pods are reported here.
 * No messages: `✔ No validation issues found when analyzing namespace: default.` (stderr). Warnings and errors
 * end with `Error: Analyzers found issues when analyzing ...` and exit code 79.
 */
import type {ObjectStore} from '../../api/store';
import type {KubeObject} from '../../api/types';
import {bool, CommandError, list, str, type IstioctlCommand, type RunContext} from './command';
import type {FlagSpec} from '../../kit/flags';
import {
  configAnalysisUrl,
  messageThreshold,
  printMessages,
  LEVEL_RANK,
  MESSAGES,
  type AnalysisMessage,
} from './analysis-messages';
import {hostNetwork, podPhase, proxyKind} from './mesh-view';
import {getOf, listOf, typeOf} from '../../api/kinds';
import {labelsOf} from '../../mesh/world';

/** analyzers/injection SystemNamespaces: never reported */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

/** AnalyzerFoundIssuesError's exit code (istioctl/pkg/util/exit codes) */
const FOUND_ISSUES_EXIT = 79;

function namespaceMessages(store: ObjectStore, ns: KubeObject, istioNamespace: string): AnalysisMessage[] {
  const name = String(ns.metadata.name);
  if (SYSTEM_NAMESPACES.has(name) || name === istioNamespace) return [];
  const l = labelsOf(ns);
  const injection = l['istio-injection'];
  const rev = l['istio.io/rev'];
  const out: AnalysisMessage[] = [];
  if (injection !== undefined && rev !== undefined)
    out.push(MESSAGES.multipleInjectionLabels(name, ['istio-injection', 'istio.io/rev']));
  const sidecarNs = injection === 'enabled' || (rev !== undefined && rev !== '' && injection === undefined);
  const ambientNs = !sidecarNs && l['istio.io/dataplane-mode'] === 'ambient';
  if (injection === undefined && rev === undefined && !ambientNs) out.push(MESSAGES.namespaceNotInjected(name));
  if (sidecarNs) {
    for (const p of listOf(store, 'pods', {namespace: name})) {
      if (podPhase(p) === 'Succeeded' || podPhase(p) === 'Failed' || hostNetwork(p) || p.metadata.deletionTimestamp)
        continue;
      const optOut =
        p.metadata.annotations?.['sidecar.istio.io/inject'] === 'false' ||
        labelsOf(p)['sidecar.istio.io/inject'] === 'false';
      if (!optOut && !proxyKind(p, istioNamespace)) out.push(MESSAGES.podMissingProxy(name, String(p.metadata.name)));
    }
  }
  return out;
}

/**
 * the resource's `galley.istio.io/analyze-suppress` annotation (comma-separated codes, or `*`), which filterMessages
 * honours before --suppress
 */
function suppressedByAnnotation(store: ObjectStore, m: AnalysisMessage): boolean {
  const [kind, ref] = m.origin.split(' ') as [string, string?];
  if (!ref) return false;
  const [ns, name] = ref.includes('/') ? ref.split('/') : [undefined, ref];
  const o = kind === 'Namespace' ? getOf(store, 'namespaces', undefined, ref) : getOf(store, 'pods', ns, name!);
  const codes = o?.metadata.annotations?.['galley.istio.io/analyze-suppress'];
  return !!codes && codes.split(',').some((c) => c === '*' || c === m.code);
}

/** msg.All()'s codes (pkg/config/analysis/msg/messages.yaml, 1.29.6): a suppression of another code warns */
const KNOWN_CODES = new Set(
  (
    '0001 0002 0101 0102 0103 0106 0107 0108 0109 0110 0111 0112 0116 0118 0123 0125 0126 0127 0128 0129 0130 0131 ' +
    '0132 0133 0134 0135 0136 0137 0138 0139 0140 0141 0142 0143 0144 0145 0146 0147 0148 0149 0150 0151 0152 0153 ' +
    '0154 0155 0156 0157 0158 0159 0160 0161 0162 0163 0164 0165 0166 0167 0168 0169 0170 0171 0172 0173 0174 0175'
  )
    .split(' ')
    .map((n) => `IST${n}`),
);

/** the analyzer that reports every message the sandbox finds (analyzers/injection/injection.go Metadata) */
const INJECTION_ANALYZER = 'injection.Analyzer';

/** the Metadata().Name of every analyzer in analyzers.All() (pkg/config/analysis/analyzers, 1.29.6) */
const ANALYZER_NAMES = new Set([
  'annotations.AlphaAnalyzer',
  'applicationUID.Analyzer',
  'auth.AuthorizationPoliciesAnalyzer',
  'authn.BlockedCIDRsAnalyzer',
  'conditions.ConditionAnalyzer',
  'deployment.MultiServiceAnalyzer',
  'deprecation.DeprecationAnalyzer',
  'destinationrule.CaCertificateAnalyzer',
  'destinationrule.SubsetSelectPodAnalyzer',
  'envoyfilter.EnvoyPatchAnalyzer',
  'externalcontrolplane.ExternalControlPlaneAnalyzer',
  'gateway.CertificateAnalyzer',
  'gateway.ConflictingGatewayAnalyzer',
  'gateway.IngressGatewayPortAnalyzer',
  'gateway.SecretAnalyzer',
  'injection.Analyzer',
  'injection.ImageAnalyzer',
  'injection.ImageAutoAnalyzer',
  'k8sgateway.SelectorAnalyzer',
  'meshnetworks.MeshNetworksAnalyzer',
  'service.PortNameAnalyzer',
  'serviceentry.Analyzer',
  'services.MultiClusterServiceAnalyzer',
  'sidecar.SelectorAnalyzer',
  'telemetry.DefaultSelectorAnalyzer',
  'telemetry.LightstepAnalyzer',
  'telemetry.ProviderAnalyzer',
  'telemetry.SelectorAnalyzer',
  'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  'virtualservice.DestinationHostAnalyzer',
  'virtualservice.DestinationRuleAnalyzer',
  'virtualservice.GatewayAnalyzer',
  'virtualservice.JWTClaimRouteAnalyzer',
  'webhook.Analyzer',
]);

/** a name NamedCombined finds; schema.AllValidationAnalyzers adds `schema.ValidationAnalyzer.<Istio kind>` */
const isKnownAnalyzer = (name: string) => ANALYZER_NAMES.has(name) || name.startsWith('schema.ValidationAnalyzer.');

/** github.com/ryanuber/go-glob Glob: `*` matches any run of characters, the rest literally, the whole subject */
export function glob(pattern: string, subject: string): boolean {
  if (pattern === '*') return true;
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === subject;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!subject.startsWith(first)) return false;
  let rest = subject.slice(first.length);
  for (const part of parts.slice(1, -1)) {
    const at = rest.indexOf(part);
    if (at < 0) return false;
    rest = rest.slice(at + part.length);
  }
  return rest.endsWith(last);
}

/** what the sandbox cannot do of analyze's flags: files, mesh config files, other kubeconfig contexts, the analyzer list */
function refuseUnsimulated(ctx: RunContext): void {
  const no = (what: string) => new CommandError(`${what} is not simulated in the Ambient Lab sandbox`);
  if (bool(ctx.flags['list-analyzers'])) throw no('--list-analyzers (the list of every analyzer istioctl carries)');
  if (ctx.args.length) throw no('analyzing files: analyze the live cluster (-n NAMESPACE or -A);');
  if (ctx.flags['use-kube'] === false) throw no('--use-kube=false (analyzing files only)');
  if (str(ctx.flags.meshConfigFile)) throw no('--meshConfigFile (a mesh config read from a file)');
  if (list(ctx.flags['remote-contexts']).length)
    throw no('--remote-contexts (the clusters of other kubeconfig contexts)');
  if (bool(ctx.flags.verbose)) throw no('--verbose (the analyzers run and skipped)');
}

async function analyze(ctx: RunContext, store: ObjectStore): Promise<number> {
  const all = bool(ctx.flags['all-namespaces']);
  // the thresholds are flag values (parsed before RunE); failureThreshold defaults to Error, so warnings alone
  // exit 0 (its test TestNoErrorIfMessageLevelsBelowThreshold)
  const outputThreshold = messageThreshold(str(ctx.flags['output-threshold'], 'Info'), 'output-threshold');
  const failureThreshold = messageThreshold(str(ctx.flags['failure-threshold'], 'Error'), 'failure-threshold');
  // analyze.go RunE, 1.29.6: the format first (a CommandParseError), then -L and -R, then the namespace check
  const format = str(ctx.flags.output, 'log').toLowerCase();
  if (!['log', 'json', 'yaml'].includes(format))
    throw new CommandError(`${format} not a valid option for format. See istioctl analyze --help`, 64);
  if (bool(ctx.flags.recursive) && !bool(ctx.flags['list-analyzers'])) {
    ctx.io.stdout.write(
      'The recursive flag has been removed and is hardcoded to true without explicitly specifying it.\n',
    );
    return 0;
  }
  refuseUnsimulated(ctx);
  // useKube: the selected namespace (-n, or the context's) must exist, -A included
  const nsType = typeOf(store, 'namespaces')!;
  if (!store.get(nsType, undefined, ctx.namespace)) {
    ctx.io.stderr.write(`namespace "${ctx.set.has('namespace') ? ctx.namespace : ''}" not found\n`);
    return 0;
  }
  const suppressions = list(ctx.flags.suppress).map((s) => {
    const parts = s.split('=');
    if (parts.length !== 2)
      throw new CommandError(`${s} is not a valid suppression value. See istioctl analyze --help`);
    if (!KNOWN_CODES.has(parts[0]!))
      ctx.io.stderr.write(
        `Warning: Supplied message code '${parts[0]!}' is an unknown message code and will not have any effect.\n`,
      );
    return {code: parts[0]!, resource: parts[1]!};
  });
  const target = all ? 'all namespaces' : `namespace: ${ctx.namespace}`;
  // NamedCombined: the named analyzers, or all of them when none of the names is known
  const analyzers = list(ctx.flags.analyzer);
  const injection = !analyzers.length || analyzers.includes(INJECTION_ANALYZER) || !analyzers.some(isKnownAnalyzer);
  const namespaces = listOf(store, 'namespaces').filter((n) => all || n.metadata.name === ctx.namespace);
  const found = (injection ? namespaces.flatMap((n) => namespaceMessages(store, n, ctx.istioNamespace)) : [])
    // filterMessages: the resource's galley.istio.io/analyze-suppress annotation, then --suppress
    .filter((m) => !suppressedByAnnotation(store, m))
    .filter((m) => !suppressions.some((s) => s.code === m.code && m.origin && glob(s.resource, m.origin)))
    .sort((a, b) => LEVEL_RANK[b.level] - LEVEL_RANK[a.level] || a.origin.localeCompare(b.origin));
  const shown = found.filter((m) => LEVEL_RANK[m.level] >= LEVEL_RANK[outputThreshold]);
  const minor = ctx.opts.release.minor;
  // --color defaults to whether stdout is a terminal (formatting.IstioctlColorDefault)
  const colour = ctx.set.has('color') ? bool(ctx.flags.color) : ctx.io.isTTY.stdout;
  // fmt.Fprintln(stdout, output): a blank line when there is nothing to say
  ctx.io.stdout.write(`${printMessages(shown, format, colour, minor, 'istioctl-analyze')}\n`);
  if (!shown.length) ctx.io.stderr.write(`✔ No validation issues found when analyzing ${target}.\n`);
  // the exit code follows every message found, before --output-threshold, and only for the log format
  if (format === 'log' && found.some((m) => LEVEL_RANK[m.level] >= LEVEL_RANK[failureThreshold])) {
    throw new CommandError(
      `Analyzers found issues when analyzing ${target}.\nSee ${configAnalysisUrl(minor)} for more information about causes and resolutions.`,
      FOUND_ISSUES_EXIT,
    );
  }
  return 0;
}

/** the flags the sandbox parses, with analyze.go's texts (1.29.6) */
const ANALYZE_FLAGS: FlagSpec[] = [
  {name: 'all-namespaces', short: 'A', type: 'bool', usage: 'Analyze all namespaces'},
  {
    name: 'output-threshold',
    type: 'string',
    typeName: 'Level',
    default: 'Info',
    usage: 'The severity level of analysis at which to display messages. Valid values: [Info Warning Error]',
  },
  {
    name: 'failure-threshold',
    type: 'string',
    typeName: 'Level',
    default: 'Error',
    usage: 'The severity level of analysis at which to set a non-zero exit code. Valid values: [Info Warning Error]',
  },
  {name: 'output', short: 'o', type: 'string', default: 'log', usage: 'Output format: one of [log json yaml]'},
  {
    name: 'list-analyzers',
    short: 'L',
    type: 'bool',
    usage: 'List the analyzers available to run. Suppresses normal execution.',
  },
  {
    name: 'recursive',
    short: 'R',
    type: 'bool',
    usage:
      '[Removed: The recursive flag has been removed and is hardcoded to true] Process directory arguments recursively.',
  },
  {
    name: 'use-kube',
    short: 'k',
    type: 'bool',
    default: true,
    usage: 'Use live Kubernetes cluster for analysis. Set --use-kube=false to analyze files only.',
  },
  {name: 'verbose', short: 'v', type: 'bool', usage: 'Enable verbose output'},
];

/** analyze.go's other flags (1.29.6); --color's default, which the help shows, follows the terminal */
const moreFlags = (stdoutTTY: boolean): FlagSpec[] => [
  {
    name: 'analyzer',
    type: 'stringArray',
    usage:
      'Select specific analyzers to run. Can be repeated. If not specified, all analyzers are run. (e.g. istioctl analyze --analyzer "gateway.ConflictingGatewayAnalyzer")',
  },
  // formatting.IstioctlColorDefault(os.Stdout): true on a terminal (TERM is never dumb in the sandbox shell)
  {
    name: 'color',
    type: 'bool',
    default: stdoutTTY,
    usage: "Default true.  Disable with '=false' or set $TERM to dumb",
  },
  {
    name: 'ignore-unknown',
    type: 'bool',
    usage:
      "Don't complain about un-parseable input documents, for cases where analyze should run only on k8s compliant inputs.",
  },
  {name: 'meshConfigFile', type: 'string', usage: 'Overrides the mesh config values to use for analysis.'},
  {
    name: 'remote-contexts',
    type: 'stringArray',
    usage:
      "Kubernetes configuration contexts for remote clusters to be used in multi-cluster analysis. Not to be confused with '--context'. If unspecified, contexts are read from the remote secrets in the cluster.",
  },
  {name: 'revision', short: 'r', type: 'string', default: 'default', usage: 'analyze a specific revision deployed.'},
  {
    name: 'suppress',
    short: 'S',
    type: 'stringArray',
    usage:
      "Suppress reporting a message code on a specific resource. Values are supplied in the form <code>=<resource> (e.g. '--suppress \"IST0102=DestinationRule primary-dr.default\"'). Can be repeated. You can include the wildcard character '*' to support a partial match (e.g. '--suppress \"IST0102=DestinationRule *.default\" ).",
  },
  {name: 'timeout', type: 'duration', default: '30s', usage: 'The duration to wait before failing'},
];

/** istioctl/pkg/analyze/analyze.go Analyze (1.29.6); root.go hides -i from its help */
export const analyzeCommand: IstioctlCommand = {
  path: ['analyze'],
  short: 'Analyze Istio configuration and print validation messages',
  // url.ConfigAnalysis (pkg/url/url.go)
  long: `Analyze Istio configuration and print validation messages.
For more information about message codes, refer to:
https://istio.io/v@@ISTIO_MINOR@@/docs/reference/config/analysis`,
  example: `  # Analyze the current live cluster
  istioctl analyze

  # Analyze the current live cluster for a specific revision
  istioctl analyze --revision 1-16

  # Analyze the current live cluster, simulating the effect of applying additional yaml files
  istioctl analyze a.yaml b.yaml my-app-config/

  # Analyze yaml files without connecting to a live cluster
  istioctl analyze --use-kube=false a.yaml b.yaml my-app-config/

  # Analyze the current live cluster and suppress PodMissingProxy for pod mypod in namespace 'testing'.
  istioctl analyze -S "IST0103=Pod mypod.testing"

  # Analyze the current live cluster and suppress PodMissingProxy for all pods in namespace 'testing',
  # and suppress MisplacedAnnotation on deployment foobar in namespace default.
  istioctl analyze -S "IST0103=Pod *.testing" -S "IST0107=Deployment foobar.default"

  # List available analyzers
  istioctl analyze -L
  ${''}
  # Run specific analyzer
  istioctl analyze --analyzer "gateway.ConflictingGatewayAnalyzer"`,
  use: 'istioctl analyze <file>... [flags]',
  hiddenInheritedFlags: ['istioNamespace'],
  needsCluster: true,
  flags: [...ANALYZE_FLAGS, ...moreFlags(false)],
  helpFlags: (env) => [...ANALYZE_FLAGS, ...moreFlags(env.stdoutTTY)],
  run: analyze,
};
