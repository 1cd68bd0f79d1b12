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
}

export type NodeRole = 'server' | 'agent' | 'loadbalancer';

export interface NodeContainer {
  name: string;
  role: NodeRole;
  /** index within its role (server-0, agent-3) */
  index: number;
}

/** k3d's node containers for a cluster, in k3d's naming */
export function nodeContainers(c: Pick<ClusterRecord, 'name' | 'servers' | 'agents'>): NodeContainer[] {
  const out: NodeContainer[] = [];
  for (let i = 0; i < c.servers; i++) out.push({name: `k3d-${c.name}-server-${i}`, role: 'server', index: i});
  for (let i = 0; i < c.agents; i++) out.push({name: `k3d-${c.name}-agent-${i}`, role: 'agent', index: i});
  out.push({name: `k3d-${c.name}-serverlb`, role: 'loadbalancer', index: 0});
  return out;
}

export function newContainerIds(c: Pick<ClusterRecord, 'name' | 'servers' | 'agents'>): Record<string, string> {
  return Object.fromEntries(nodeContainers(c).map((n) => [n.name, randomBytes(32).toString('hex')]));
}
