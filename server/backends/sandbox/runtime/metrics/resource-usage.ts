/**
 * What each running container and node uses, as metrics-server would report it from the kubelets' cAdvisor stats:
 * an idle baseline per image (numbers of the size `kubectl top` shows on a small k3d cluster), a steady per-pod
 * spread, a little noise from one 15 s scrape to the next, and CPU that grows with the requests the container
 * served (`RequestLoad`). Nodes add the k3s process itself (server: apiserver, kine, controllers; agent: kubelet,
 * containerd) to their pods. Pure: the same inputs give the same numbers.
 */
import {createHash} from 'node:crypto';

/** metrics-server's --metric-resolution on k3s (system-workloads.ts) */
export const SCRAPE_MS = 15_000;
/**
 * a container is in the metrics once two scrapes saw it (metrics-server needs two CPU samples for a rate); the
 * sandbox compresses that as it compresses pod start-up (cluster/timings.ts), so `kubectl top` works a few
 * seconds after a pod runs and says `metrics not available yet` before
 */
export const FIRST_METRICS_MS = 3_000;

interface Baseline {
  /** idle millicores */
  cpu: number;
  /** working set, MiB */
  mem: number;
  /** extra millicores per request per second */
  perRps: number;
}

const BY_IMAGE: Record<string, Baseline> = {
  coredns: {cpu: 2, mem: 14, perRps: 0.3},
  'local-path-provisioner': {cpu: 1, mem: 7, perRps: 0},
  'metrics-server': {cpu: 4, mem: 19, perRps: 0},
  traefik: {cpu: 1, mem: 27, perRps: 0.8},
  'klipper-lb': {cpu: 0, mem: 0.4, perRps: 0},
  pilot: {cpu: 4, mem: 55, perRps: 0},
  ztunnel: {cpu: 2, mem: 5, perRps: 0.4},
  'install-cni': {cpu: 1, mem: 28, perRps: 0},
  proxyv2: {cpu: 2, mem: 30, perRps: 1.2},
  httpbin: {cpu: 1, mem: 5, perRps: 0.9},
  'kong-httpbin': {cpu: 1, mem: 42, perRps: 3},
  helloworld: {cpu: 1, mem: 24, perRps: 3.5},
  nginx: {cpu: 0, mem: 3, perRps: 0.3},
  curl: {cpu: 0, mem: 0.4, perRps: 0},
  busybox: {cpu: 0, mem: 0.3, perRps: 0},
  alpine: {cpu: 0, mem: 0.5, perRps: 0},
  argocd: {cpu: 3, mem: 60, perRps: 1},
  redis: {cpu: 2, mem: 4, perRps: 0.2},
};
const GENERIC: Baseline = {cpu: 1, mem: 9, perRps: 1};

/** the k3s process of a node, outside any pod */
export const NODE_OVERHEAD = {
  server: {cpu: 62, mem: 520},
  agent: {cpu: 16, mem: 135},
};

/** a stable number in [0, 1) from a string */
function unit(s: string): number {
  return createHash('sha256').update(s).digest().readUInt32BE(0) / 2 ** 32;
}

export interface Usage {
  /** nanocores */
  cpu: number;
  /** bytes */
  memory: number;
}

export interface ContainerLoad {
  imageId: string;
  /** pod uid + container name: what keeps one container's numbers its own */
  seed: string;
  /** requests per second it served over the last scrape window */
  rps: number;
}

/** the scrape a moment belongs to */
export const scrapeOf = (nowMs: number) => Math.floor(nowMs / SCRAPE_MS);

export function containerUsage(c: ContainerLoad, scrape: number): Usage {
  const b = BY_IMAGE[c.imageId] ?? GENERIC;
  const spread = 0.75 + 0.5 * unit(`spread:${c.seed}`);
  const noise = 0.85 + 0.3 * unit(`cpu:${c.seed}:${scrape}`);
  const milli = (b.cpu * spread + b.perRps * c.rps) * noise;
  // a container never reads exactly 0 CPU: a sleeping process still wakes
  const cpu = Math.max(Math.round(milli * 1e6), 20_000 + Math.round(unit(`idle:${c.seed}:${scrape}`) * 400_000));
  const memNoise = 1 + 0.02 * (unit(`mem:${c.seed}:${scrape}`) - 0.5);
  const mib = b.mem * spread * memNoise + 0.02 * c.rps;
  return {cpu, memory: Math.round((mib * 1024 * 1024) / 4096) * 4096};
}

export function nodeUsage(role: 'server' | 'agent', seed: string, pods: Usage[], scrape: number): Usage {
  const o = NODE_OVERHEAD[role];
  const noise = 0.9 + 0.2 * unit(`node-cpu:${seed}:${scrape}`);
  const memNoise = 1 + 0.01 * (unit(`node-mem:${seed}:${scrape}`) - 0.5);
  let cpu = o.cpu * 1e6 * noise;
  let memory = o.mem * 1024 * 1024 * memNoise;
  for (const p of pods) {
    cpu += p.cpu;
    memory += p.memory;
  }
  return {cpu: Math.round(cpu), memory: Math.round(memory / 4096) * 4096};
}

/** the sampling window metrics-server reports: the time between its two samples, a little over the resolution */
export function windowOf(seed: string): string {
  const ms = SCRAPE_MS + Math.round(unit(`window:${seed}`) * 400);
  return `${(ms / 1000).toString()}s`;
}

/** Kubernetes quantities as metrics-server writes them: CPU in nanocores ("1234567n"), memory in Ki */
export const cpuQuantity = (nanocores: number) => `${Math.round(nanocores)}n`;
export const memoryQuantity = (bytes: number) => `${Math.round(bytes / 1024)}Ki`;
