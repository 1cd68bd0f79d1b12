import type {KubeObject} from '../api/types';

/** The parts of a Pod the runtime reads, typed; everything else in the stored object is free-form JSON. */
export interface ContainerView {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env: {name: string; value?: string}[];
  ports: {containerPort: number; name?: string; protocol?: string}[];
  workingDir?: string;
  /** the process's stdin is kept open (what `kubectl attach -i` writes to); stdinOnce closes it after one attach */
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
}

export interface ContainerStatusView {
  name: string;
  restartCount: number;
  /** "running" | "waiting" | "terminated" */
  state: string;
  reason?: string;
  startedAt?: string;
  ready: boolean;
  /** it ran before (lastState.terminated): a container in CrashLoopBackOff still has that run's log */
  ranBefore?: boolean;
}

export interface PodView {
  name: string;
  namespace: string;
  uid: string;
  labels: Record<string, string>;
  phase: string;
  podIP?: string;
  hostIP?: string;
  nodeName?: string;
  hostname?: string;
  subdomain?: string;
  serviceAccountName: string;
  deleting: boolean;
  containers: ContainerView[];
  initContainers: ContainerView[];
  /** added later through pods/ephemeralcontainers (`kubectl debug`) */
  ephemeralContainers: ContainerView[];
  statuses: ContainerStatusView[];
  initStatuses: ContainerStatusView[];
  ephemeralStatuses: ContainerStatusView[];
  startTime?: string;
  dnsPolicy?: string;
}

const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strs = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map(String) : undefined);

function container(c: unknown): ContainerView {
  const o = obj(c);
  return {
    name: str(o.name) ?? '',
    image: str(o.image) ?? '',
    command: strs(o.command),
    args: strs(o.args),
    env: arr(o.env).map((e) => ({name: str(obj(e).name) ?? '', value: str(obj(e).value)})),
    ports: arr(o.ports).map((p) => ({
      containerPort: Number(obj(p).containerPort),
      name: str(obj(p).name),
      protocol: str(obj(p).protocol),
    })),
    workingDir: str(o.workingDir),
    stdin: o.stdin === true,
    stdinOnce: o.stdinOnce === true,
    tty: o.tty === true,
  };
}

function containerStatus(s: unknown): ContainerStatusView {
  const o = obj(s);
  const state = obj(o.state);
  const which = state.running ? 'running' : state.terminated ? 'terminated' : 'waiting';
  const detail = obj(state[which]);
  return {
    name: str(o.name) ?? '',
    restartCount: Number(o.restartCount ?? 0) || 0,
    state: which,
    reason: str(detail.reason),
    startedAt: str(detail.startedAt),
    ready: o.ready === true,
    ranBefore: !!obj(obj(o.lastState).terminated).containerID,
  };
}

/**
 * containerStatuses as written; a Running pod whose writer left them out counts its containers as running since
 * startTime, so exec and logs still work against a minimal kubelet sim.
 */
function statuses(
  containers: ContainerView[],
  given: ContainerStatusView[],
  phase: string | undefined,
  startTime: string | undefined,
): ContainerStatusView[] {
  if (phase !== 'Running') return given;
  const out = [...given];
  for (const c of containers) {
    if (!given.some((s) => s.name === c.name))
      out.push({name: c.name, restartCount: 0, state: 'running', startedAt: startTime, ready: true});
  }
  return out;
}

export function podView(pod: KubeObject): PodView {
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  return {
    name: pod.metadata.name ?? '',
    namespace: pod.metadata.namespace ?? 'default',
    uid: pod.metadata.uid ?? '',
    labels: pod.metadata.labels ?? {},
    phase: str(status.phase) ?? 'Pending',
    podIP: str(status.podIP),
    hostIP: str(status.hostIP),
    nodeName: str(spec.nodeName),
    // a hostNetwork pod shares the node's UTS namespace: its hostname is the node's
    hostname: spec.hostNetwork === true ? str(spec.nodeName) : str(spec.hostname),
    subdomain: str(spec.subdomain),
    serviceAccountName: str(spec.serviceAccountName) ?? 'default',
    deleting: !!pod.metadata.deletionTimestamp,
    containers: arr(spec.containers).map(container),
    initContainers: arr(spec.initContainers).map(container),
    statuses: statuses(
      arr(spec.containers).map(container),
      arr(status.containerStatuses).map(containerStatus),
      str(status.phase),
      str(status.startTime),
    ),
    initStatuses: arr(status.initContainerStatuses).map(containerStatus),
    ephemeralContainers: arr(spec.ephemeralContainers).map(container),
    ephemeralStatuses: arr(status.ephemeralContainerStatuses).map(containerStatus),
    startTime: str(status.startTime),
    dnsPolicy: str(spec.dnsPolicy),
  };
}

/** every container of the pod: app, init and ephemeral (podutil.VisitContainers with AllContainers) */
export const allContainers = (p: PodView): ContainerView[] => [
  ...p.containers,
  ...p.initContainers,
  ...p.ephemeralContainers,
];

/** a container is running when its status says so (the kubelet sim writes containerStatuses) */
export function runningStatus(p: PodView, container: string): ContainerStatusView | undefined {
  const s = [...p.statuses, ...p.ephemeralStatuses].find((c) => c.name === container);
  return s && s.state === 'running' ? s : undefined;
}

/** an app, init or ephemeral container's status */
export function statusOf(p: PodView, container: string): ContainerStatusView | undefined {
  return [...p.statuses, ...p.initStatuses, ...p.ephemeralStatuses].find((c) => c.name === container);
}

/** why a container cannot be exec'd into / has no log yet: the kubelet's wording */
export function waitingReason(p: PodView, container: string): string {
  const s = [...p.statuses, ...p.ephemeralStatuses].find((c) => c.name === container);
  if (s?.reason) return s.reason;
  return p.phase === 'Pending' && p.nodeName ? 'ContainerCreating' : 'ContainerCreating';
}
