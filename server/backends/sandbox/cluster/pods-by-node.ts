import type {KubeObject, ObjectStore, ResourceType, StoreEvent} from '../api';
import type {Disposable} from '../kit/disposable';
import {keyOf} from '../kit/keys';
import {nodeNameOf} from './pod-state';

/**
 * The pods bound to each node, kept from the pod watch (the kubelet's view of its own pods): a node's IPAM and image
 * cache read its ~100 pods, not a field-selected list of every pod of the sandbox. The objects are the store's
 * own, as its watch hands them out: read them, never change them.
 */
export class PodsByNode implements Disposable {
  private readonly byNode = new Map<string, Map<string, KubeObject>>();
  private readonly nodeOf = new Map<string, string>();
  private readonly sub: Disposable;

  constructor(store: ObjectStore, pods: ResourceType) {
    for (const p of store.list(pods).items) this.observe(p, false);
    this.sub = store.watch((e: StoreEvent) => this.observe(e.object, e.type === 'DELETED'), {resource: pods});
  }

  /** the pods bound to this node (read-only) */
  on(node: string): KubeObject[] {
    return [...(this.byNode.get(node)?.values() ?? [])];
  }

  dispose(): void {
    this.sub.dispose();
  }

  private observe(pod: KubeObject, deleted: boolean): void {
    const key = keyOf(pod);
    const node = deleted ? undefined : nodeNameOf(pod);
    const before = this.nodeOf.get(key);
    if (before && before !== node) {
      const m = this.byNode.get(before);
      m?.delete(key);
      if (m?.size === 0) this.byNode.delete(before);
      this.nodeOf.delete(key);
    }
    if (!node) return;
    this.nodeOf.set(key, node);
    let m = this.byNode.get(node);
    if (!m) this.byNode.set(node, (m = new Map()));
    m.set(key, pod);
  }
}
