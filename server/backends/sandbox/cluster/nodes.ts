import {randomBytes, randomUUID} from 'node:crypto';
import {cpus, release, totalmem} from 'node:os';
import type {Node, NodeCondition} from 'kubernetes-types/core/v1';
import type {KubeObject, Typed} from '../api';
import type {ClusterSpec, NodePlan} from './cluster-spec';
import {setCondition} from './status';

/** k3s 1.31.5 ships containerd 1.7.23-k3s2 */
export const CONTAINER_RUNTIME = 'containerd://1.7.23-k3s2';

const ARCH: Record<string, string> = {x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x'};
export const nodeArch = (): string => ARCH[process.arch] ?? 'amd64';

const hex = (n: number) => randomBytes(n).toString('hex');

/** the kubelet's default --max-pods, which k3s keeps */
export const MAX_PODS = 110;
/** the node's disk as a k3d container sees it (the host's, here a fixed 100 GiB-ish) */
const DISK_KI = 102626232;
/**
 * A k3d node sees the whole host's CPUs and memory. The walkthrough's pods request at most ~1.3 CPU and ~3 GiB on
 * one node (istiod 500m/2Gi, ztunnel 200m/512Mi, istio-cni, coredns, metrics-server): a smaller host is reported as
 * this much, so the walkthrough schedules on any machine the lab runs on (KNOWN-DIFFERENCES.md).
 */
const MIN_CPUS = 2;
const MIN_MEMORY_KI = 4 * 1024 * 1024;

/** the node's pressure conditions as the kubelet reports them while healthy */
const HEALTHY: [string, string, string][] = [
  ['MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  ['DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  ['PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
];

/**
 * A Node as k3s registers it inside a k3d container: k3s's labels and annotations, the host's CPUs and memory
 * (a k3d node sees the whole machine), the docker network address and flannel's pod CIDR.
 */
export function nodeObject(spec: ClusterSpec, plan: NodePlan, now: string): KubeObject {
  const arch = nodeArch();
  const server = plan.role === 'server';
  const capacity = {
    cpu: String(Math.max(cpus().length, MIN_CPUS)),
    'ephemeral-storage': `${DISK_KI}Ki`,
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: `${Math.max(Math.floor(totalmem() / 1024), MIN_MEMORY_KI)}Ki`,
    pods: String(MAX_PODS),
  };
  // k3s's kubelet reserves nothing for the system and evicts only on disk (imagefs/nodefs.available<5%): the
  // allocatable CPU and memory are the capacity, ephemeral storage 95% of it, written in bytes
  const allocatable = {...capacity, 'ephemeral-storage': String(Math.floor(DISK_KI * 1024 * 0.95))};
  const nodeArgs = server
    ? [
        'server',
        ...(spec.disableTraefik ? ['--disable', 'traefik'] : []),
        '--tls-san',
        '0.0.0.0',
        '--tls-san',
        `k3d-${spec.name}-serverlb`,
      ]
    : ['agent'];
  const node: Typed<Node> = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: plan.name,
      labels: {
        'beta.kubernetes.io/arch': arch,
        'beta.kubernetes.io/instance-type': 'k3s',
        'beta.kubernetes.io/os': 'linux',
        'k3s.io/hostname': plan.name,
        'k3s.io/internal-ip': plan.internalIP,
        'kubernetes.io/arch': arch,
        'kubernetes.io/hostname': plan.name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'k3s',
        ...(server ? {'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/master': 'true'} : {}),
      },
      annotations: {
        'alpha.kubernetes.io/provided-node-ip': plan.internalIP,
        'flannel.alpha.coreos.com/backend-data': JSON.stringify({VNI: 1, VtepMAC: randomMac()}),
        'flannel.alpha.coreos.com/backend-type': 'vxlan',
        'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
        'flannel.alpha.coreos.com/public-ip': plan.internalIP,
        'k3s.io/hostname': plan.name,
        'k3s.io/internal-ip': plan.internalIP,
        'k3s.io/node-args': JSON.stringify(nodeArgs),
        'k3s.io/node-config-hash': base32(randomBytes(32)),
        'k3s.io/node-env': JSON.stringify(
          server
            ? {K3S_KUBECONFIG_OUTPUT: '/output/kubeconfig.yaml', K3S_TOKEN: '********'}
            : {K3S_TOKEN: '********', K3S_URL: `https://k3d-${spec.name}-server-0:6443`},
        ),
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {podCIDR: plan.podCIDR, podCIDRs: [plan.podCIDR], providerID: `k3s://${plan.name}`},
    status: {
      addresses: [
        {address: plan.internalIP, type: 'InternalIP'},
        {address: plan.name, type: 'Hostname'},
      ],
      allocatable,
      capacity,
      conditions: nodeConditions(undefined, true, now),
      daemonEndpoints: {kubeletEndpoint: {Port: 10250}},
      nodeInfo: {
        architecture: arch,
        bootID: randomUUID(),
        containerRuntimeVersion: CONTAINER_RUNTIME,
        kernelVersion: release(),
        kubeProxyVersion: spec.k3sVersion,
        kubeletVersion: spec.k3sVersion,
        machineID: hex(16),
        operatingSystem: 'linux',
        osImage: `K3s ${spec.k3sVersion}`,
        systemUUID: randomUUID(),
      },
    },
  };
  return node;
}

/** Ready (kubelet posting) or Unknown (the node container is stopped: `k3d cluster stop`) */
export function nodeConditions(current: NodeCondition[] | undefined, ready: boolean, now: string): NodeCondition[] {
  let list = current ?? [];
  for (const [type, reason, message] of HEALTHY)
    list = setCondition(
      list,
      ready
        ? {type, status: 'False', reason, message}
        : {type, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.'},
      now,
    );
  list = setCondition(
    list,
    ready
      ? {type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status'}
      : {
          type: 'Ready',
          status: 'Unknown',
          reason: 'NodeStatusUnknown',
          message: 'Kubelet stopped posting node status.',
        },
    now,
  );
  // heartbeats: the node's conditions carry lastHeartbeatTime as well
  return list.map((c) => ({...c, lastHeartbeatTime: ready ? now : (c.lastHeartbeatTime ?? now)}));
}

/** RFC 4648 base32 with padding, as k3s prints the sha256 of the node's config */
function base32(b: Buffer): string {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let acc = 0;
  let out = '';
  for (const x of b) {
    acc = (acc << 8) | x;
    bits += 8;
    while (bits >= 5) {
      out += A[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits) out += A[(acc << (5 - bits)) & 31];
  return out.padEnd(Math.ceil(out.length / 8) * 8, '=');
}

/** the node's heartbeat Lease in kube-node-lease (describe node shows its holder and renew time) */
export function nodeLease(node: KubeObject, now: string): KubeObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: node.metadata.name,
      namespace: 'kube-node-lease',
      ownerReferences: [
        {apiVersion: 'v1', kind: 'Node', name: String(node.metadata.name), uid: String(node.metadata.uid)},
      ],
    },
    spec: {holderIdentity: node.metadata.name, leaseDurationSeconds: 40, renewTime: now.replace('Z', '.000000Z')},
  };
}

function randomMac(): string {
  const b = randomBytes(6);
  b[0] = (b[0]! & 0xfe) | 0x02; // locally administered, unicast, like the vxlan device's
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** The node's InternalIP and pod CIDR, read back from the stored object (so a resumed cluster needs no plan). */
export function nodeNetwork(node: KubeObject): {ip: string; podCIDR: string} {
  const n = node as Typed<Node>;
  return {
    ip: (n.status?.addresses ?? []).find((a) => a.type === 'InternalIP')?.address ?? '',
    podCIDR: n.spec?.podCIDR ?? '',
  };
}

export const isNodeReady = (node: KubeObject): boolean =>
  ((node as Typed<Node>).status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
