import type {KubeObject, ObjectStore, ResourceType, StoreEvent} from '../api';
import type {Disposable} from '../kit/disposable';
import {keyOf} from '../kit/keys';

/**
 * An informer's index of pods by their controller's uid (what client-go's indexers give a controller): a
 * ReplicaSet with 10000 pods finds them without listing, sorting and copying every pod of its namespace on each
 * sync. The objects are the store's own, as its watch hands them out: read them, never change them.
 */
export class OwnedPods implements Disposable {
  private readonly byOwner = new Map<string, Map<string, KubeObject>>();
  private readonly ownerOf = new Map<string, string>();
  private readonly sub: Disposable;

  constructor(store: ObjectStore, pods: ResourceType) {
    for (const p of store.list(pods).items) this.observe(p, false);
    this.sub = store.watch((e: StoreEvent) => this.observe(e.object, e.type === 'DELETED'), {resource: pods});
  }

  /** the pods whose controller ownerReference has this uid (read-only) */
  of(ownerUid: string | undefined): KubeObject[] {
    const m = ownerUid ? this.byOwner.get(ownerUid) : undefined;
    return m ? [...m.values()] : [];
  }

  dispose(): void {
    this.sub.dispose();
  }

  private observe(pod: KubeObject, deleted: boolean): void {
    const key = keyOf(pod);
    const owner = deleted ? undefined : pod.metadata.ownerReferences?.find((r) => r.controller)?.uid;
    const before = this.ownerOf.get(key);
    if (before && before !== owner) {
      const m = this.byOwner.get(before);
      m?.delete(key);
      if (m?.size === 0) this.byOwner.delete(before);
      this.ownerOf.delete(key);
    }
    if (!owner) return;
    this.ownerOf.set(key, owner);
    let m = this.byOwner.get(owner);
    if (!m) this.byOwner.set(owner, (m = new Map()));
    m.set(key, pod);
  }
}
