import type {KubeObject} from './types';

/**
 * The garbage collector's graph (its "uidToNode"): which stored object has which uid, and which objects name a
 * uid in their ownerReferences. Kept from the store's changes, so deleting an owner or one of 10000 dependents
 * costs what it touches, not a scan of every object in the sandbox. Ids are the store's own (bucket and key).
 */
export class OwnerGraph {
  private readonly byUid = new Map<string, string>();
  private readonly dependents = new Map<string, Set<string>>();
  private readonly heldRefs = new Map<string, string[]>();

  /** an object was stored (or removed) under this id */
  observe(id: string, o: KubeObject, removed: boolean): void {
    for (const uid of this.heldRefs.get(id) ?? []) {
      const set = this.dependents.get(uid);
      set?.delete(id);
      if (set?.size === 0) this.dependents.delete(uid);
    }
    this.heldRefs.delete(id);
    const uid = o.metadata.uid;
    if (removed) {
      if (uid && this.byUid.get(uid) === id) this.byUid.delete(uid);
      return;
    }
    if (uid) this.byUid.set(uid, id);
    const refs = (o.metadata.ownerReferences ?? []).map((r) => r.uid).filter((u): u is string => !!u);
    if (!refs.length) return;
    this.heldRefs.set(id, refs);
    for (const r of refs) {
      let set = this.dependents.get(r);
      if (!set) this.dependents.set(r, (set = new Set()));
      set.add(id);
    }
  }

  /** ids of the objects with an ownerReference to this uid */
  dependentsOf(uid: string | undefined): string[] {
    return uid ? [...(this.dependents.get(uid) ?? [])] : [];
  }

  /** uids that dependents name but no stored object has: owners deleted before their dependents were collected */
  absentOwners(): string[] {
    return [...this.dependents.keys()].filter((uid) => !this.byUid.has(uid));
  }

  /** the id of the object with this uid */
  idOf(uid: string | undefined): string | undefined {
    return uid ? this.byUid.get(uid) : undefined;
  }

  clear(): void {
    this.byUid.clear();
    this.dependents.clear();
    this.heldRefs.clear();
  }
}
