/** `k3d cluster list [NAME...]`: NAME SERVERS AGENTS LOADBALANCER, or -o json|yaml. */
import {stringify} from 'yaml';
import {containerRunning, nodeContainers, type ClusterRecord} from '../../cluster/cluster-record';
import type {K3dCommand} from './k3d-command';
import {formatTable} from '../../kit/table';

export const clusterList: K3dCommand = {
  path: ['cluster', 'list'],
  aliases: ['ls', 'get'],
  use: 'k3d cluster list [NAME [NAME...]]',
  short: 'List cluster(s)',
  flags: [
    {name: 'no-headers', type: 'bool', usage: 'Disable headers'},
    {name: 'output', short: 'o', type: 'string', default: '', usage: 'Output format. One of: json|yaml'},
    {name: 'token', type: 'bool', usage: 'Print k3s cluster token'},
  ],
  async run({io, sandbox, log, parsed}) {
    const output = parsed.flags.output as string;
    if (output && output !== 'json' && output !== 'yaml') return log.fatal(`Unknown output format: ${output}`);
    let clusters = sandbox.cluster ? [sandbox.cluster] : [];
    if (parsed.args.length) {
      for (const name of parsed.args)
        if (!clusters.some((c) => c.name === name))
          return log.fatal(`failed to get cluster ${name}: No nodes found for given cluster`);
      clusters = clusters.filter((c) => parsed.args.includes(c.name));
    }
    if (output) {
      const docs = clusters.map((c) => ({
        name: c.name,
        serversCount: count(c, 'server').all,
        serversRunning: count(c, 'server').running,
        agentsCount: count(c, 'agent').all,
        agentsRunning: count(c, 'agent').running,
        hasLoadbalancer: true,
        imageVolume: `k3d-${c.name}-images`,
      }));
      io.stdout.write(output === 'json' ? JSON.stringify(docs) + '\n' : stringify(docs));
      return 0;
    }
    const rows = clusters.map((c) => {
      const [s, a] = [count(c, 'server'), count(c, 'agent')];
      return [c.name, `${s.running}/${s.all}`, `${a.running}/${a.all}`, 'true'];
    });
    if (!parsed.flags['no-headers']) rows.unshift(['NAME', 'SERVERS', 'AGENTS', 'LOADBALANCER']);
    io.stdout.write(formatTable(rows));
    return 0;
  },
};

/** a role's node containers, and how many of them run (`k3d node create|delete|stop` change both) */
function count(c: ClusterRecord, role: 'server' | 'agent'): {all: number; running: number} {
  const nodes = nodeContainers(c).filter((n) => n.role === role);
  return {all: nodes.length, running: nodes.filter((n) => containerRunning(c, n.name)).length};
}
