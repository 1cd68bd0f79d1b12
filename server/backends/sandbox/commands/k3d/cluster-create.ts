/**
 * `k3d cluster create [NAME]`: validates the walkthrough's flags the way k3d does, prints k3d's INFO lines in
 * their real order, boots the simulated nodes (cluster/ bootCluster) and merges the kubeconfig (context k3d-NAME).
 */
import {newContainerIds, type ClusterRecord, type PortMapping} from '../../cluster/cluster-record';
import {K3S_VERSION} from '../../versions';
import type {K3dCommand} from './k3d-command';
import {warnUnpublished} from './k3d-log';
import {K3S_IMAGE_TAG} from './k3d-version';
import type {FlagSpec} from '../../kit/flags';

const FLAGS: FlagSpec[] = [
  {name: 'agents', short: 'a', type: 'int', default: 0, usage: 'Specify how many agents you want to create'},
  {name: 'agents-memory', type: 'string', default: '', usage: 'Memory limit imposed on the agents nodes [From docker]'},
  {
    name: 'api-port',
    type: 'string',
    default: '',
    usage: 'Specify the Kubernetes API server port exposed on the LoadBalancer (Format: [HOST:]HOSTPORT)',
  },
  {name: 'config', short: 'c', type: 'string', default: '', usage: 'Path of a config file to use'},
  {
    name: 'env',
    short: 'e',
    type: 'stringArray',
    default: [],
    usage: 'Add environment variables to nodes (Format: KEY[=VALUE][@NODEFILTER[;NODEFILTER...]]',
  },
  {
    name: 'image',
    short: 'i',
    type: 'string',
    default: `docker.io/rancher/k3s:${K3S_IMAGE_TAG}`,
    usage: 'Specify k3s image that you want to use for the nodes',
  },
  {
    name: 'k3s-arg',
    type: 'stringArray',
    default: [],
    usage: 'Additional args passed to k3s command (Format: ARG@NODEFILTER[;@NODEFILTER])',
  },
  {
    name: 'k3s-node-label',
    type: 'stringArray',
    default: [],
    usage: 'Add label to k3s node (Format: KEY[=VALUE][@NODEFILTER[;NODEFILTER...]]',
  },
  {
    name: 'kubeconfig-switch-context',
    type: 'bool',
    default: true,
    usage:
      "Directly switch the default kubeconfig's current-context to the new cluster's context (requires --kubeconfig-update-default)",
  },
  {
    name: 'kubeconfig-update-default',
    type: 'bool',
    default: true,
    usage: "Directly update the default kubeconfig with the new cluster's context",
  },
  {name: 'network', type: 'string', default: '', usage: 'Join an existing network'},
  {name: 'no-lb', type: 'bool', usage: 'Disable the creation of a LoadBalancer in front of the server nodes'},
  {name: 'no-rollback', type: 'bool', usage: 'Disable the automatic rollback actions, if anything goes wrong'},
  {
    name: 'port',
    short: 'p',
    type: 'stringArray',
    default: [],
    usage:
      'Map ports from the node containers (via the serverlb) to the host (Format: [HOST:][HOSTPORT:]CONTAINERPORT[/PROTOCOL][@NODEFILTER])',
  },
  {
    name: 'registry-create',
    type: 'string',
    default: '',
    usage: 'Create a k3d-managed registry and connect it to the cluster',
  },
  {
    name: 'registry-use',
    type: 'stringArray',
    default: [],
    usage: 'Connect to one or more k3d-managed registries running locally',
  },
  {name: 'servers', short: 's', type: 'int', default: 1, usage: 'Specify how many servers you want to create'},
  {
    name: 'servers-memory',
    type: 'string',
    default: '',
    usage: 'Memory limit imposed on the server nodes [From docker]',
  },
  {name: 'subnet', type: 'string', default: '', usage: 'Define a subnet for the newly created container network'},
  {
    name: 'timeout',
    type: 'duration',
    default: '0s',
    usage: "Rollback changes if cluster couldn't be created in specified duration.",
  },
  {name: 'token', type: 'string', default: '', usage: 'Specify a cluster token. By default, we generate one.'},
  {
    name: 'volume',
    short: 'v',
    type: 'stringArray',
    default: [],
    usage: 'Mount volumes into the nodes (Format: [SOURCE:]DEST[@NODEFILTER[;NODEFILTER...]]',
  },
  {
    name: 'wait',
    type: 'bool',
    default: true,
    usage: "Wait for the server(s) to be ready before returning. Use '--timeout DURATION' to not wait forever.",
  },
];

/** "[HOST:][HOSTPORT:]CONTAINERPORT[/PROTOCOL][@NODEFILTER]" */
function parsePort(spec: string): PortMapping | string {
  const [mapping = '', filter = 'loadbalancer'] = spec.split('@');
  const parts = mapping.replace(/\/(tcp|udp)$/i, '').split(':');
  const nums = parts.slice(-2);
  if (!nums.every((p) => /^\d+$/.test(p) && Number(p) > 0 && Number(p) < 65536))
    return `Failed to parse port mapping '${spec}': invalid port mapping`;
  const containerPort = Number(nums[nums.length - 1]);
  const hostPort = nums.length === 2 ? Number(nums[0]) : containerPort;
  if (!/^(loadbalancer|(server|agent)s?:(\*|\d+(-\d+)?(,\d+)*)(:(proxy|direct))?)$/.test(filter))
    return `Failed to parse node filters: invalid format or empty subset in '${filter}'`;
  return {mapping, hostPort, containerPort, nodeFilter: filter};
}

export const clusterCreate: K3dCommand = {
  path: ['cluster', 'create'],
  use: 'k3d cluster create NAME',
  short: 'Create a new cluster',
  flags: FLAGS,
  maxArgs: 1,
  async run({io, sandbox, log, parsed}) {
    const f = parsed.flags;
    const name = parsed.args[0] ?? 'k3s-default';
    if (!/^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/.test(name))
      return log.fatal(
        `Failed Cluster Configuration Validation: provided cluster name '${name}' does not match the requirements: it must be 1-32 lower-case letters, digits or dashes, starting and ending with a letter or digit`,
      );
    if (f.config)
      return log.fatal(
        `Failed to read config file ${f.config as string}: this lab's sandbox k3d takes its settings from flags only`,
      );
    const servers = f.servers as number;
    const agents = f.agents as number;
    if (servers < 1) return log.fatal('Failed Cluster Configuration Validation: At least one server node is required');
    if (agents < 0) return log.fatal('Failed Cluster Configuration Validation: number of agents must be >= 0');
    if (servers + agents > 10)
      return log.fatal(`Failed to create cluster '${name}': the lab's sandbox simulates at most 10 nodes`);
    // no --api-port (or `random`): the sandbox takes a free port as k3d does (cmd/util/ports.go GetFreePort)
    let apiPort = 0;
    const rawApi = f['api-port'] as string;
    const apiPortGiven = rawApi !== '' && rawApi.split(':').pop() !== 'random';
    if (apiPortGiven) {
      const port = rawApi.split(':').pop()!;
      if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535)
        return log.fatal(`Failed to parse API Port specification '${rawApi}': invalid port '${port}'`);
      apiPort = Number(port);
    }
    const ports: PortMapping[] = [];
    for (const spec of f.port as string[]) {
      const p = parsePort(spec);
      if (typeof p === 'string') return log.fatal(p);
      ports.push(p);
    }
    const k3sArgs = f['k3s-arg'] as string[];
    for (const a of k3sArgs)
      if (!a.startsWith('-')) return log.fatal(`Failed to parse k3s-arg '${a}': k3s arguments start with '-' or '--'`);
    const disableTraefik = k3sArgs.some(
      (a) => /^--disable[= ]traefik(@|$)/.test(a) && /@server/.test(a.includes('@') ? a : '@server:*'),
    );
    const existing = sandbox.cluster;
    if (existing?.name === name)
      return log.fatal(`Failed to create cluster '${name}' because a cluster with that name already exists`);
    if (existing)
      return log.fatal(
        `Failed to create cluster '${name}': this lab's sandbox runs one cluster at a time and '${existing.name}' exists (k3d cluster delete ${existing.name})`,
      );

    const image = (f.image as string).replace(/^docker\.io\//, '');
    const record: ClusterRecord = {
      name,
      servers,
      agents,
      apiPort,
      apiPortGiven,
      image,
      k3sVersion: /^rancher\/k3s:v\d/.test(image) ? image.split(':')[1]!.replace(/-k3s/, '+k3s') : K3S_VERSION,
      k3sArgs,
      ports,
      disableTraefik,
      createdAt: sandbox.store.clock.now().toISOString(),
      state: 'running',
      containerIds: newContainerIds({name, servers, agents}),
    };
    const node = (n: string) => `k3d-${name}-${n}`;
    for (const p of ports)
      if (p.nodeFilter === 'loadbalancer')
        log.info(`portmapping '${p.mapping}' targets the loadbalancer: defaulting to [servers:*:proxy agents:*:proxy]`);
    log.info('Prep: Network');
    log.info(`Created network 'k3d-${name}'`);
    log.info(`Created image volume k3d-${name}-images`);
    log.info('Starting new tools node...');
    log.info(`Starting node '${node('tools')}'`);
    for (let i = 0; i < servers; i++) log.info(`Creating node '${node(`server-${i}`)}'`);
    for (let i = 0; i < agents; i++) log.info(`Creating node '${node(`agent-${i}`)}'`);
    if (!f['no-lb']) log.info(`Creating LoadBalancer '${node('serverlb')}'`);
    log.info('Using the k3d-tools node to gather environment information');
    log.info('HostIP: using network gateway 172.18.0.1 address');
    log.info(`Starting cluster '${name}'`);
    log.info('Starting servers...');
    for (let i = 0; i < servers; i++) log.info(`Starting node '${node(`server-${i}`)}'`);
    const update = f['kubeconfig-update-default'] as boolean;
    let switchContext = f['kubeconfig-switch-context'] as boolean;
    if (!update && switchContext) {
      log.info('--kubeconfig-update-default=false --> sets --kubeconfig-switch-context=false');
      switchContext = false;
    }
    await sandbox.createCluster(record, {switchContext, updateKubeconfig: update});
    if (io.signal.aborted) return 130;
    if (agents > 0) {
      log.info('Starting agents...');
      for (let i = 0; i < agents; i++) log.info(`Starting node '${node(`agent-${i}`)}'`);
    } else log.info('All agents already running.');
    log.info('Starting helpers...');
    log.info(`Starting node '${node('serverlb')}'`);
    warnUnpublished(log, sandbox.unpublishedPorts);
    log.info(
      `Injecting records for hostAliases (incl. host.k3d.internal) and for ${servers + agents + 1} network members into CoreDNS configmap...`,
    );
    log.info(`Cluster '${name}' created successfully!`);
    if (!update) {
      log.info('You can now use it like this:');
      io.stdout.write(`k3d kubeconfig merge ${name} --kubeconfig-switch-context\nkubectl cluster-info\n`);
    } else if (!switchContext) {
      log.info('You can now use it like this:');
      io.stdout.write(`kubectl config use-context k3d-${name}\nkubectl cluster-info\n`);
    } else {
      log.info('You can now use it like this:');
      io.stdout.write('kubectl cluster-info\n');
    }
    return 0;
  },
};
