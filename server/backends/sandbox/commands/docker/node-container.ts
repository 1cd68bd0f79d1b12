/**
 * What Docker knows about a k3d node container: `docker inspect`'s document, as k3d v5 creates the containers
 * (k3d-io/k3d pkg/runtimes/docker/translate.go, pkg/types/labels.go): k3d's labels, the k3s entrypoint and
 * arguments, K3S_TOKEN/K3S_URL, the cluster network `k3d-<cluster>` with the node's address.
 */
import {createHash} from 'node:crypto';
import type {ClusterRecord, NodeContainer} from '../../cluster/cluster-record';
import {addressSlot, nodeContainers} from '../../cluster/cluster-record';
import {K3D_PROXY_IMAGE, K3D_VERSION} from '../k3d/k3d-version';
import {containerRows} from './docker-ps';

const hex = (s: string, n = 64) => createHash('sha256').update(s).digest('hex').slice(0, n);

/**
 * the node's address on the cluster network: servers, agents, the load balancer, then agents `k3d node create`
 * added (Docker's IPAM, in creation order)
 */
export function nodeAddress(c: ClusterRecord, n: NodeContainer): string {
  return `172.18.0.${2 + addressSlot(c, n.name)}`;
}

export function inspectDocument(c: ClusterRecord, n: NodeContainer): Record<string, unknown> {
  const row = containerRows(c).find((r) => r.name === n.name)!;
  const token = hex(`token:${c.name}:${c.createdAt}`, 20);
  const network = `k3d-${c.name}`;
  const ip = nodeAddress(c, n);
  const created = new Date(row.createdAt).toISOString();
  const lb = n.role === 'loadbalancer';
  const cmd =
    n.role === 'server'
      ? [
          'server',
          ...(c.disableTraefik ? ['--disable=traefik'] : []),
          '--tls-san',
          '0.0.0.0',
          '--tls-san',
          `k3d-${c.name}-serverlb`,
        ]
      : n.role === 'agent'
        ? ['agent']
        : [];
  const labels: Record<string, string> = {
    app: 'k3d',
    'k3d.cluster': c.name,
    'k3d.cluster.imageVolume': `k3d-${c.name}-images`,
    'k3d.cluster.network': network,
    'k3d.cluster.network.external': 'false',
    'k3d.cluster.network.id': hex(`net:${c.name}`),
    'k3d.cluster.network.iprange': '172.18.0.0/16',
    'k3d.cluster.token': token,
    'k3d.cluster.url': `https://k3d-${c.name}-server-0:6443`,
    'k3d.role': n.role,
    'k3d.version': K3D_VERSION,
    ...(n.role === 'server'
      ? {
          'k3d.server.api.host': '0.0.0.0',
          'k3d.server.api.hostIP': '0.0.0.0',
          'k3d.server.api.port': String(c.apiPort),
        }
      : {}),
  };
  const env = lb
    ? [`SERVERS=k3d-${c.name}-server-0`, `PORTS=6443`, 'WORKER_PROCESSES=1']
    : [
        `K3S_TOKEN=${token}`,
        ...(n.role === 'agent' ? [`K3S_URL=https://k3d-${c.name}-server-0:6443`] : []),
        ...(n.role === 'server' ? ['K3S_KUBECONFIG_OUTPUT=/output/kubeconfig.yaml'] : []),
        'PATH=/var/lib/rancher/k3s/data/cni:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/bin/aux',
        'CRI_CONFIG_FILE=/var/lib/rancher/k3s/agent/etc/crictl.yaml',
      ];
  const ports: Record<string, {HostIp: string; HostPort: string}[] | null> = {};
  if (lb) {
    ports['6443/tcp'] = [{HostIp: '0.0.0.0', HostPort: String(c.apiPort)}];
    for (const p of c.ports.filter((x) => x.nodeFilter === 'loadbalancer'))
      ports[`${p.containerPort}/tcp`] = [{HostIp: '0.0.0.0', HostPort: String(p.hostPort)}];
  }
  const running = row.running;
  return {
    Id: row.id,
    Created: created,
    Path: lb ? '/bin/sh' : '/bin/k3d-entrypoint.sh',
    Args: lb ? ['-c', 'nginx-proxy'] : cmd,
    State: {
      Status: running ? 'running' : 'exited',
      Running: running,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: running ? 4000 + nodeContainers(c).findIndex((x) => x.name === n.name) * 211 : 0,
      ExitCode: 0,
      Error: '',
      StartedAt: created,
      FinishedAt: '0001-01-01T00:00:00Z',
    },
    Image: `sha256:${hex(`image:${lb ? K3D_PROXY_IMAGE : c.image}`)}`,
    Name: `/${n.name}`,
    RestartCount: 0,
    Driver: 'overlay2',
    Platform: 'linux',
    HostConfig: {
      Privileged: !lb,
      NetworkMode: network,
      RestartPolicy: {Name: 'unless-stopped', MaximumRetryCount: 0},
      PortBindings: ports,
      Init: !lb,
      Tmpfs: lb ? null : {'/run': '', '/var/run': ''},
    },
    Config: {
      Hostname: n.name,
      Env: env,
      Cmd: lb ? null : cmd,
      Image: lb ? K3D_PROXY_IMAGE : c.image,
      Entrypoint: lb ? null : ['/bin/k3d-entrypoint.sh'],
      Labels: labels,
    },
    NetworkSettings: {
      Ports: ports,
      Networks: {
        [network]: {
          Aliases: [n.name],
          NetworkID: hex(`net:${c.name}`),
          Gateway: '172.18.0.1',
          IPAddress: running ? ip : '',
          IPPrefixLen: running ? 16 : 0,
          MacAddress: running
            ? `02:42:ac:12:00:${(Number(ip.split('.')[3]) & 0xff).toString(16).padStart(2, '0')}`
            : '',
          DNSNames: [n.name, row.id.slice(0, 12)],
        },
      },
    },
  };
}
