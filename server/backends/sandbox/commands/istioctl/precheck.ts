/**
 * `istioctl x precheck` (istioctl/pkg/precheck/precheck.go): checks that installing or upgrading is safe. The
 * sandbox checks what can fail on a k3d cluster: the Kubernetes version (IST0142). Results go to stderr.
 */
import type {ObjectStore} from '../../api/store';
import {CommandError, type IstioctlCommand, type RunContext} from './command';
import {configAnalysisUrl, formatMessage, MESSAGES} from './analysis-messages';
import {kubeMinor} from './istio-release';
import type {FlagSpec} from '../../kit/flags';

async function precheck(ctx: RunContext, _store: ObjectStore): Promise<number> {
  const {release} = ctx.opts;
  const issues =
    kubeMinor(ctx.cluster.serverVersion) < release.minK8sMinor
      ? [MESSAGES.unsupportedKubernetesVersion(ctx.cluster.serverVersion, `1.${release.minK8sMinor}`)]
      : [];
  if (!issues.length) {
    ctx.io.stderr.write(
      '✔ No issues found when checking the cluster. Istio is safe to install or upgrade!\n  To get started, check out https://istio.io/latest/docs/setup/getting-started/.\n',
    );
    return 0;
  }
  for (const m of issues) ctx.io.stdout.write(`${formatMessage(m)}\n`);
  throw new CommandError(
    `Issues found when checking the cluster. Istio may not be safe to install or upgrade.\nSee ${configAnalysisUrl(release.minor)} for more information about causes and resolutions.`,
  );
}

/** istioctl/pkg/precheck/precheck.go Cmd (1.29.6); the sandbox does not parse --from-version */
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
  helpFlags: () => [
    ...flags,
    {name: 'from-version', short: 'f', type: 'string', usage: 'check changes since the provided version'},
  ],
  run: precheck,
};
