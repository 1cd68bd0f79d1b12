/**
 * `istioctl uninstall` (operator/cmd/mesh/uninstall.go, operator/pkg/uninstall at 1.24+): needs --purge (or a
 * revision/file), says what it will prune and asks y/N, removes each object printing
 * `  Removed <group/version, Kind=Kind>/<name>.<namespace>.`, then `✔ Uninstall complete` (stderr, as the progress
 * log writes). The istio-system namespace stays: the docs delete it with kubectl afterwards.
 */
import {bool, CommandError, str, type IstioctlCommand, type RunContext} from './command';
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

async function uninstall(ctx: RunContext, store: ObjectStore): Promise<number> {
  const {io} = ctx;
  const purge = bool(ctx.flags.purge);
  const revision = str(ctx.flags.revision);
  if (!purge && !revision && !str(ctx.flags.filename)) {
    throw new CommandError(
      'at least one of the --revision (or --set revision=<revision>), --filename or --purge flags must be set',
    );
  }
  if (ctx.args.length) throw new CommandError('istioctl uninstall does not take arguments');
  const objects = installedObjects(store, {purge}).filter(
    (o) => purge || (o.metadata.labels?.['istio.io/rev'] ?? 'default') === revision,
  );
  const message = purge
    ? ALL_REMOVED
    : objects.length
      ? `The following resources will be pruned from the cluster: ${objects.map(prunedName).join(',')}\n`
      : NONE_REMOVED;
  if (bool(ctx.flags['skip-confirmation']) || bool(ctx.flags['dry-run'])) {
    io.stdout.write(`${message}\n`);
  } else if (!(await confirm(io, `${message}Proceed? (y/N)`))) {
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
