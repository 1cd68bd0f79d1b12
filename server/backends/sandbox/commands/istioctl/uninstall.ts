/**
 * `istioctl uninstall` (operator/cmd/mesh/uninstall.go, operator/pkg/uninstall, 1.29.6): needs --purge (or a
 * revision/file), warns (what it will prune with --verbose, the proxies still on the revision, the gateways) and asks
 * y/N when something needs confirming, removes each object printing
 * `  Removed <group/version, Kind=Kind>/<name>.<namespace>.`, then `✔ Uninstall complete` (stderr, as the progress
 * log writes). The istio-system namespace stays: the docs delete it with kubectl afterwards.
 */
import {bool, CommandError, list, str, type IstioctlCommand, type RunContext} from './command';
import type {KubeObject} from '../../api/types';
import {ApiError} from '../../api/status';
import {listOf} from '../../api/kinds';
import {connectedProxies, istiodPods} from './mesh-view';
import type {ObjectStore} from '../../api/store';
import {confirm} from './confirm';
import {ProgressLog} from './install/progress';
import {installedObjects, prunedName} from './installed';
import {
  DRY_RUN_FLAG,
  FORCE_USAGE,
  MANIFESTS_USAGE,
  REVISION_USAGE,
  SET_USAGE,
  SKIP_CONFIRMATION_USAGE,
} from './mesh-flags';

const ALL_REMOVED = 'All Istio resources will be pruned from the cluster\n';
const NONE_REMOVED = 'No resources will be pruned from the cluster. Please double check the input configs\n';
const PURGE_WITH_REVISION =
  'Purge uninstall will remove all Istio resources, ignoring the specified revision or operator file';
const gatewaysRemoved = (list: string) =>
  `You are about to remove the following gateways: ${list}. To avoid downtime, please quit this command and reinstall the gateway(s) with a revision that is not being removed from the cluster.\n`;

/** GetPrunedResources without --purge: the control plane components, never Base (operator/pkg/uninstall/prune.go) */
const PRUNED_COMPONENTS = ['Pilot', 'IngressGateways', 'EgressGateways', 'Cni', 'Ztunnel'];

/** values.GetValueForSetFlag: the value of the first `--set <path>=<value>` for that path */
const setValue = (sets: string[], path: string) => sets.map((kv) => kv.split('=')).find(([k]) => k === path)?.[1] ?? '';

/**
 * constructResourceListOutput: `Kind: name, name. ` per kind (upstream walks a Go map, so its kind order varies from
 * run to run; here, the order the objects come in), and the Deployments named like a gateway
 */
function resourceList(objects: KubeObject[]): {text: string; gateways: string} {
  const byKind = new Map<string, string[]>();
  for (const o of objects) byKind.set(o.kind, [...(byKind.get(o.kind) ?? []), String(o.metadata.name)]);
  const text = [...byKind].map(([kind, names]) => `${kind}: ${names.join(', ')}. `).join('');
  const gateways = (byKind.get('Deployment') ?? []).filter((n) => n.includes('gateway')).join(', ');
  return {text, gateways};
}

async function uninstall(ctx: RunContext, store: ObjectStore): Promise<number> {
  const {io} = ctx;
  const purge = bool(ctx.flags.purge);
  const revision = str(ctx.flags.revision);
  const filename = str(ctx.flags.filename);
  // the command's Args check (uninstall.go UninstallCmd, 1.29.6)
  if (!purge && !revision && !setValue(list(ctx.flags.set), 'revision') && !filename) {
    throw new CommandError(
      'at least one of the --revision (or --set revision=<revision>), --filename or --purge flags must be set',
    );
  }
  if (ctx.args.length) throw new CommandError('istioctl uninstall does not take arguments');
  // render.MergeInputs reads the file and the charts directory from the learner's disk
  if (filename)
    throw new CommandError('-f/--filename (an IstioOperator file) is not simulated in the Ambient Lab sandbox');
  if (str(ctx.flags.manifests))
    throw new CommandError('-d/--manifests (a local charts directory) is not simulated in the Ambient Lab sandbox');
  if (revision) {
    // tag.ListRevisionDescriptions: the revisions the mutating webhooks name (`default` when unlabelled)
    let hooks: KubeObject[];
    try {
      hooks = listOf(store, 'mutatingwebhookconfigurations');
    } catch (e) {
      if (e instanceof ApiError)
        throw new CommandError(`could not list revisions: error while listing mutating webhooks: ${e.message}`);
      throw e;
    }
    if (!hooks.some((h) => (h.metadata.labels?.['istio.io/rev'] || 'default') === revision))
      throw new CommandError('could not find target revision');
  }
  if (purge && revision) io.stdout.write(`${PURGE_WITH_REVISION}\n`);
  // GetPrunedResources: selected by --revision only (a revision given by --set alone selects every revision)
  const objects = installedObjects(store, purge ? {purge} : {purge, components: PRUNED_COMPONENTS}).filter(
    (o) => purge || !revision || o.metadata.labels?.['istio.io/rev'] === revision,
  );
  if (!(await preCheckWarnings(ctx, objects, revision, purge))) {
    io.stderr.write('Cancelled.\n');
    return 1;
  }
  for (const o of objects) {
    if (bool(ctx.flags['dry-run'])) {
      io.stdout.write(`Not pruning object ${prunedName(o)} because of dry run.\n`);
      continue;
    }
    const type = store.types.byKind(o.apiVersion, o.kind);
    if (!type || !store.get(type, o.metadata.namespace, o.metadata.name!)) continue;
    store.delete(type, o.metadata.namespace, o.metadata.name!, {propagationPolicy: 'Background'});
    io.stdout.write(`  Removed ${prunedName(o)}.\n`);
  }
  new ProgressLog(io.stderr, io.isTTY.stderr).done('Uninstall complete');
  return 0;
}

/**
 * preCheckWarnings (uninstall.go, 1.29.6): what will go (the list with --verbose only), the proxies still on the
 * revision, the gateways; asks only when something needs confirming; false when the answer is no
 */
async function preCheckWarnings(
  ctx: RunContext,
  objects: KubeObject[],
  revision: string,
  purge: boolean,
): Promise<boolean> {
  const {io} = ctx;
  // GetIDsFromProxyInfo: every proxy istiod knows (any revision), or an error without a reachable istiod
  const world = ctx.world ?? ctx.cluster.store!;
  const reachable = istiodPods(world, ctx.istioNamespace).length > 0;
  const pids = reachable
    ? connectedProxies(world, ctx.istioNamespace).map(
        ({pod}) => `${String(pod.metadata.name)}.${String(pod.metadata.namespace)}`,
      )
    : [];
  let needConfirmation = false;
  let message = '';
  if (purge) {
    needConfirmation = true;
    message += ALL_REMOVED;
  } else {
    const {text, gateways} = resourceList(objects);
    if (!text) {
      io.stdout.write(`${NONE_REMOVED}\n`);
      return true;
    }
    if (bool(ctx.flags.verbose)) message += `The following resources will be pruned from the cluster: ${text}\n`;
    if (pids.length && revision) {
      needConfirmation = true;
      message += `There are still ${pids.length} proxies pointing to the control plane revision ${revision}\n`;
      if (pids.length <= 30) message += `${pids.join('\n')}\n`;
      message +=
        'If you proceed with the uninstall, these proxies will become detached from any control plane and will not function correctly.\n';
    } else if (revision && !reachable) {
      needConfirmation = true;
      message += `Unable to find any proxies pointing to the ${revision} control plane. This may be because the control plane cannot be connected or there is no ${revision} control plane.\n`;
    }
    if (gateways) {
      needConfirmation = true;
      message += gatewaysRemoved(gateways);
    }
  }
  if (bool(ctx.flags['dry-run']) || bool(ctx.flags['skip-confirmation'])) {
    io.stdout.write(`${message}\n`);
    return true;
  }
  return !needConfirmation || (await confirm(io, `${message}Proceed? (y/N)`));
}

/** operator/cmd/mesh/uninstall.go UninstallCmd and addUninstallFlags (1.29.6); its help keeps every root flag */
export const uninstallCommand: IstioctlCommand = {
  path: ['uninstall'],
  short: 'Uninstall Istio from a cluster',
  long: 'The uninstall command uninstalls Istio from a cluster',
  // the blank line after the -f example keeps upstream's two trailing spaces
  example: `  # Uninstall a single control plane by revision
  istioctl uninstall --revision foo

  # Uninstall a single control plane by iop file
  istioctl uninstall -f iop.yaml
  ${''}
  # Uninstall all control planes and shared resources
  istioctl uninstall --purge`,
  use: 'istioctl uninstall [flags]',
  needsCluster: true,
  flags: [
    {name: 'skip-confirmation', short: 'y', type: 'bool', usage: SKIP_CONFIRMATION_USAGE},
    {name: 'purge', type: 'bool', usage: 'Delete all Istio related sources for all versions'},
    {name: 'revision', short: 'r', type: 'string', usage: REVISION_USAGE},
    {name: 'filename', short: 'f', type: 'string', usage: 'The filename of the IstioOperator CR.'},
    DRY_RUN_FLAG,
    {name: 'force', type: 'bool', usage: FORCE_USAGE},
    {name: 'set', short: 's', type: 'stringArray', usage: SET_USAGE},
    {name: 'manifests', short: 'd', type: 'string', usage: MANIFESTS_USAGE},
    {name: 'verbose', short: 'v', type: 'bool', usage: 'Verbose output.'},
  ],
  run: uninstall,
};
