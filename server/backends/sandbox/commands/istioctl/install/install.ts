/**
 * `istioctl install` (operator/cmd/mesh/install.go at 1.24+): the sail, the Kubernetes version check, the version
 * change warning, the y/N question, then components applied through the store — Base first, the others in
 * parallel — each reported when its workloads are ready, and the ambient profile's closing line.
 */
import type {ObjectStore} from '../../../api/store';
import type {KubeObject} from '../../../api/types';
import {bool, CommandError, list, painter, str, type IstioctlCommand, type RunContext} from '../command';
import {confirm} from '../confirm';
import {installedObjects, installedState, prunedName} from '../installed';
import {ApiError} from '../../../api/status';
import {kubeMinor} from '../istio-release';
import {applyObject, ensureNamespace} from './apply';
import {parseInstallConfig, type ComponentName} from './install-config';
import {istioArt} from './istio-art';
import {componentObjects} from './manifests';
import {ProgressLog} from './progress';
import {sleep, waitingFor} from './readiness';
import {applyDefaultRevisionTag, NOT_PRUNED_LABEL} from './revision-tag';
import {
  DRY_RUN_FLAG,
  FILENAME_USAGE,
  FORCE_USAGE,
  MANIFESTS_USAGE,
  REVISION_USAGE,
  SET_USAGE,
  SKIP_CONFIRMATION_USAGE,
  VERIFY_USAGE,
} from '../mesh-flags';

/** istioctl/pkg/install/k8sversion UnSupportedK8SVersionLogMsg */
export function unsupportedK8sMessage(gitVersion: string, istio: string, minMinor: number): string {
  return (
    `\nThe Kubernetes version ${gitVersion} is not supported by Istio ${istio}. The minimum supported Kubernetes version is 1.${minMinor}.\n` +
    'Proceeding with the installation, but you might experience problems. See https://istio.io/latest/docs/releases/supported-releases/ for a list of supported versions.\n'
  );
}

function versionChangeWarning(ctx: RunContext, store: ObjectStore, tag: string): void {
  let prev: string | undefined;
  try {
    prev = installedState(store, ctx.istioNamespace)?.tag;
  } catch (e) {
    // detectIstioVersionDiff: an error reading the control plane's version ("Istio may not be installed") is no warning
    if (e instanceof ApiError) return;
    throw e;
  }
  if (!prev || prev === tag) return;
  const warn = painter(ctx.io.isTTY.stderr).yellow('WARNING:');
  const verb = prev < tag ? 'upgraded' : 'downgraded';
  ctx.io.stderr.write(
    `${warn} Istio is being ${verb} from ${prev} to ${tag}.\n` +
      '         Running this command will overwrite it; use revisions to upgrade alongside the existing version.\n' +
      "         Before upgrading, you may wish to use 'istioctl x precheck' to check for upgrade warnings.\n",
  );
}

async function waitForComponents(
  ctx: RunContext,
  store: ObjectStore,
  progress: ProgressLog,
  pending: Map<ComponentName, KubeObject[]>,
  timeoutText: string,
): Promise<boolean> {
  const deadline = Date.now() + ctx.opts.readinessTimeoutMs;
  for (;;) {
    for (const [c, objs] of pending) {
      if (!ctx.cluster.simulated || waitingFor(store, objs).length === 0) {
        progress.finished(c);
        pending.delete(c);
      }
    }
    if (!pending.size) return true;
    if (Date.now() > deadline || ctx.io.signal.aborted) {
      for (const c of pending.keys())
        progress.failed(
          c,
          `failed to wait for resource: resources not ready after ${timeoutText}: context deadline exceeded`,
        );
      return false;
    }
    progress.status(
      [...pending.keys()],
      [...pending.values()].flatMap((objs) => waitingFor(store, objs)),
    );
    await sleep(ctx.opts.pollMs, ctx.io.signal);
  }
}

/** objects of components the new config no longer has (default → ambient drops the ingress gateway) */
function prune(ctx: RunContext, store: ObjectStore, keep: ComponentName[]): void {
  const stale = installedObjects(store, {purge: false}).filter(
    (o) =>
      !keep.includes(o.metadata.labels?.['operator.istio.io/component'] as ComponentName) &&
      o.metadata.labels?.[NOT_PRUNED_LABEL] !== 'true',
  );
  if (!stale.length) return;
  ctx.io.stderr.write(`${painter(ctx.io.isTTY.stderr).yellow('-')} Pruning removed resources\n`);
  for (const o of stale) {
    const type = store.types.byKind(o.apiVersion, o.kind)!;
    store.delete(type, o.metadata.namespace, o.metadata.name!, {propagationPolicy: 'Background'});
    ctx.io.stdout.write(`  Removed ${prunedName(o)}.\n`);
  }
}

async function install(ctx: RunContext, store: ObjectStore): Promise<number> {
  const {io, opts} = ctx;
  const {release} = opts;
  io.stderr.write(`${istioArt(io.isTTY.stderr)}\n\n`);
  if (kubeMinor(ctx.cluster.serverVersion) < release.minK8sMinor) {
    io.stdout.write(`${unsupportedK8sMessage(ctx.cluster.serverVersion, release.version, release.minK8sMinor)}\n`);
  }
  const sets = [...list(ctx.flags.set)];
  if (ctx.set.has('revision')) sets.push(`revision=${str(ctx.flags.revision)}`);
  // render.GenerateManifest reads IstioOperator files and a charts directory from the learner's disk
  if (list(ctx.flags.filename).length)
    throw new CommandError(
      '-f/--filename (an IstioOperator file) is not simulated in the Ambient Lab sandbox: pass the IstioOperator settings as --set',
    );
  if (str(ctx.flags.manifests))
    throw new CommandError(
      `-d/--manifests (a local charts directory) is not simulated in the Ambient Lab sandbox: it installs the ${release.version} charts`,
    );
  const cfg = parseInstallConfig(sets, release);
  versionChangeWarning(ctx, store, cfg.tag);
  const dryRun = bool(ctx.flags['dry-run']);
  if (!dryRun && !bool(ctx.flags['skip-confirmation'])) {
    if (
      !(await confirm(
        io,
        `This will install the Istio ${cfg.tag} profile "${cfg.profile}" into the cluster. Proceed? (y/N)`,
      ))
    ) {
      io.stderr.write('Cancelled.\n');
      return 1;
    }
  }
  const progress = new ProgressLog(io.stderr, io.isTTY.stderr);
  const minor = Number(release.minor.split('.')[1]);
  if (!dryRun) ensureNamespace(store, cfg.namespace);
  const apply = (c: ComponentName) => {
    const objs = componentObjects(cfg, c, minor);
    if (!dryRun) for (const o of objs) applyObject(store, o);
    return objs;
  };
  if (cfg.components.includes('Base')) {
    progress.status(['Base'], []);
    apply('Base');
    progress.finished('Base');
  }
  const pending = new Map<ComponentName, KubeObject[]>();
  for (const c of cfg.components) if (c !== 'Base') pending.set(c, apply(c));
  if (
    !dryRun &&
    !(await waitForComponents(ctx, store, progress, pending, str(ctx.flags['readiness-timeout'], '5m0s')))
  ) {
    throw new CommandError('failed to install manifests: errors occurred during operation');
  }
  if (!dryRun) prune(ctx, store, cfg.components);
  progress.done('Installation complete');
  // after the components, as InstallManifests deploys the tag's webhooks (silently)
  if (!dryRun) applyDefaultRevisionTag(store, cfg);
  if (cfg.profile === 'ambient')
    io.stderr.write('The ambient profile has been installed successfully, enjoy Istio without sidecars!\n');
  return 0;
}

/**
 * operator/cmd/mesh/install.go InstallCmdWithArgs and addInstallFlags (1.29.6). The hidden --charts (a deprecated
 * alias of --manifests) is not parsed; root.go hides -n and -i from its help.
 */
export const installCommand: IstioctlCommand = {
  path: ['install'],
  aliases: ['apply'],
  short: 'Applies an Istio manifest, installing or reconfiguring Istio on a cluster.',
  long: 'The install command generates an Istio install manifest and applies it to a cluster.',
  example: `  # Apply a default Istio installation
  istioctl install

  # Enable Tracing
  istioctl install --set meshConfig.enableTracing=true

  # Generate the demo profile and don't wait for confirmation
  istioctl install --set profile=demo --skip-confirmation

  # To override a setting that includes dots, escape them with a backslash (\\).  Your shell may require enclosing quotes.
  istioctl install --set "values.sidecarInjectorWebhook.injectedAnnotations.container\\.apparmor\\.security\\.beta\\.kubernetes\\.io/istio-proxy=runtime/default"
`,
  use: 'istioctl install [flags]',
  hiddenInheritedFlags: ['namespace', 'istioNamespace'],
  needsCluster: true,
  flags: [
    // a StringSlice upstream (Type "strings"); the sandbox keeps each value whole
    {name: 'filename', short: 'f', type: 'stringArray', typeName: 'strings', usage: FILENAME_USAGE},
    {name: 'set', short: 's', type: 'stringArray', usage: SET_USAGE},
    {name: 'skip-confirmation', short: 'y', type: 'bool', usage: SKIP_CONFIRMATION_USAGE},
    DRY_RUN_FLAG,
    // lets GenerateManifest proceed past values validation, which the sandbox's --set parsing does not do
    {name: 'force', type: 'bool', usage: FORCE_USAGE},
    {name: 'revision', short: 'r', type: 'string', usage: REVISION_USAGE},
    {
      name: 'readiness-timeout',
      type: 'duration',
      default: '5m0s',
      usage: 'Maximum time to wait for Istio resources in each component to be ready.',
    },
    {name: 'manifests', short: 'd', type: 'string', usage: MANIFESTS_USAGE},
    // defined, and read by nothing in install.go (1.29.6)
    {name: 'verify', type: 'bool', usage: VERIFY_USAGE},
  ],
  run: install,
};
