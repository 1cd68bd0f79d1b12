/**
 * Every delay of the simulated cluster, in one table (milliseconds of real time). The order of what happens is
 * the real one; the durations are compressed so a new Deployment's pods are Ready about a second after `apply`
 * and `k3d cluster create` has kube-system running within two. Tests use a ManualClock and advance past these.
 */
export const TIMINGS = {
  /**
   * agents register this long after the server (k3d starts them after it): kube-system's first pods are scheduled
   * in between and land on server-0, as on a real k3d cluster. bootCluster resolves once the agents are Ready.
   */
  agentJoin: 150,
  /** a pod waits this long in the scheduling queue before it is bound to a node */
  schedule: 40,
  /** bound → the kubelet admits it (sandbox created, ContainerCreating, "Pulling" events) */
  podAdmit: 120,
  /** pulling an image the node does not have yet, until "Pulled" / "Created" / "Started" */
  imagePull: 450,
  /** the same when the image is already on the node ("already present on machine") */
  imagePresent: 120,
  /** running → Ready for containers that declare a readinessProbe */
  readinessProbe: 250,
  /** how long a Job's container runs before exiting 0 */
  jobRun: 700,
  /** deletionTimestamp set → the kubelet has stopped the containers and the pod object goes */
  podTermination: 350,
  /** a pod waiting on a missing ConfigMap/Secret looks again this often (FailedMount / CreateContainerConfigError) */
  missingReferenceRetry: 2000,
  /** a pod waiting for a missing PVC is retried this often */
  unschedulableRetry: 3000,
  /**
   * a pod that fits no node is retried when a node changes or a pod frees capacity, and otherwise after this long
   * (kube-scheduler's podMaxInUnschedulablePodsDuration: 5 minutes, not compressed: it is a safety net)
   */
  unschedulableFallback: 300_000,
  /** first retry after a failed reconcile (a write conflict, a namespace going away); doubles up to the max */
  retryBase: 20,
  retryMax: 2000,
} as const;

/**
 * What the cluster *says* took how long (event messages, `kubectl get` durations): real-looking numbers, not the
 * compressed ones above. A learner reads "Successfully pulled image ... in 1.2s", as on a laptop.
 */
export const REPORTED = {
  /** seconds a pull reports, chosen per image from this range so the same image always reads the same */
  imagePullSeconds: [0.8, 4.5] as const,
} as const;
