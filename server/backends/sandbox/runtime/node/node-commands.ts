/**
 * What `docker exec NODE CMD` can run inside a k3d node container: one entry per executable. These are the node's
 * own (ps, crictl); the mesh plugin adds nsenter and iptables (mesh/node-views.ts), and the backend hands the union
 * to the docker command.
 */
import {createHash} from 'node:crypto';
import type {ObjectStore} from '../../api/index';
import {mustType} from '../../api/kinds';
import type {ClusterRecord, NodeContainer} from '../../cluster/cluster-record';
import type {CommandIO} from '../../kit/command-io';
import type {NodeProcess} from './node-processes';

export interface NodeExecContext {
  io: CommandIO;
  store: ObjectStore;
  cluster: ClusterRecord;
  node: NodeContainer;
  /** argv after the executable */
  args: string[];
  /** the node's process table, with what plugins add (the mesh's envoy children) */
  processes(): NodeProcess[];
}

export type NodeCommand = (ctx: NodeExecContext) => Promise<number> | number;

/** busybox ps (the k3s image's): it accepts and ignores BSD options like `aux`, prints the same columns */
const ps: NodeCommand = ({io, processes}) => {
  const rows = processes();
  io.stdout.write('PID   USER     TIME  COMMAND\n');
  for (const p of rows)
    io.stdout.write(
      `${String(p.pid).padStart(5)} ${p.user.padEnd(8)} ${p.kind === 'init' ? ' 0:12' : ' 0:00'} ${p.command}\n`,
    );
  return 0;
};

const id = (seed: string, n = 13) => createHash('sha256').update(seed).digest('hex').slice(0, n);

function age(iso: unknown, now: Date): string {
  const s = Math.max(0, Math.floor((now.getTime() - Date.parse(String(iso))) / 1000));
  if (s < 60) return `${s} seconds ago`;
  if (s < 3600) return `${Math.floor(s / 60)} minutes ago`;
  return `${Math.floor(s / 3600)} hours ago`;
}

/** crictl's table: tabwriter with a 20-column minimum */
function crictlTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(17, ...rows.map((r) => r[i]!.length)) + 3);
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
          .join('')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

const crictl: NodeCommand = ({io, store, node, args}) => {
  const sub = args.find((a) => !a.startsWith('-'));
  if (node.role === 'loadbalancer') {
    io.stderr.write(
      'OCI runtime exec failed: exec failed: unable to start container process: exec: "crictl": executable file not found in $PATH: unknown\n',
    );
    return 126;
  }
  const podType = mustType(store, 'pods');
  const pods = store
    .list(podType, {fieldSelector: `spec.nodeName=${node.name}`})
    .items.filter((p) => (p as {status?: {phase?: string}}).status?.phase === 'Running');
  if (sub === 'pods') {
    const rows = [['POD ID', 'CREATED', 'STATE', 'NAME', 'NAMESPACE', 'ATTEMPT', 'RUNTIME']];
    for (const p of pods)
      rows.push([
        id(`sandbox:${p.metadata.uid}`),
        age(p.metadata.creationTimestamp, store.clock.now()),
        'Ready',
        p.metadata.name!,
        p.metadata.namespace!,
        '0',
        '(default)',
      ]);
    io.stdout.write(crictlTable(rows));
    return 0;
  }
  if (sub === 'ps') {
    const rows = [['CONTAINER', 'IMAGE', 'CREATED', 'STATE', 'NAME', 'ATTEMPT', 'POD ID', 'POD']];
    for (const p of pods)
      for (const c of (p as {spec?: {containers?: Array<{name: string; image?: string}>}}).spec?.containers ?? [])
        rows.push([
          id(`${p.metadata.uid}/${c.name}`),
          id(`image:${c.image}`),
          age(p.metadata.creationTimestamp, store.clock.now()),
          'Running',
          c.name,
          '0',
          id(`sandbox:${p.metadata.uid}`),
          p.metadata.name!,
        ]);
    io.stdout.write(crictlTable(rows));
    return 0;
  }
  io.stderr.write(`crictl: this sandbox node supports "crictl ps" and "crictl pods"\n`);
  return 1;
};

export const NODE_COMMANDS: ReadonlyMap<string, NodeCommand> = new Map([
  ['ps', ps],
  ['crictl', crictl],
]);
