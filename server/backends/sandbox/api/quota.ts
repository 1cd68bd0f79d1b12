import {ApiError, errors} from './status';
import type {KubeObject, ResourceType, StoreEvent} from './types';

/**
 * What one sandbox may hold, so no learner can fill the lab's memory or disk (and with them every other
 * learner's sandbox):
 *
 * - 20000 objects: a k3d cluster of 5 nodes runs at most 550 pods (110 per node); the walkthrough keeps ~300
 *   objects; 20000 leaves room for any experiment a learner can read the output of, and is ~30-60 MiB of heap
 *   (a pending pod is ~1.6 KiB in memory, a running one ~3 KiB).
 * - 100 MiB of stored JSON: the size etcd would hold, bounded well below the 2 GiB of etcd's default quota,
 *   because the lab keeps it in memory and on disk for every learner of a workshop.
 *
 * Events do not count towards the object limit (as with ResourceQuota, which counts them only when asked): a
 * sandbox at its limit still says why in `kubectl describe`. Their bytes count.
 */
export interface QuotaLimits {
  objects: number;
  bytes: number;
}

export const DEFAULT_QUOTA: QuotaLimits = {objects: 20000, bytes: 100 * 1024 * 1024};

/** the quota's name in "exceeded quota: sandbox, ..." (a ResourceQuota's name goes there) */
const QUOTA_NAME = 'sandbox';

const isEvent = (t: Pick<ResourceType, 'group' | 'resource'>) =>
  t.resource === 'events' && (t.group === '' || t.group === 'events.k8s.io');

const idOf = (t: Pick<ResourceType, 'group' | 'resource'>, o: KubeObject) =>
  `${t.group}/${t.resource}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

const sizeOf = (o: KubeObject) => JSON.stringify(o).length;

/**
 * One store's usage against its limits, kept from the store's own change feed, and the admission check every
 * create and update passes before it is stored. Deletes are always allowed: they are how a learner gets out.
 */
export class StoreQuota {
  private objects = 0;
  private bytes = 0;
  private readonly sizes = new Map<string, number>();

  constructor(readonly limits: QuotaLimits = DEFAULT_QUOTA) {}

  get usage(): {objects: number; bytes: number} {
    return {objects: this.objects, bytes: this.bytes};
  }

  /**
   * Throw what the API server answers when the object would not fit:
   * - more objects than allowed: 403 Forbidden "exceeded quota", as the ResourceQuota admission plugin words it;
   * - more bytes than allowed: 500 "etcdserver: mvcc: database space exceeded", what kube-apiserver passes on
   *   (as an error without a reason: kubectl prints "Error from server: …") when etcd reaches its quota.
   */
  admit(type: ResourceType, o: KubeObject, old?: KubeObject): void {
    if (!old && !isEvent(type) && this.objects + 1 > this.limits.objects)
      throw errors.forbidden(
        type,
        String(o.metadata.name ?? ''),
        `exceeded quota: ${QUOTA_NAME}, requested: objects=1, used: objects=${this.objects}, limited: objects=${this.limits.objects}`,
      );
    const grows = sizeOf(o) - (old ? (this.sizes.get(idOf(type, old)) ?? sizeOf(old)) : 0);
    if (grows > 0 && this.bytes + grows > this.limits.bytes) throw databaseSpaceExceeded();
  }

  /** account for a stored change (the store calls it for every event it publishes) */
  observe(e: Pick<StoreEvent, 'type' | 'resource' | 'object'>): void {
    const id = idOf(e.resource, e.object);
    const before = this.sizes.get(id);
    if (before !== undefined) {
      this.bytes -= before;
      if (!isEvent(e.resource)) this.objects--;
      this.sizes.delete(id);
    }
    if (e.type === 'DELETED') return;
    const size = sizeOf(e.object);
    this.sizes.set(id, size);
    this.bytes += size;
    if (!isEvent(e.resource)) this.objects++;
  }

  /** start over from what a restored snapshot holds */
  reset(objects: Iterable<{group: string; resource: string; object: KubeObject}>): void {
    this.objects = 0;
    this.bytes = 0;
    this.sizes.clear();
    for (const x of objects) this.observe({type: 'ADDED', resource: x as unknown as ResourceType, object: x.object});
  }
}

export function databaseSpaceExceeded(): ApiError {
  return new ApiError(500, '', 'etcdserver: mvcc: database space exceeded');
}
