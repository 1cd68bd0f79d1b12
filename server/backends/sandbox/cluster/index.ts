/**
 * The simulated k3d/k3s cluster behind a sandbox: Nodes, kube-system, and the controllers that make workloads run
 * (scheduler, kubelet stages, Deployment/ReplicaSet/DaemonSet/StatefulSet/Job/CronJob, endpoints, ServiceLB).
 * The k3d shim calls bootCluster on `k3d cluster create`, stop/start on `k3d cluster stop|start`, resumeCluster
 * after a lab restart, and dispose on `k3d cluster delete` or shutdown.
 */
export {
  bootCluster,
  resumeCluster,
  type ClusterRuntime,
  type ClusterOptions,
  type ClusterHost,
} from './cluster-runtime';
export {planNodes, type ClusterSpec, type NodePlan} from './cluster-spec';
export {TIMINGS} from './timings';
export {K3S_SYSTEM_IMAGES} from './k3s-images';
export {PERMISSIVE_ENGINE, type ContainerEngine, type ProcessFate} from './container-engine';
