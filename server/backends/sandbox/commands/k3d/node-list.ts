/** `k3d node list`: every node container of every cluster, the serverlb included (NAME ROLE CLUSTER STATUS). */
import {containerRunning, nodeContainers} from '../../cluster/cluster-record';
import type {K3dCommand} from './k3d-command';
import {formatTable} from '../../kit/table';

export const nodeList: K3dCommand = {
  path: ['node', 'list'],
  aliases: ['ls', 'get'],
  use: 'k3d node list [NODE [NODE...]]',
  short: 'List node(s)',
  flags: [
    {name: 'no-headers', type: 'bool', usage: 'Disable headers'},
    {name: 'output', short: 'o', type: 'string', default: '', usage: 'Output format. One of: json|yaml'},
  ],
  async run({io, sandbox, parsed}) {
    const c = sandbox.cluster;
    let nodes = c
      ? nodeContainers(c).map((n) => ({
          ...n,
          cluster: c.name,
          status: containerRunning(c, n.name) ? 'running' : 'exited',
        }))
      : [];
    if (parsed.args.length) nodes = nodes.filter((n) => parsed.args.includes(n.name));
    nodes.sort((a, b) => a.name.localeCompare(b.name));
    if (parsed.flags.output === 'json') {
      io.stdout.write(
        JSON.stringify(
          nodes.map((n) => ({
            name: n.name,
            role: n.role,
            runtimeLabels: {'k3d.cluster': n.cluster},
            State: {Running: n.status === 'running', Status: n.status},
          })),
        ) + '\n',
      );
      return 0;
    }
    const rows = nodes.map((n) => [n.name, n.role, n.cluster, n.status]);
    if (!parsed.flags['no-headers']) rows.unshift(['NAME', 'ROLE', 'CLUSTER', 'STATUS']);
    io.stdout.write(formatTable(rows));
    return 0;
  },
};
