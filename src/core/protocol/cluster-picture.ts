/**
 * The body of `GET /api/cluster`: the learner's cluster as it is now, read through kubectl with the learner's own
 * shell environment, and (sandbox only) the hops of the last in-mesh request. Defined once, next to the WebSocket
 * messages: the server builds it, the page validates it on arrival.
 *
 * Platform-free: no DOM, no Node imports.
 */
import {z} from 'zod';

/** how a namespace's workloads join the mesh, from its labels (and its waypoint Gateways) */
export const dataPlaneMode = z.enum(['sidecar', 'ambient', 'ambient+waypoint', 'none']);
export type DataPlaneMode = z.infer<typeof dataPlaneMode>;

/** what one pod is to the mesh: a workload with a sidecar, an ambient workload, a waypoint, a ztunnel, or outside */
export const podRole = z.enum(['sidecar', 'ambient', 'waypoint', 'ztunnel', 'none']);
export type PodRole = z.infer<typeof podRole>;

export const clusterPod = z.object({
  namespace: z.string(),
  name: z.string(),
  /** Pending, Running, Succeeded, Failed, Unknown */
  phase: z.string(),
  /** what `kubectl get pods` prints in STATUS: Running, ContainerCreating, CrashLoopBackOff, Terminating... */
  status: z.string(),
  readyContainers: z.number().int().min(0),
  totalContainers: z.number().int().min(0),
  /** every container ready and not terminating */
  ready: z.boolean(),
  role: podRole,
});
export type ClusterPod = z.infer<typeof clusterPod>;

export const clusterNode = z.object({
  name: z.string(),
  role: z.enum(['control-plane', 'agent']),
  ready: z.boolean(),
  pods: z.array(clusterPod),
});
export type ClusterNode = z.infer<typeof clusterNode>;

export const clusterNamespace = z.object({
  name: z.string(),
  mode: dataPlaneMode,
  /** the waypoint this namespace's traffic goes through (istio.io/use-waypoint), when it has one */
  waypoint: z.string().optional(),
});
export type ClusterNamespace = z.infer<typeof clusterNamespace>;

/** the kinds of hop the mesh model records, in the order a request meets them */
export const hopKind = z.enum([
  'sidecar-outbound',
  'ztunnel-outbound',
  'waypoint',
  'ztunnel-inbound',
  'sidecar-inbound',
  'app',
]);
export type HopKind = z.infer<typeof hopKind>;

export const requestPath = z.object({
  /** ISO time of the request */
  at: z.string(),
  from: z.object({namespace: z.string(), pod: z.string(), node: z.string().optional()}),
  method: z.string(),
  url: z.string(),
  /** the HTTP status the client saw, or how it failed */
  result: z.union([z.number().int(), z.enum(['reset', 'refused', 'timeout', 'dns'])]),
  hops: z.array(z.object({kind: hopKind, namespace: z.string(), pod: z.string(), node: z.string().optional()})),
});
export type RequestPath = z.infer<typeof requestPath>;

/** why the picture is empty: no cluster or kubeconfig yet, the API does not answer, no kubectl, anything else */
export const clusterUnavailable = z.enum(['no-cluster', 'unreachable', 'kubectl-missing', 'error']);
export type ClusterUnavailable = z.infer<typeof clusterUnavailable>;

export const clusterPicture = z.object({
  /** ISO time the cluster was read */
  at: z.string(),
  backend: z.enum(['host', 'sandbox']),
  /** set when the cluster could not be read; nodes and namespaces are then empty */
  unavailable: z
    .object({
      code: clusterUnavailable,
      /** kubectl's own first line of error, for the learner */
      message: z.string(),
    })
    .optional(),
  /** control plane first, then agents by name; each with its pods */
  nodes: z.array(clusterNode),
  /** pods not (yet) scheduled on a node */
  unscheduled: z.array(clusterPod),
  namespaces: z.array(clusterNamespace),
  /** sandbox only: the last request that went through the mesh */
  lastRequest: requestPath.optional(),
});
export type ClusterPicture = z.infer<typeof clusterPicture>;
