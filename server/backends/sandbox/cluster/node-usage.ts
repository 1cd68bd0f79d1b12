import type {Pod} from 'kubernetes-types/core/v1';
import type {KubeObject, ObjectStore, ResourceType, StoreEvent, Typed} from '../api';
import type {Disposable} from '../kit/disposable';
import {keyOf} from '../kit/keys';
import {isFinished, nodeNameOf} from './pod-state';
import {hostPortsOf, podRequest, type PodRequest} from './resources';

/** what the pods bound to one node hold of it (NodeInfo.Requested, its pod count and used host ports) */
export interface NodeUsage extends PodRequest {
  pods: number;
  /** "TCP/80" → how many pods hold it */
  hostPorts: Map<string, number>;
}

interface Held {
  node: string;
  request: PodRequest;
  ports: string[];
}

const emptyUsage = (): NodeUsage => ({pods: 0, milliCPU: 0, memory: 0, ephemeralStorage: 0, hostPorts: new Map()});

/**
 * The scheduler's cache: per node, the sum of what its pods request, kept up to date from the pod watch, so a
 * scheduling decision costs O(nodes) and not a list of every pod (with 10000 pending pods that is the difference
 * between milliseconds and minutes). A pod holds its node's capacity from binding until it is removed or finishes
 * (Succeeded/Failed), as in kube-scheduler; a terminating pod still holds it.
 */
export class NodeUsageCache implements Disposable {
  private readonly held = new Map<string, Held>();
  private readonly byNode = new Map<string, NodeUsage>();
  private readonly sub: Disposable;

  /** onFreed: a pod let go of its node's capacity (pending pods may fit now) */
  constructor(
    store: ObjectStore,
    pods: ResourceType,
    private readonly onFreed: () => void = () => {},
  ) {
    for (const p of store.list(pods).items) this.observe(p, false);
    this.sub = store.watch((e: StoreEvent) => this.observe(e.object, e.type === 'DELETED'), {resource: pods});
  }

  /** the node's current usage (a live view: read, do not keep) */
  usage(node: string): NodeUsage {
    return this.byNode.get(node) ?? emptyUsage();
  }

  /** account for a pod now (the scheduler's "assume" after binding), before its watch event arrives */
  observe(pod: KubeObject, deleted: boolean): void {
    const key = keyOf(pod);
    const node = nodeNameOf(pod);
    const holds = !deleted && !!node && !isFinished(pod);
    const before = this.held.get(key);
    if (!holds) {
      if (before) {
        this.release(key, before);
        this.onFreed();
      }
      return;
    }
    // a bound pod's spec is immutable: once held, nothing changes until it goes
    if (before?.node === node) return;
    if (before) this.release(key, before);
    const spec = (pod as Typed<Pod>).spec;
    const h: Held = {node: node!, request: podRequest(spec), ports: hostPortsOf({spec})};
    this.held.set(key, h);
    const u = this.byNode.get(h.node) ?? emptyUsage();
    u.pods++;
    u.milliCPU += h.request.milliCPU;
    u.memory += h.request.memory;
    u.ephemeralStorage += h.request.ephemeralStorage;
    for (const p of h.ports) u.hostPorts.set(p, (u.hostPorts.get(p) ?? 0) + 1);
    this.byNode.set(h.node, u);
  }

  dispose(): void {
    this.sub.dispose();
  }

  private release(key: string, h: Held): void {
    this.held.delete(key);
    const u = this.byNode.get(h.node);
    if (!u) return;
    u.pods--;
    u.milliCPU -= h.request.milliCPU;
    u.memory -= h.request.memory;
    u.ephemeralStorage -= h.request.ephemeralStorage;
    for (const p of h.ports) {
      const n = (u.hostPorts.get(p) ?? 1) - 1;
      if (n > 0) u.hostPorts.set(p, n);
      else u.hostPorts.delete(p);
    }
  }
}
