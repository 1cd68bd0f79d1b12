import type {KubeObject, ObjectStore, ResourceType, StoreEvent} from '../api';
import type {Disposable} from '../kit/disposable';
import {keyOf} from '../kit/keys';
import {isActive, isReady} from './pod-state';

/** counts a controller's status needs, kept as pods change (an O(1) status for 10000 pods) */
export interface OwnedCounts {
  active: number;
  /** active and Ready */
  ready: number;
  /** active pods by their label set (stable JSON): few sets, so matching a selector against them is cheap */
  labelSets: Map<string, {labels: Record<string, string>; count: number}>;
}

interface Entry {
  pod: KubeObject;
  active: boolean;
  ready: boolean;
  labels: string;
}

const labelsKey = (l: Record<string, string> | undefined) =>
  JSON.stringify(Object.entries(l ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * An informer's index of pods by their controller's uid (what client-go's indexers give a controller): a
 * ReplicaSet with 10000 pods finds them without listing, sorting and copying every pod of its namespace on each
 * sync. The objects are the store's own, as its watch hands them out: read them, never change them.
 */
export class OwnedPods implements Disposable {
  private readonly byOwner = new Map<string, {pods: Map<string, Entry>; counts: OwnedCounts}>();
  private readonly ownerOf = new Map<string, string>();
  private readonly sub: Disposable;

  constructor(store: ObjectStore, pods: ResourceType) {
    for (const p of store.list(pods).items) this.observe(p, false);
    this.sub = store.watch((e: StoreEvent) => this.observe(e.object, e.type === 'DELETED'), {resource: pods});
  }

  /** the pods whose controller ownerReference has this uid (read-only) */
  of(ownerUid: string | undefined): KubeObject[] {
    const m = ownerUid ? this.byOwner.get(ownerUid) : undefined;
    return m ? [...m.pods.values()].map((e) => e.pod) : [];
  }

  /** how many of them are active, Ready, and with which labels */
  counts(ownerUid: string | undefined): OwnedCounts {
    return (ownerUid && this.byOwner.get(ownerUid)?.counts) || {active: 0, ready: 0, labelSets: new Map()};
  }

  dispose(): void {
    this.sub.dispose();
  }

  private observe(pod: KubeObject, deleted: boolean): void {
    const key = keyOf(pod);
    const owner = deleted ? undefined : pod.metadata.ownerReferences?.find((r) => r.controller)?.uid;
    const before = this.ownerOf.get(key);
    if (before) {
      const o = this.byOwner.get(before)!;
      const e = o.pods.get(key);
      if (e) count(o.counts, e, -1);
      if (before !== owner) {
        o.pods.delete(key);
        if (o.pods.size === 0) this.byOwner.delete(before);
        this.ownerOf.delete(key);
      }
    }
    if (!owner) return;
    this.ownerOf.set(key, owner);
    let o = this.byOwner.get(owner);
    if (!o) this.byOwner.set(owner, (o = {pods: new Map(), counts: {active: 0, ready: 0, labelSets: new Map()}}));
    const active = isActive(pod);
    const e: Entry = {pod, active, ready: active && isReady(pod), labels: labelsKey(pod.metadata.labels)};
    o.pods.set(key, e);
    count(o.counts, e, 1);
  }
}

function count(c: OwnedCounts, e: Entry, sign: 1 | -1): void {
  if (!e.active) return;
  c.active += sign;
  if (e.ready) c.ready += sign;
  const set = c.labelSets.get(e.labels) ?? {labels: e.pod.metadata.labels ?? {}, count: 0};
  set.count += sign;
  if (set.count > 0) c.labelSets.set(e.labels, set);
  else c.labelSets.delete(e.labels);
}
