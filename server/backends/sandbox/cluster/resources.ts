import type {Container, PodSpec, ResourceRequirements} from 'kubernetes-types/core/v1';

/**
 * Resource quantities as the scheduler reads them: CPU in millicores, memory and ephemeral storage in bytes, pods
 * as a count. A quantity is a decimal number with an optional suffix (`500m`, `2`, `128Mi`, `1G`, `1e3`); what
 * does not parse counts as 0, as the API server would have refused it anyway.
 */
const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$/;

/** the quantity's value in base units (cores, bytes), or undefined when it is not a quantity */
export function parseQuantity(q: string | number | undefined | null): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  if (typeof q !== 'string') return undefined;
  const m = QUANTITY.exec(q.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return base * SUFFIX[m[3] ?? '']!;
}

/** CPU in millicores, rounded up (resource.Quantity.MilliValue) */
export const milliCPU = (q: string | number | undefined | null): number => Math.ceil((parseQuantity(q) ?? 0) * 1000);
/** bytes, rounded up (resource.Quantity.Value) */
export const bytes = (q: string | number | undefined | null): number => Math.ceil(parseQuantity(q) ?? 0);

/** what a pod asks of a node (NodeResourcesFit's podRequest) */
export interface PodRequest {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
}

export const NO_REQUEST: PodRequest = {milliCPU: 0, memory: 0, ephemeralStorage: 0};

/** a container's request; a limit without a request is the request too (the API server defaults it so) */
function containerRequest(c: Container): PodRequest {
  const r: ResourceRequirements = c.resources ?? {};
  const get = (name: string) => r.requests?.[name] ?? r.limits?.[name];
  return {
    milliCPU: milliCPU(get('cpu')),
    memory: bytes(get('memory')),
    ephemeralStorage: bytes(get('ephemeral-storage')),
  };
}

const add = (a: PodRequest, b: PodRequest): PodRequest => ({
  milliCPU: a.milliCPU + b.milliCPU,
  memory: a.memory + b.memory,
  ephemeralStorage: a.ephemeralStorage + b.ephemeralStorage,
});
const max = (a: PodRequest, b: PodRequest): PodRequest => ({
  milliCPU: Math.max(a.milliCPU, b.milliCPU),
  memory: Math.max(a.memory, b.memory),
  ephemeralStorage: Math.max(a.ephemeralStorage, b.ephemeralStorage),
});

/**
 * The pod's effective request (component-helpers resource.PodRequests): the sum of its containers and of its
 * sidecars (init containers with restartPolicy Always), or the largest init container with the sidecars started
 * before it, whichever is larger; plus the pod overhead.
 */
export function podRequest(spec: PodSpec | undefined): PodRequest {
  let sidecars = NO_REQUEST;
  let initPeak = NO_REQUEST;
  for (const c of spec?.initContainers ?? []) {
    if (c.restartPolicy === 'Always') sidecars = add(sidecars, containerRequest(c));
    else initPeak = max(initPeak, add(sidecars, containerRequest(c)));
  }
  let sum = sidecars;
  for (const c of spec?.containers ?? []) sum = add(sum, containerRequest(c));
  const overhead = spec?.overhead ?? {};
  return add(max(sum, initPeak), {
    milliCPU: milliCPU(overhead.cpu),
    memory: bytes(overhead.memory),
    ephemeralStorage: bytes(overhead['ephemeral-storage']),
  });
}

/** what a node offers pods (NodeInfo.Allocatable) */
export interface NodeAllocatable extends PodRequest {
  pods: number;
}

export function nodeAllocatable(allocatable: Record<string, string> | undefined): NodeAllocatable {
  const a = allocatable ?? {};
  return {
    milliCPU: milliCPU(a.cpu),
    memory: bytes(a.memory),
    ephemeralStorage: bytes(a['ephemeral-storage']),
    pods: Math.floor(parseQuantity(a.pods) ?? 0),
  };
}

/** "TCP/80" for every hostPort a pod holds (the NodePorts filter: svclb pods of two LoadBalancers on one port) */
export function hostPortsOf(pod: {spec?: PodSpec}): string[] {
  const out: string[] = [];
  for (const c of pod.spec?.containers ?? [])
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${p.protocol ?? 'TCP'}/${p.hostPort}`);
  return out;
}
