/**
 * `docker logs [-t] [--tail N] [-f] NODE`: what the node container wrote to stdout/stderr. For a k3s node that is
 * k3s's own log (logrus `time="…" level=info msg="…"` lines, klog lines of the embedded kubelet), an abbreviated
 * start-up with real message texts (k3s pkg/cli/server, pkg/agent; kubelet_node_status.go "Successfully registered
 * node", which k3d waits for on agents; "k3s is up and running" on servers). k3d's entrypoint scripts log to a file
 * in the node, not here (k3d pkg/types/fixes/assets/k3d-entrypoint.sh). The load balancer is k3d-proxy's nginx.
 */
import type {ClusterRecord, NodeContainer} from '../../cluster/cluster-record';
import {nodeContainers} from '../../cluster/cluster-record';
import type {CommandIO} from '../../kit/command-io';
import {FlagError, parseFlags} from '../../kit/flags';
import type {CommandSandbox} from '../types';
import {containerRows} from './docker-ps';
import {nodeAddress} from './node-container';

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function klog(ms: number, file: string, msg: string): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `I${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}${p(ms % 1000, 3)}      97 ${file}] ${msg}`;
}

/** the log lines with the time each was written */
export function nodeLogLines(c: ClusterRecord, n: NodeContainer, startedAt: number): {at: number; text: string}[] {
  const version = c.image.split(':').pop()!.replace('-', '+');
  const at = (ms: number) => startedAt + ms;
  const logrus = (ms: number, msg: string, level = 'info') => ({
    at: at(ms),
    text: `time="${iso(at(ms))}" level=${level} msg="${msg.replace(/"/g, '\\"')}"`,
  });
  const server0 = `k3d-${c.name}-server-0`;
  if (n.role === 'loadbalancer') {
    const d = (ms: number) => new Date(at(ms)).toISOString().replace('T', ' ').replace(/-/g, '/').slice(0, 19);
    return [
      {at: at(40), text: `${d(40)} [notice] 13#13: using the "epoll" event method`},
      {at: at(40), text: `${d(40)} [notice] 13#13: nginx/1.27.4`},
      {at: at(40), text: `${d(40)} [notice] 13#13: OS: Linux 6.8.0-generic`},
      {at: at(41), text: `${d(41)} [notice] 13#13: start worker processes`},
      {at: at(41), text: `${d(41)} [notice] 13#13: start worker process 20`},
    ];
  }
  const ip = nodeAddress(c, n);
  if (n.role === 'server')
    return [
      logrus(0, `Starting k3s ${version}`),
      logrus(12, 'Configuring sqlite3 database connection pooling: maxIdleConns=2, maxOpenConns=0, connMaxLifetime=0s'),
      logrus(13, 'Configuring database table schema and indexes, this may take a moment...'),
      logrus(30, 'Database tables and indexes are up to date'),
      logrus(34, 'Kine available at unix://kine.sock'),
      logrus(
        420,
        `Running kube-apiserver --advertise-address=${ip} --advertise-port=6443 --allow-privileged=true --bind-address=127.0.0.1 --secure-port=6444 --service-cluster-ip-range=10.43.0.0/16`,
      ),
      logrus(520, 'Waiting for API server to become available'),
      logrus(2100, 'k3s is up and running'),
      logrus(2150, 'Creating k3s-supervisor event broadcaster'),
      logrus(
        2300,
        `Running kubelet --node-ip=${ip} --hostname-override=${n.name} --pod-manifest-path=/var/lib/rancher/k3s/agent/pod-manifests`,
      ),
      {
        at: at(3300),
        text: klog(at(3300), 'kubelet_node_status.go:76', `"Successfully registered node" node="${n.name}"`),
      },
      logrus(3600, `Node CIDR assigned for: ${n.name}`),
      logrus(3650, `Flannel found PodCIDR assigned for node ${n.name}`),
      logrus(3700, 'Starting flannel with backend vxlan'),
      logrus(3900, `Labels and annotations have been set successfully on node: ${n.name}`),
      ...(c.disableTraefik
        ? []
        : [logrus(4200, 'Writing manifest: /var/lib/rancher/k3s/server/manifests/traefik.yaml')]),
    ];
  return [
    logrus(0, `Starting k3s agent ${version}`),
    logrus(15, `Adding server to load balancer k3s-agent-load-balancer: ${server0}:6443`),
    logrus(
      16,
      `Running load balancer k3s-agent-load-balancer 127.0.0.1:6444 -> [${server0}:6443] [default: ${server0}:6443]`,
    ),
    logrus(
      900,
      `Running kubelet --node-ip=${ip} --hostname-override=${n.name} --pod-manifest-path=/var/lib/rancher/k3s/agent/pod-manifests`,
    ),
    logrus(950, `Connecting to proxy url="wss://${server0}:6443/v1-k3s/connect"`),
    {
      at: at(1900),
      text: klog(at(1900), 'kubelet_node_status.go:76', `"Successfully registered node" node="${n.name}"`),
    },
    logrus(2100, `Annotations and labels have been set successfully on node: ${n.name}`),
    logrus(2200, 'k3s agent is up and running'),
  ];
}

export async function dockerLogs(io: CommandIO, sandbox: CommandSandbox, argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseFlags(argv, [
      {name: 'follow', short: 'f', type: 'bool', usage: 'Follow log output'},
      {name: 'timestamps', short: 't', type: 'bool', usage: 'Show timestamps'},
      {
        name: 'tail',
        short: 'n',
        type: 'string',
        default: 'all',
        usage: 'Number of lines to show from the end of the logs',
      },
      {name: 'details', type: 'bool', usage: 'Show extra details provided to logs'},
      {name: 'since', type: 'string', default: '', usage: 'Show logs since timestamp'},
      {name: 'until', type: 'string', default: '', usage: 'Show logs before a timestamp'},
    ]);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    io.stderr.write(`${e.message}\nSee 'docker logs --help'.\n`);
    return 125;
  }
  if (parsed.args.length !== 1) {
    io.stderr.write(
      `"docker logs" requires exactly 1 argument.\nSee 'docker logs --help'.\n\nUsage:  docker logs [OPTIONS] CONTAINER\n\nFetch the logs of a container\n`,
    );
    return 1;
  }
  const target = parsed.args[0]!;
  const c = sandbox.cluster;
  const row = containerRows(c).find(
    (r) => r.name === target || (/^[0-9a-f]+$/.test(target) && r.id.startsWith(target)),
  );
  if (!c || !row) {
    io.stderr.write(`Error response from daemon: No such container: ${target}\n`);
    return 1;
  }
  const node = nodeContainers(c).find((n) => n.name === row.name)!;
  let lines = nodeLogLines(c, node, row.createdAt + 200);
  const tail = String(parsed.flags.tail);
  if (tail !== 'all' && /^\d+$/.test(tail)) lines = Number(tail) === 0 ? [] : lines.slice(-Number(tail));
  const ts = (ms: number) => `${new Date(ms).toISOString().replace('Z', '')}000000Z `;
  for (const l of lines) io.stdout.write(`${parsed.flags.timestamps ? ts(l.at) : ''}${l.text}\n`);
  if (parsed.flags.follow && row.running)
    await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), {once: true}));
  return 0;
}
