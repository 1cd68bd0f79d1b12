/** `k3d cluster delete|start|stop [NAME]` with k3d's log lines. */
import {nodeContainers} from '../../cluster/cluster-record';
import type {K3dCommand, K3dContext} from './k3d-command';
import {warnUnpublished} from './k3d-log';

/** the clusters a command addresses: NAME..., --all, or k3s-default */
function targets({sandbox, parsed}: K3dContext): {found: string[]; missing: string[]} {
  const have = sandbox.cluster ? [sandbox.cluster.name] : [];
  if (parsed.flags.all) return {found: have, missing: []};
  const names = parsed.args.length ? parsed.args : ['k3s-default'];
  return {found: names.filter((n) => have.includes(n)), missing: names.filter((n) => !have.includes(n))};
}

export const clusterDelete: K3dCommand = {
  path: ['cluster', 'delete'],
  aliases: ['del', 'rm'],
  use: 'k3d cluster delete [NAME [NAME ...] | --all]',
  short: 'Delete cluster(s).',
  flags: [
    {name: 'all', short: 'a', type: 'bool', usage: 'Delete all existing clusters'},
    {name: 'config', short: 'c', type: 'string', default: '', usage: 'Path of a config file to use'},
  ],
  async run(ctx) {
    const {log, sandbox, parsed} = ctx;
    const {found, missing} = targets(ctx);
    // cmd/cluster/clusterDelete.go (v5.8.3): --all announces itself; a named cluster without nodes is skipped, said so
    if (parsed.flags.all) log.info('Deleting all clusters...');
    for (const name of missing) log.info(`No nodes found for cluster '${name}', nothing to delete.`);
    if (!found.length) {
      log.info('No clusters found');
      return 0;
    }
    const name = found[0]!;
    log.info(`Deleting cluster '${name}'`);
    await sandbox.deleteCluster();
    log.info(`Deleting cluster network 'k3d-${name}'`);
    log.info('Deleting 1 attached volumes...');
    log.info('Removing cluster details from default kubeconfig...');
    log.info('Removing standalone kubeconfig file (if there is one)...');
    log.info(`Successfully deleted cluster ${name}!`);
    return 0;
  },
};

export const clusterStop: K3dCommand = {
  path: ['cluster', 'stop'],
  use: 'k3d cluster stop [NAME [NAME...] | --all]',
  short: 'Stop existing k3d cluster(s)',
  flags: [{name: 'all', short: 'a', type: 'bool', usage: 'Stop all existing clusters'}],
  async run(ctx) {
    const {log, sandbox} = ctx;
    const {found, missing} = targets(ctx);
    if (missing.length && !found.length)
      return log.fatal(`failed to get cluster ${missing[0]}: No nodes found for given cluster`);
    for (const name of found) {
      log.info(`Stopping cluster '${name}'`);
      await sandbox.stopCluster();
      log.info(`Stopped cluster '${name}'`);
    }
    return 0;
  },
};

export const clusterStart: K3dCommand = {
  path: ['cluster', 'start'],
  use: 'k3d cluster start [NAME [NAME...] | --all]',
  short: 'Start existing k3d cluster(s)',
  flags: [
    {name: 'all', short: 'a', type: 'bool', usage: 'Start all existing clusters'},
    {
      name: 'timeout',
      type: 'duration',
      default: '0s',
      usage: "Maximum waiting time for '--wait' before canceling/returning.",
    },
    {
      name: 'wait',
      type: 'bool',
      default: true,
      usage: 'Wait for the server(s) (and loadbalancer) to be ready before returning.',
    },
  ],
  async run(ctx) {
    const {log, sandbox} = ctx;
    const {found, missing} = targets(ctx);
    if (missing.length && !found.length)
      return log.fatal(`failed to get cluster ${missing[0]}: No nodes found for given cluster`);
    const c = sandbox.cluster;
    if (!c) return 0;
    const nodes = nodeContainers(c);
    log.info('Using the k3d-tools node to gather environment information');
    log.info('Starting new tools node...');
    log.info(`Starting node 'k3d-${c.name}-tools'`);
    log.info('HostIP: using network gateway 172.18.0.1 address');
    log.info(`Starting cluster '${c.name}'`);
    log.info('Starting servers...');
    for (const n of nodes.filter((x) => x.role === 'server')) log.info(`Starting node '${n.name}'`);
    await sandbox.startCluster();
    if (nodes.some((x) => x.role === 'agent')) {
      log.info('Starting agents...');
      for (const n of nodes.filter((x) => x.role === 'agent')) log.info(`Starting node '${n.name}'`);
    } else log.info('All agents already running.');
    log.info('Starting helpers...');
    log.info(`Starting node 'k3d-${c.name}-serverlb'`);
    warnUnpublished(log, sandbox.unpublishedPorts);
    log.info(
      `Injecting records for hostAliases (incl. host.k3d.internal) and for ${nodes.length} network members into CoreDNS configmap...`,
    );
    log.info(`Started cluster '${c.name}'`);
    return 0;
  },
};
