/**
 * `istioctl x precheck` (istioctl/pkg/precheck/precheck.go): checks that installing or upgrading is safe. The
 * sandbox checks what can fail on a k3d cluster: the Kubernetes version (IST0142), the permissions an install needs
 * (IST0141, for `--as`), and `--from-version`'s one check (IST0169). The all-clear goes to stderr.
 */
import type {ObjectStore} from '../../api/store';
import {getOf, listOf} from '../../api/kinds';
import {authorize, ADMIN_USER} from '../../api/rbac';
import {bool, CommandError, str, type IstioctlCommand, type RunContext} from './command';
import {
  configAnalysisUrl,
  insufficientPermissions,
  LEVEL_RANK,
  messageThreshold,
  MESSAGES,
  printMessages,
  sortedDeduped,
  updateIncompatibility,
  type AnalysisMessage,
} from './analysis-messages';
import {kubeMinor} from './istio-release';
import type {FlagSpec} from '../../kit/flags';

/** checkInstallPermissions: what an install creates, asked of the API as SelfSubjectAccessReviews (create) */
const INSTALL_RESOURCES: ReadonlyArray<readonly [group: string, resource: string, inIstioNamespace: boolean]> = [
  ['', 'namespaces', false],
  ['rbac.authorization.k8s.io', 'clusterroles', false],
  ['rbac.authorization.k8s.io', 'clusterrolebindings', false],
  ['apiextensions.k8s.io', 'customresourcedefinitions', false],
  ['rbac.authorization.k8s.io', 'roles', true],
  ['', 'serviceaccounts', true],
  ['', 'services', true],
  ['apps', 'deployments', true],
  ['', 'configmaps', true],
  ['admissionregistration.k8s.io', 'mutatingwebhookconfigurations', false],
  ['admissionregistration.k8s.io', 'validatingwebhookconfigurations', false],
];

/** checkControlPlane: the Kubernetes version, the install permissions, the Gateway API CRDs (listed) */
function checkControlPlane(ctx: RunContext, store: ObjectStore): AnalysisMessage[] {
  const {release} = ctx.opts;
  const out: AnalysisMessage[] = [];
  if (kubeMinor(ctx.cluster.serverVersion) < release.minK8sMinor)
    out.push(MESSAGES.unsupportedKubernetesVersion(ctx.cluster.serverVersion, `1.${release.minK8sMinor}`));
  // an RBAC denial has no reason: checkCanCreateResources says "permission denied"
  const user = ctx.user ?? ADMIN_USER;
  for (const [group, resource, namespaced] of INSTALL_RESOURCES) {
    const namespace = namespaced ? ctx.istioNamespace : undefined;
    const a = {resource: {verb: 'create', group, resource, namespace}};
    if (!authorize(ctx.world ?? store, user, a).allowed)
      out.push(insufficientPermissions(resource, 'permission denied'));
  }
  // checkGatewayAPIs lists every CRD (its version messages are not simulated: the sandbox serves Gateway API v1.4)
  listOf(store, 'customresourcedefinitions');
  return out;
}

/**
 * checkFromVersion: `--from-version 1.N` (major 1) looks for what changed since; from 1.21 or before, a
 * `zipkin` Service in istio-system meets 1.22's removal of the default tracer
 */
function checkFromVersion(version: string, store: ObjectStore): AnalysisMessage[] {
  const dot = version.indexOf('.');
  if (dot < 0) throw new CommandError(`invalid version ${version}, expected format like '1.0'`);
  const [major, minors] = [version.slice(0, dot), version.slice(dot + 1)];
  if (major !== '1') throw new CommandError(`expected major version 1, got ${version}`);
  // strconv.Atoi: an optional sign and decimal digits only
  if (!/^[+-]?\d+$/.test(minors)) throw new CommandError(`minor version is not a number: ${minors}`);
  if (Number(minors) > 21 || !getOf(store, 'services', 'istio-system', 'zipkin')) return [];
  return [
    updateIncompatibility(
      'Service istio-system/zipkin',
      'meshConfig.defaultConfig.tracer',
      '1.21',
      "tracing is no longer by default enabled to send to 'zipkin.istio-system.svc'; follow https://istio.io/latest/docs/tasks/observability/distributed-tracing/telemetry-api/",
      '1.21',
    ),
  ];
}

async function precheck(ctx: RunContext, store: ObjectStore): Promise<number> {
  const threshold = messageThreshold(str(ctx.flags['output-threshold'], 'Warning'), 'output-threshold');
  const found = bool(ctx.flags['skip-controlplane']) ? [] : checkControlPlane(ctx, store);
  const from = str(ctx.flags['from-version']);
  if (from) found.push(...checkFromVersion(from, store));
  const msgs = sortedDeduped(found);
  const shown = msgs.filter((m) => LEVEL_RANK[m.level] >= LEVEL_RANK[threshold]);
  // formatting.Print(outputMsgs, msgOutputFormat, true): precheck always colours its log lines
  const output = printMessages(shown, str(ctx.flags.output, 'log'), true, ctx.opts.release.minor);
  if (!shown.length)
    ctx.io.stderr.write(
      '✔ No issues found when checking the cluster. Istio is safe to install or upgrade!\n  To get started, check out https://istio.io/latest/docs/setup/getting-started/.\n',
    );
  else ctx.io.stdout.write(`${output}\n`);
  if (msgs.some((m) => LEVEL_RANK[m.level] >= LEVEL_RANK.Warning))
    throw new CommandError(
      `Issues found when checking the cluster. Istio may not be safe to install or upgrade.\nSee ${configAnalysisUrl(ctx.opts.release.minor)} for more information about causes and resolutions.`,
    );
  return 0;
}

/** istioctl/pkg/precheck/precheck.go Cmd (1.29.6) */
const flags: FlagSpec[] = [
  // clioptions.ControlPlaneOptions (istioctl/pkg/clioptions/control_plane.go)
  {name: 'revision', short: 'r', type: 'string', usage: 'Control plane revision'},
  {name: 'skip-controlplane', type: 'bool', usage: 'skip checking the control plane'},
  {
    name: 'output-threshold',
    type: 'string',
    // formatting.MessageThreshold's pflag Type()
    typeName: 'Level',
    default: 'Warning',
    usage: 'The severity level of precheck at which to display messages. Valid values: [Info Warning Error]',
  },
  {name: 'output', short: 'o', type: 'string', default: 'log', usage: 'Output format: one of [log json yaml]'},
  {name: 'from-version', short: 'f', type: 'string', usage: 'check changes since the provided version'},
];

export const precheckCommand: IstioctlCommand = {
  path: ['experimental', 'precheck'],
  short: 'Check whether Istio can safely be installed or upgraded',
  long: 'precheck inspects a Kubernetes cluster for Istio install and upgrade requirements.',
  example: `  # Verify that Istio can be installed or upgraded
  istioctl x precheck

  # Check only a single namespace
  istioctl x precheck --namespace default

  # Check for behavioral changes since a specific version
  istioctl x precheck --from-version 1.10`,
  use: 'istioctl experimental precheck [flags]',
  needsCluster: true,
  flags,
  run: precheck,
};
