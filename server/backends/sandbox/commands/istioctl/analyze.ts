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
import {bool, CommandError, str, type IstioctlCommand, type RunContext} from './command';
import type {FlagSpec} from '../../kit/flags';
import type {HelpEnv} from './help';
import {
  configAnalysisUrl,
  formatMessage,
  LEVEL_RANK,
  MESSAGES,
  type AnalysisMessage,
  type Level,
} from './analysis-messages';
import {hostNetwork, podPhase, proxyKind} from './mesh-view';
import {listOf} from '../../api/kinds';
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

async function analyze(ctx: RunContext, store: ObjectStore): Promise<number> {
  const all = bool(ctx.flags['all-namespaces']);
  if (ctx.args.length)
    throw new CommandError(
      'analyzing files is not simulated in the Ambient Lab sandbox: analyze the live cluster (-n NAMESPACE or -A)',
    );
  const target = all ? 'all namespaces' : `namespace: ${ctx.namespace}`;
  const namespaces = listOf(store, 'namespaces').filter((n) => all || n.metadata.name === ctx.namespace);
  // MessageThreshold.Set takes the level in any case (diag.GetUppercaseStringToLevelMap)
  const level = (v: string) => v.charAt(0).toUpperCase() + v.slice(1).toLowerCase();
  const outputThreshold = level(str(ctx.flags['output-threshold'], 'Info')) as Level;
  // istioctl/pkg/analyze/analyze.go (1.29.6): failureThreshold defaults to Error, so warnings alone exit 0
  // (its test TestNoErrorIfMessageLevelsBelowThreshold)
  const failureThreshold = level(str(ctx.flags['failure-threshold'], 'Error')) as Level;
  const messages = namespaces
    .flatMap((n) => namespaceMessages(store, n, ctx.istioNamespace))
    .filter((m) => LEVEL_RANK[m.level] >= (LEVEL_RANK[outputThreshold] ?? 0))
    .sort((a, b) => LEVEL_RANK[b.level] - LEVEL_RANK[a.level] || a.origin.localeCompare(b.origin));
  if (!messages.length) {
    ctx.io.stderr.write(`✔ No validation issues found when analyzing ${target}.\n`);
    return 0;
  }
  for (const m of messages) ctx.io.stdout.write(`${formatMessage(m)}\n`);
  if (messages.some((m) => LEVEL_RANK[m.level] >= LEVEL_RANK[failureThreshold])) {
    throw new CommandError(
      `Analyzers found issues when analyzing ${target}.\nSee ${configAnalysisUrl(ctx.opts.release.minor)} for more information about causes and resolutions.`,
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

/** analyze.go's other flags (1.29.6), which the sandbox does not parse: its help lists them */
const unparsedFlags = (env: HelpEnv): FlagSpec[] => [
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
    default: env.stdoutTTY,
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
  flags: ANALYZE_FLAGS,
  helpFlags: (env) => [...ANALYZE_FLAGS, ...unparsedFlags(env)],
  run: analyze,
};
