/**
 * `k3d node create|delete|start|stop` with k3d v5.8.3's log lines and errors (cmd/node/*.go, pkg/client/node.go,
 * pkg/runtimes/docker/node.go and container.go). Agents only: a server joining or leaving, or the serverlb going,
 * would change the API itself, and the sandbox says so.
 */
import {containerRunning, nodeContainers, type NodeContainer} from '../../cluster/cluster-record';
import type {K3dCommand, K3dContext} from './k3d-command';

/** k3d's Node roles (pkg/types/types.go NodeRoles) */
const ROLES = ['server', 'agent', 'noRole', 'loadbalancer', 'registry'];
/** as many k3s nodes as `k3d cluster create` lets the sandbox simulate */
const MAX_NODES = 10;

const notSimulated = (ctx: K3dContext, what: string, why: string) =>
  ctx.log.fatal(
    `"k3d ${what}" is not simulated in the Ambient Lab sandbox: ${why} Try it on the host backend (real k3d and Docker).`,
  );

/** Docker's lookup of a node by name: `^/?(k3d-)?NAME$` (container.go getNodeContainer) */
function findNode({sandbox}: K3dContext, name: string): NodeContainer | undefined {
  const c = sandbox.cluster;
  if (!c) return undefined;
  return nodeContainers(c).find((n) => n.name === name || n.name === `k3d-${name}`);
}

const notFound = (name: string) =>
  `failed to get container for node '${name}': Didn't find container for node '${name}'`;

export const nodeCreate: K3dCommand = {
  path: ['node', 'create'],
  use: 'k3d node create NAME',
  short: 'Create a new k3s node in docker',
  exactArgs: 1,
  flags: [
    {
      name: 'cluster',
      short: 'c',
      type: 'string',
      default: 'k3s-default',
      usage: 'Cluster URL or k3d cluster name to connect to.',
    },
    {
      name: 'image',
      short: 'i',
      type: 'string',
      default: '',
      usage: 'Specify k3s image used for the node(s) (default: copied from existing node)',
    },
    {name: 'k3s-arg', type: 'stringArray', default: [], usage: 'Additional args passed to k3d command'},
    {name: 'k3s-node-label', type: 'stringArray', default: [], usage: 'Specify k3s node labels in format "foo=bar"'},
    {name: 'memory', type: 'string', default: '', usage: 'Memory limit imposed on the node [From docker]'},
    {name: 'network', short: 'n', type: 'stringArray', default: [], usage: 'Add node to (another) runtime network'},
    {name: 'replicas', type: 'int', default: 1, usage: 'Number of replicas of this node specification.'},
    {name: 'role', type: 'string', default: 'agent', usage: 'Specify node role [server, agent]'},
    {
      name: 'runtime-label',
      type: 'stringArray',
      default: [],
      usage: 'Specify container runtime labels in format "foo=bar"',
    },
    {
      name: 'timeout',
      type: 'duration',
      default: '0s',
      usage: "Maximum waiting time for '--wait' before canceling/returning.",
    },
    {
      name: 'token',
      short: 't',
      type: 'string',
      default: '',
      usage: 'Override cluster token (required when connecting to an external cluster)',
    },
    {name: 'wait', type: 'bool', default: true, usage: 'Wait for the node(s) to be ready before returning.'},
  ],
  async run(ctx) {
    const {log, sandbox, parsed} = ctx;
    const f = parsed.flags;
    const role = f.role as string;
    if (!ROLES.includes(role)) return log.fatal(`Unknown node role '${role}'`);
    if (role !== 'agent')
      return notSimulated(
        ctx,
        'node create --role ' + role,
        "the sandbox adds agents only (a server or helper node would change the cluster's API).",
      );
    const replicas = f.replicas as number;
    const clusterName = f.cluster as string;
    if (clusterName.startsWith('https://'))
      return notSimulated(ctx, 'node create --cluster https://…', "nodes join the sandbox's own cluster only.");
    const names = Array.from({length: Math.max(replicas, 0)}, (_, i) => `k3d-${parsed.args[0]}-${i}`);
    log.info(`Adding ${names.length} node(s) to the runtime local cluster '${clusterName}'...`);
    const c = sandbox.cluster;
    const failed = (why: string) =>
      log.fatal(`failed to add ${names.length} node(s) to the runtime local cluster '${clusterName}': ${why}`);
    if (!c || c.name !== clusterName)
      return failed(`Failed to find specified cluster '${clusterName}': No nodes found for given cluster`);
    if (c.state !== 'running')
      return notSimulated(
        ctx,
        'node create',
        `cluster '${c.name}' is stopped: its new agent would wait for a server that does not answer (k3d cluster start ${c.name}).`,
      );
    const taken = new Map(nodeContainers(c).map((n) => [n.name, c.containerIds[n.name] ?? '']));
    for (const n of names) {
      if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(n))
        return failed(
          nodeError(
            n,
            `Error response from daemon: Invalid container name (${n}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`,
          ),
        );
      if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(n) || n.length > 63)
        return notSimulated(
          ctx,
          'node create',
          `'${n}' is not a lower-case DNS name, which k3s would need as the node's name.`,
        );
      const id = taken.get(n);
      if (id !== undefined)
        return failed(
          nodeError(
            n,
            `Error response from daemon: Conflict. The container name "/${n}" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`,
          ),
        );
    }
    const k3sNodes = nodeContainers(c).filter((n) => n.role !== 'loadbalancer').length;
    if (k3sNodes + names.length > MAX_NODES) return failed(`the lab's sandbox simulates at most ${MAX_NODES} nodes`);
    log.info('Using the k3d-tools node to gather environment information');
    log.info('Starting new tools node...');
    log.info(`Starting node 'k3d-${c.name}-tools'`);
    log.info('HostIP: using network gateway 172.18.0.1 address');
    for (const n of names) log.info(`Starting node '${n}'`);
    await sandbox.addAgents(names);
    if (ctx.io.signal.aborted) return 130;
    log.info(`Successfully created ${names.length} node(s)!`);
    return 0;
  },
};

/** the error chain k3d wraps around Docker's when a node container cannot be created (NodeAddToClusterMulti down) */
function nodeError(n: string, docker: string): string {
  return `failed to add one or more nodes: failed to run node '${n}': failed to create node '${n}': runtime failed to create node '${n}': failed to create container for node '${n}': docker failed to create container '${n}': ${docker}`;
}

/** a node the sandbox lets come and go: an agent; servers and the serverlb are the cluster's API */
function agentOnly(ctx: K3dContext, verb: string, n: NodeContainer): number | undefined {
  if (n.role === 'agent') return undefined;
  return notSimulated(
    ctx,
    `node ${verb}`,
    `'${n.name}' is the cluster's ${n.role === 'server' ? 'server' : 'load balancer'}: the sandbox ${verb}s agents only (k3d cluster ${verb === 'delete' ? 'delete' : verb} for the whole cluster).`,
  );
}

export const nodeDelete: K3dCommand = {
  path: ['node', 'delete'],
  aliases: ['del', 'rm'],
  use: 'k3d node delete (NAME | --all)',
  short: 'Delete node(s).',
  flags: [
    {name: 'all', short: 'a', type: 'bool', usage: 'Delete all existing nodes'},
    {name: 'registries', short: 'r', type: 'bool', usage: 'Also delete registries'},
  ],
  async run(ctx) {
    const {log, sandbox, parsed} = ctx;
    if (parsed.flags.all)
      return notSimulated(
        ctx,
        'node delete --all',
        "it deletes every cluster's servers and load balancer too (k3d cluster delete --all).",
      );
    if (!parsed.args.length) return log.fatal('Expecting at least one node name if `--all` is not set');
    const nodes: NodeContainer[] = [];
    for (const name of parsed.args) {
      const n = findNode(ctx, name);
      if (!n) return log.fatal(`failed to get node '${name}': ${notFound(name)}`);
      const refused = agentOnly(ctx, 'delete', n);
      if (refused !== undefined) return refused;
      nodes.push(n);
    }
    for (const n of nodes) sandbox.removeNode(n.name);
    log.info(`Successfully deleted ${nodes.length} node(s)!`);
    return 0;
  },
};

/** `k3d node stop|start NAME`: the agent it names, or the exit code of k3d's refusal */
function namedAgent(ctx: K3dContext, verb: 'stop' | 'start'): NodeContainer | number {
  const name = ctx.parsed.args[0];
  if (!name) return ctx.log.fatal('No node name given');
  const n = findNode(ctx, name);
  if (!n) return ctx.log.fatal(notFound(name));
  return agentOnly(ctx, verb, n) ?? n;
}

export const nodeStop: K3dCommand = {
  path: ['node', 'stop'],
  use: 'k3d node stop NAME',
  short: 'Stop an existing k3d node',
  flags: [],
  async run(ctx) {
    const n = namedAgent(ctx, 'stop');
    if (typeof n === 'number') return n;
    // Docker stops the container; k3d prints nothing (pkg/runtimes/docker/node.go StopNode)
    ctx.sandbox.stopNode(n.name);
    return 0;
  },
};

export const nodeStart: K3dCommand = {
  path: ['node', 'start'],
  use: 'k3d node start NODE',
  short: 'Start an existing k3d node',
  flags: [],
  async run(ctx) {
    const n = namedAgent(ctx, 'start');
    if (typeof n === 'number') return n;
    // k3d names the node as it was typed (pkg/runtimes/docker/node.go StartNode)
    ctx.log.info(`Starting node '${ctx.parsed.args[0]}'`);
    const c = ctx.sandbox.cluster!;
    if (!containerRunning(c, n.name)) await ctx.sandbox.startNode(n.name);
    return 0;
  },
};
