/**
 * `k3d kubeconfig get NAME` prints the cluster's kubeconfig; `k3d kubeconfig merge NAME` merges it into the
 * sandbox's kubeconfig (the shell's KUBECONFIG: the sandbox's only kubeconfig, so `-d` is the behaviour either way)
 * and prints that path.
 */
import {clusterKubeconfigYaml} from './kubeconfig-file';
import type {K3dCommand, K3dContext} from './k3d-command';
import type {ClusterCredentials} from './kubeconfig-file';

/**
 * k3d copies k3s' admin kubeconfig (its user authenticates with a client certificate, CN=system:admin in
 * system:masters) and renames its entries (k3d pkg/client/kubeconfig.go KubeconfigGet).
 */
async function credentialsOf(ctx: K3dContext, name: string): Promise<ClusterCredentials> {
  const cert = await ctx.sandbox.clientCertificate();
  return {...ctx.sandbox.credentials(name), clientCert: cert};
}

function pick({sandbox, parsed, log}: K3dContext): string | number {
  const c = sandbox.cluster;
  const name = parsed.flags.all ? c?.name : (parsed.args[0] ?? 'k3s-default');
  if (!name || !c || c.name !== name)
    return log.fatal(`Failed to get cluster '${name ?? ''}': No nodes found for given cluster`);
  return name;
}

export const kubeconfigGet: K3dCommand = {
  path: ['kubeconfig', 'get'],
  use: 'k3d kubeconfig get [CLUSTER [CLUSTER [...]] | --all]',
  short: 'Print kubeconfig(s) from cluster(s).',
  flags: [{name: 'all', short: 'a', type: 'bool', usage: 'Output kubeconfigs from all existing clusters'}],
  async run(ctx) {
    const name = pick(ctx);
    if (typeof name === 'number') return name;
    ctx.io.stdout.write('---\n' + clusterKubeconfigYaml(await credentialsOf(ctx, name)));
    return 0;
  },
};

export const kubeconfigMerge: K3dCommand = {
  path: ['kubeconfig', 'merge'],
  aliases: ['write'],
  use: 'k3d kubeconfig merge [CLUSTER [CLUSTER [...]] | --all]',
  short: 'Write/Merge kubeconfig(s) from cluster(s) into new or existing kubeconfig/file.',
  flags: [
    {name: 'all', short: 'a', type: 'bool', usage: 'Get kubeconfigs from all existing clusters'},
    {
      name: 'kubeconfig-merge-default',
      short: 'd',
      type: 'bool',
      usage: 'Merge into the default kubeconfig ($KUBECONFIG or $HOME/.kube/config)',
    },
    {name: 'kubeconfig-switch-context', short: 's', type: 'bool', default: true, usage: 'Switch to new context'},
    {
      name: 'output',
      short: 'o',
      type: 'string',
      default: '',
      usage: 'Define output [ - | FILE ] (default from $KUBECONFIG or $HOME/.kube/config',
    },
    {name: 'overwrite', type: 'bool', usage: '[Careful!] Overwrite existing file, ignoring its contents'},
    {
      name: 'update',
      short: 'u',
      type: 'bool',
      default: true,
      usage: 'Update conflicting fields in existing kubeconfig',
    },
  ],
  async run(ctx) {
    const name = pick(ctx);
    if (typeof name === 'number') return name;
    if (ctx.parsed.flags.output === '-') {
      ctx.io.stdout.write(clusterKubeconfigYaml(await credentialsOf(ctx, name)));
      return 0;
    }
    ctx.sandbox.mergeKubeconfig(
      ctx.sandbox.credentials(name),
      ctx.parsed.flags['kubeconfig-switch-context'] as boolean,
    );
    ctx.io.stdout.write(ctx.sandbox.kubeconfigPath + '\n');
    return 0;
  },
};
