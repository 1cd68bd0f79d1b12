/** What `k3d cluster create` was asked for: the shape the k3d shim hands to bootCluster. */
export interface ClusterSpec {
  name: string;
  servers: number;
  agents: number;
  /** the Kubernetes version k3s reports, e.g. v1.31.5+k3s1 */
  k3sVersion: string;
  /** the node image, e.g. rancher/k3s:v1.31.5-k3s1 */
  image: string;
  disableTraefik: boolean;
  /** agents `k3d node create` added, each with its place after the cluster's own containers (never reused) */
  added?: {name: string; slot: number}[];
  /** node containers that do not run (`k3d node stop`, `k3d node delete`): their Nodes stay NotReady */
  down?: string[];
}

export interface NodePlan {
  name: string;
  role: 'server' | 'agent';
  /** k3d's docker network: the gateway is .1, nodes follow in creation order (servers, then agents) */
  internalIP: string;
  /** flannel's per-node /24 out of 10.42.0.0/16, in registration order */
  podCIDR: string;
  index: number;
}

/** Node names, addresses and pod CIDRs as k3d and k3s hand them out. */
export function planNodes(spec: ClusterSpec): NodePlan[] {
  const out: NodePlan[] = [];
  const add = (role: 'server' | 'agent', i: number) => {
    const n = out.length;
    out.push({
      name: `k3d-${spec.name}-${role}-${i}`,
      role,
      internalIP: `172.18.0.${2 + n}`,
      podCIDR: `10.42.${n}.0/24`,
      index: n,
    });
  };
  for (let i = 0; i < spec.servers; i++) add('server', i);
  for (let i = 0; i < spec.agents; i++) add('agent', i);
  for (const a of spec.added ?? []) out.push(addedNodePlan(spec, a));
  return out;
}

/**
 * An agent `k3d node create` added: Docker gives it the address after the serverlb's and those of earlier added
 * agents; flannel the next /24.
 */
export function addedNodePlan(
  spec: Pick<ClusterSpec, 'servers' | 'agents'>,
  a: {name: string; slot: number},
): NodePlan {
  const n = spec.servers + spec.agents + a.slot;
  return {name: a.name, role: 'agent', internalIP: `172.18.0.${3 + n}`, podCIDR: `10.42.${n}.0/24`, index: n};
}

export function validateSpec(spec: ClusterSpec): void {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(spec.name))
    throw new Error(`cluster name "${spec.name}" is not a valid DNS-1123 label`);
  if (!Number.isInteger(spec.servers) || spec.servers < 1)
    throw new Error(`servers must be a whole number ≥ 1, got ${spec.servers}`);
  if (!Number.isInteger(spec.agents) || spec.agents < 0)
    throw new Error(`agents must be a whole number ≥ 0, got ${spec.agents}`);
  if (spec.servers + spec.agents > 200) throw new Error('a k3d network has room for at most 200 nodes here');
  if (!/^v\d+\.\d+\.\d+/.test(spec.k3sVersion))
    throw new Error(`k3sVersion must look like v1.31.5+k3s1, got "${spec.k3sVersion}"`);
}
