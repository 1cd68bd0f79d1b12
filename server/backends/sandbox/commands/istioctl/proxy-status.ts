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

export const proxyStatusCommand: IstioctlCommand = {
  path: ['proxy-status'],
  aliases: ['ps'],
  short: 'Retrieves the synchronization status of each Envoy in the mesh',
  use: 'istioctl proxy-status [<type>/]<name>[.<namespace>] [flags]',
  needsCluster: true,
  flags: [
    {name: 'revision', short: 'r', type: 'string', usage: 'Control plane revision'},
    {name: 'istiod-label', type: 'string', usage: 'istiod pod label selector'},
    {name: 'verbose', short: 'v', type: 'bool', usage: 'Include the xDS sync state of each type'},
  ],
  run: proxyStatus,
};
