/** `docker ps [-a] [-q] [--no-trunc] [--format TEMPLATE] [-f name=...]`: the k3d node containers. */
import {containerRunning, nodeContainers, type ClusterRecord} from '../../cluster/cluster-record';
import type {CommandSandbox} from '../types';
import {K3D_PROXY_IMAGE} from '../k3d/k3d-version';
import {humanDuration} from './docker-time';
import {FlagError, parseFlags} from '../../kit/flags';
import {formatTable} from '../../kit/table';
import type {CommandIO} from '../../kit/command-io';

export interface ContainerRow {
  id: string;
  image: string;
  command: string;
  createdAt: number;
  running: boolean;
  ports: string;
  name: string;
}

export function containerRows(c: ClusterRecord | undefined): ContainerRow[] {
  if (!c) return [];
  const created = Date.parse(c.createdAt);
  const lbPorts = [
    ...c.ports
      .filter((p) => p.nodeFilter === 'loadbalancer')
      .map((p) => ({host: p.hostPort, text: `0.0.0.0:${p.hostPort}->${p.containerPort}/tcp`})),
    {host: c.apiPort, text: `0.0.0.0:${c.apiPort}->6443/tcp`},
  ]
    .sort((a, b) => a.host - b.host)
    .map((p) => p.text);
  const nodes = nodeContainers(c);
  // newest first, like docker: the serverlb was created last, then agents, then servers
  return nodes
    .map((n, i) => ({
      id: c.containerIds[n.name] ?? '0'.repeat(64),
      image: n.role === 'loadbalancer' ? K3D_PROXY_IMAGE : c.image,
      command: n.role === 'loadbalancer' ? '/bin/sh -c nginx-proxy' : `/bin/k3d-entrypoint.sh ${n.role}`,
      createdAt: addedAt(c, n.name) ?? created + i * 300,
      running: containerRunning(c, n.name),
      ports: n.role === 'loadbalancer' ? ['80/tcp', ...lbPorts].join(', ') : '',
      name: n.name,
    }))
    .reverse();
}

/** when `k3d node create` added the node, for the nodes it did */
function addedAt(c: ClusterRecord, name: string): number | undefined {
  const a = c.addedNodes?.find((x) => x.name === name);
  return a ? Date.parse(a.createdAt) : undefined;
}

const trunc = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export async function dockerPs(io: CommandIO, sandbox: CommandSandbox, argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseFlags(argv, [
      {name: 'all', short: 'a', type: 'bool', usage: 'Show all containers (default shows just running)'},
      {
        name: 'filter',
        short: 'f',
        type: 'stringArray',
        default: [],
        usage: 'Filter output based on conditions provided',
      },
      {name: 'format', type: 'string', default: '', usage: 'Format output using a custom template'},
      {name: 'no-trunc', type: 'bool', usage: "Don't truncate output"},
      {name: 'quiet', short: 'q', type: 'bool', usage: 'Only display container IDs'},
      {name: 'size', short: 's', type: 'bool', usage: 'Display total file sizes'},
      {name: 'latest', short: 'l', type: 'bool', usage: 'Show the latest created container (includes all states)'},
      {name: 'help', type: 'bool', usage: 'Print usage'},
    ]);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    io.stderr.write(`${e.message}\nSee 'docker ps --help'.\n`);
    return 125;
  }
  if (parsed.args.length) {
    io.stderr.write(
      `"docker ps" accepts no arguments.\nSee 'docker ps --help'.\n\nUsage:  docker ps [OPTIONS]\n\nList containers\n`,
    );
    return 1;
  }
  const f = parsed.flags;
  let rows = containerRows(sandbox.cluster).filter((r) => f.all || r.running);
  for (const filter of f.filter as string[]) {
    const [key, value = ''] = filter.split('=');
    if (key === 'name') rows = rows.filter((r) => r.name.includes(value));
    else if (key === 'status') rows = rows.filter((r) => (value === 'running') === r.running);
    else if (key === 'label')
      rows = rows.filter((r) =>
        value.startsWith('k3d.cluster') ? r.name.startsWith(`k3d-${value.split('=')[1] ?? ''}`) : true,
      );
    else {
      io.stderr.write(`Error response from daemon: invalid filter '${key}'\n`);
      return 1;
    }
  }
  const noTrunc = !!f['no-trunc'];
  const now = sandbox.store.clock.now().getTime();
  const status = (r: ContainerRow) =>
    r.running ? `Up ${humanDuration(now - r.createdAt)}` : `Exited (0) ${humanDuration(now - r.createdAt)} ago`;
  if (f.quiet) {
    io.stdout.write(rows.map((r) => (noTrunc ? r.id : r.id.slice(0, 12)) + '\n').join(''));
    return 0;
  }
  const format = f.format as string;
  if (format) {
    const fields: Record<string, (r: ContainerRow) => string> = {
      ID: (r) => (noTrunc ? r.id : r.id.slice(0, 12)),
      Image: (r) => r.image,
      Command: (r) => `"${noTrunc ? r.command : trunc(r.command, 20)}"`,
      CreatedAt: (r) => new Date(r.createdAt).toISOString(),
      RunningFor: (r) => `${humanDuration(now - r.createdAt)} ago`,
      Status: status,
      State: (r) => (r.running ? 'running' : 'exited'),
      Ports: (r) => r.ports,
      Names: (r) => r.name,
    };
    const table = format.startsWith('table ');
    const tpl = table ? format.slice(6) : format;
    const render = (r: ContainerRow) =>
      tpl.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, k: string) => fields[k]?.(r) ?? '').replace(/\\t/g, '\t');
    const lines = rows.map(render);
    if (table) {
      const header = tpl
        .replace(
          /\{\{\s*\.(\w+)\s*\}\}/g,
          (_, k: string) => ({ID: 'CONTAINER ID', RunningFor: 'CREATED', Names: 'NAMES'})[k] ?? k.toUpperCase(),
        )
        .replace(/\\t/g, '\t');
      io.stdout.write(formatTable([header, ...lines].map((l) => l.split('\t'))));
    } else io.stdout.write(lines.map((l) => l + '\n').join(''));
    return 0;
  }
  const table = [['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES']];
  for (const r of rows)
    table.push([
      noTrunc ? r.id : r.id.slice(0, 12),
      r.image,
      `"${noTrunc ? r.command : trunc(r.command, 20)}"`,
      `${humanDuration(now - r.createdAt)} ago`,
      status(r),
      r.ports,
      r.name,
    ]);
  io.stdout.write(formatTable(table));
  return 0;
}
