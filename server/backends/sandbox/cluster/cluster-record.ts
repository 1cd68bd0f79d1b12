/**
 * What `k3d cluster create` asked for, kept on disk beside the sandbox's objects so a restarted lab knows which
 * cluster exists, how it was shaped (for `cluster list`, `node list`, `docker ps`) and whether it was stopped.
 */
import {randomBytes} from 'node:crypto';

export interface PortMapping {
  /** "9080:80" as given */
  mapping: string;
  hostPort: number;
  containerPort: number;
  /** "loadbalancer", "server:0", "agent:*" ... */
  nodeFilter: string;
}

export interface ClusterRecord {
  name: string;
  servers: number;
  agents: number;
  /**
   * the load balancer's host port for the API (6443 inside): --api-port's, else a free port k3d chose at create; 0
   * until the sandbox chose it. The sandbox answers there while the cluster runs (see LearnerSandbox.expose)
   */
  apiPort: number;
  /** --api-port was given (not `random`) */
  apiPortGiven: boolean;
  image: string;
  k3sVersion: string;
  k3sArgs: string[];
  ports: PortMapping[];
  disableTraefik: boolean;
  createdAt: string;
  state: 'running' | 'stopped';
  /** docker-style 64-hex container ids per node container, stable for `docker ps` */
  containerIds: Record<string, string>;
  /** agents `k3d node create` added, in creation order */
  addedNodes?: AddedNode[];
  /** node containers of the cluster `k3d node delete` removed (their Node objects stay, NotReady, as on k3s) */
  removedNodes?: string[];
  /** node containers `k3d node stop` stopped while the cluster runs */
  stoppedNodes?: string[];
}

/** an agent `k3d node create NAME` added: container k3d-NAME-<i> */
export interface AddedNode {
  name: string;
  /**
   * its place after the cluster's own containers (the serverlb included), never reused: Docker's IPAM gives it the
   * next address, flannel the next pod CIDR
   */
  slot: number;
  createdAt: string;
}

export type NodeRole = 'server' | 'agent' | 'loadbalancer';

export interface NodeContainer {
  name: string;
  role: NodeRole;
  /** index within its role (server-0, agent-3) */
  index: number;
}

type Shape = Pick<ClusterRecord, 'name' | 'servers' | 'agents' | 'addedNodes' | 'removedNodes'>;

/**
 * k3d's node containers for a cluster, in k3d's naming and creation order (which is Docker's address order):
 * servers, agents, the serverlb, then the agents `k3d node create` added; without those `k3d node delete` removed
 */
export function nodeContainers(c: Shape): NodeContainer[] {
  const out: NodeContainer[] = [];
  for (let i = 0; i < c.servers; i++) out.push({name: `k3d-${c.name}-server-${i}`, role: 'server', index: i});
  for (let i = 0; i < c.agents; i++) out.push({name: `k3d-${c.name}-agent-${i}`, role: 'agent', index: i});
  out.push({name: `k3d-${c.name}-serverlb`, role: 'loadbalancer', index: 0});
  for (const a of c.addedNodes ?? []) out.push({name: a.name, role: 'agent', index: c.agents + a.slot});
  const removed = new Set(c.removedNodes ?? []);
  return out.filter((n) => !removed.has(n.name));
}

/** the container's place in the cluster network: 172.18.0.<2 + slot> (the gateway is .1) */
export function addressSlot(c: Pick<ClusterRecord, 'servers' | 'agents' | 'addedNodes'>, name: string): number {
  const added = c.addedNodes?.find((a) => a.name === name);
  if (added) return c.servers + c.agents + 1 + added.slot;
  const m = /-(server|agent)-(\d+)$/.exec(name);
  if (m) return (m[1] === 'server' ? 0 : c.servers) + Number(m[2]);
  return c.servers + c.agents;
}

/** a node container runs: its cluster runs and `k3d node stop` did not stop it */
export function containerRunning(c: Pick<ClusterRecord, 'state' | 'stoppedNodes'>, name: string): boolean {
  return c.state === 'running' && !(c.stoppedNodes ?? []).includes(name);
}

export const newContainerId = (): string => randomBytes(32).toString('hex');

export function newContainerIds(c: Pick<ClusterRecord, 'name' | 'servers' | 'agents'>): Record<string, string> {
  return Object.fromEntries(nodeContainers(c).map((n) => [n.name, newContainerId()]));
}
