/**
 * The process table of a k3d node container, derived from the store: k3s and containerd, then for every running
 * pod scheduled on the node (spec.nodeName) its containerd-shim, its pause process and one process per container.
 * PIDs are stable: a pod's block of PIDs comes from a hash of its uid (older pods claim first on a collision), so
 * `docker exec NODE ps` twice shows the same numbers and `nsenter -t PID -n` (the mesh's) can map a PID back
 * to its pod.
 */
import {createHash} from 'node:crypto';
import type {ObjectStore} from '../../api/index';
import {mustType} from '../../api/kinds';
import type {KubeObject} from '../../api/types';
import type {ClusterRecord, NodeContainer} from '../../cluster/cluster-record';
import {containerArgv, imageSpecFor} from '../images/catalog';

export interface NodeProcess {
  pid: number;
  ppid: number;
  user: string;
  /** the full command line, as `ps` shows it */
  command: string;
  kind: 'init' | 'containerd' | 'shim' | 'pause' | 'container';
  pod?: {namespace: string; name: string; uid: string};
  container?: string;
}

const SLOTS = 3000;
const SLOT_SIZE = 16;
const FIRST_POD_PID = 1000;
const CONTAINERD_SOCK = '/run/k3s/containerd/containerd.sock';
const SHIM = '/var/lib/rancher/k3s/data/cni/containerd-shim-runc-v2';

const hashSlot = (uid: string) => createHash('sha256').update(uid).digest().readUInt32BE(0) % SLOTS;

interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  securityContext?: {runAsUser?: number};
}

/**
 * The USER column of the node's busybox `ps`: the container's runAsUser, else the pod's, else the image's user; the
 * k3s node's /etc/passwd names only root, so any other uid shows as its number (the sidecar's 1337, /pause's 65535).
 */
function processUser(c: Container, podRunAsUser: number | undefined): string {
  const uid = c.securityContext?.runAsUser ?? podRunAsUser ?? imageSpecFor(c.image).user.uid;
  return uid === 0 ? 'root' : String(uid);
}

/** PID 1 of a container, from the one image table (runtime/images/catalog.ts) */
const containerCommand = (c: Container): string => containerArgv(imageSpecFor(c.image), c).join(' ');

function k3sCommand(node: NodeContainer, cluster: ClusterRecord): string {
  if (node.role !== 'server') return '/bin/k3s agent';
  const args = cluster.k3sArgs.filter((a) => /@server/.test(a) || !a.includes('@')).map((a) => a.split('@')[0]);
  return ['/bin/k3s server', ...args].join(' ');
}

/** the node's processes, PID order */
export function nodeProcesses(store: ObjectStore, cluster: ClusterRecord, node: NodeContainer): NodeProcess[] {
  if (node.role === 'loadbalancer')
    return [
      {pid: 1, ppid: 0, user: 'root', command: '/bin/sh -c nginx-proxy', kind: 'init'},
      {
        pid: 7,
        ppid: 1,
        user: 'root',
        command: '/usr/bin/confd -onetime -backend file -file /etc/confd/values.yaml -log-level debug',
        kind: 'init',
      },
      {pid: 18, ppid: 1, user: 'root', command: 'nginx: master process nginx -g daemon off;', kind: 'init'},
    ];
  const out: NodeProcess[] = [
    {pid: 1, ppid: 0, user: 'root', command: k3sCommand(node, cluster), kind: 'init'},
    {
      pid: 31,
      ppid: 1,
      user: 'root',
      command: `containerd -c /var/lib/rancher/k3s/agent/etc/containerd/config.toml -a ${CONTAINERD_SOCK} --state /run/k3s/containerd --root /var/lib/rancher/k3s/agent/containerd`,
      kind: 'containerd',
    },
  ];
  const podType = mustType(store, 'pods');
  const pods = store
    .list(podType, {fieldSelector: `spec.nodeName=${node.name}`})
    .items.filter((p) => (p as {status?: {phase?: string}}).status?.phase === 'Running')
    .sort(
      (a, b) =>
        String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)) ||
        String(a.metadata.uid).localeCompare(String(b.metadata.uid)),
    );
  const taken = new Set<number>();
  for (const pod of pods) {
    let slot = hashSlot(pod.metadata.uid ?? pod.metadata.name!);
    while (taken.has(slot)) slot = (slot + 1) % SLOTS;
    taken.add(slot);
    out.push(...podProcesses(pod, FIRST_POD_PID + slot * SLOT_SIZE));
  }
  return out.sort((a, b) => a.pid - b.pid);
}

function podProcesses(pod: KubeObject, base: number): NodeProcess[] {
  const ref = {namespace: pod.metadata.namespace!, name: pod.metadata.name!, uid: pod.metadata.uid ?? ''};
  const sandboxId = createHash('sha256').update(`sandbox:${ref.uid}`).digest('hex');
  const spec = (pod as {spec?: {containers?: Container[]; securityContext?: {runAsUser?: number}}}).spec;
  const containers = (spec?.containers ?? []).slice(0, (SLOT_SIZE - 4) / 2);
  const procs: NodeProcess[] = [
    {
      pid: base,
      ppid: 1,
      user: 'root',
      command: `${SHIM} -namespace k8s.io -id ${sandboxId} -address ${CONTAINERD_SOCK}`,
      kind: 'shim',
      pod: ref,
    },
    {pid: base + 2, ppid: base, user: '65535', command: '/pause', kind: 'pause', pod: ref},
  ];
  containers.forEach((c, i) =>
    procs.push({
      pid: base + 4 + i * 2,
      ppid: base,
      user: processUser(c, spec?.securityContext?.runAsUser),
      command: containerCommand(c),
      kind: 'container',
      pod: ref,
      container: c.name,
    }),
  );
  return procs;
}
