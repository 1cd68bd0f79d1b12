import type {BackOff, ContainerEngine, ProcessFate} from './container-engine';
import type {PodStatus} from 'kubernetes-types/core/v1';
import type {C, KPod} from './pod-status';

/** What a kubelet stage (pod-stages.ts, container-stages.ts) is given and what it is. */
export interface StageContext {
  now: string;
  node: {name: string; ip: string};
  /** the next pod IP on the node (flannel's host-local IPAM) */
  allocateIP(): string;
  /** true when the node still has to pull this image (it keeps it afterwards) */
  needsPull(image: string): boolean;
  markPulled(image: string): void;
  /** does the pod's namespace hold this ConfigMap / Secret (volumes and env refer to them) */
  exists(kind: 'configmap' | 'secret', name: string): boolean;
  /** is this PersistentVolumeClaim Bound (the provisioner binds it once the pod is scheduled) */
  claimBound(name: string): boolean;
  event(type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void;
  /** the clock, in milliseconds (ctx.now is the same instant as an RFC 3339 stamp, to the second) */
  nowMs: number;
  /** containerd's error for pulling this image, or undefined when it pulls (container-engine.ts) */
  pullError(image: string): string | undefined;
  /** what the container's process does once started: runs, or exits with a code after a while */
  fate(pod: KPod, c: C): ProcessFate;
  /** the container runtime, for probes (listening ports, exec) */
  engine: ContainerEngine;
  /** the kubelet's back-off per image pull (`<pod uid>_<image>`) and per container restart (`<pod uid>_<name>`) */
  backOff: {pull: BackOff; restart: BackOff};
}

export interface PodStage {
  name: string;
  when(pod: KPod, ctx: StageContext): boolean;
  delayMs(pod: KPod, ctx: StageContext): number;
  /** instead of a delay after the pod entered the stage: the instant (ms) it is due (a process's exit) */
  dueAtMs?(pod: KPod, ctx: StageContext): number;
  /** events the kubelet emits as the stage begins (Pulling, Killing) */
  enter?(pod: KPod, ctx: StageContext): void;
  /**
   * What keeps the stage from completing yet (a missing ConfigMap or Secret): the kubelet reports it (events and,
   * if given, status) and retries after retryMs instead of applying the stage.
   */
  blocked?(pod: KPod, ctx: StageContext): {retryMs: number; status?: PodStatus} | undefined;
  /** the new status; or 'delete' to remove the pod object (termination finished) */
  apply(pod: KPod, ctx: StageContext): PodStatus | 'delete';
}
