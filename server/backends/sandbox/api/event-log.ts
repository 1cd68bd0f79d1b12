import {errors} from './status';
import type {ResourceType, StoreEvent} from './types';
import type {Disposable} from '../kit/disposable';

/**
 * The store's change feed: recent events kept for resuming watches (older versions answer 410 Gone, like
 * etcd after compaction) and dispatched to subscribers strictly in resourceVersion order — also when a
 * subscriber writes from inside its callback, as controllers do: that write's event is queued behind the current.
 */
export class EventLog {
  private readonly history: StoreEvent[] = [];
  private readonly subscribers = new Set<(e: StoreEvent) => void>();
  private readonly queue: StoreEvent[] = [];
  private dispatching = false;
  /** the newest event whose dispatch has begun; later ones are still queued and reach new subscribers anyway */
  private startedRv = 0;

  constructor(private readonly size: number) {}

  append(e: StoreEvent): void {
    this.history.push(e);
    if (this.history.length > this.size) this.history.splice(0, this.history.length - this.size);
    this.queue.push(e);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        this.startedRv = next.resourceVersion;
        for (const fn of [...this.subscribers]) {
          try {
            fn(next);
          } catch {
            // one broken subscriber must not stop the others nor fail the write that is already done
          }
        }
      }
    } finally {
      this.dispatching = false;
    }
  }

  /**
   * Subscribe, optionally to one group/resource; with `since`, the kept events after it are replayed first.
   * `current` is the store's resourceVersion now.
   */
  subscribe(
    fn: (e: StoreEvent) => void,
    current: number,
    resource?: Pick<ResourceType, 'group' | 'resource'>,
    since?: number,
  ): Disposable {
    const matches = (e: StoreEvent) =>
      !resource || (e.resource.group === resource.group && e.resource.resource === resource.resource);
    if (since !== undefined && since < current) {
      const oldest = this.history[0]?.resourceVersion ?? current + 1;
      if (since < oldest - 1) throw errors.gone(`too old resource version: ${since} (${oldest - 1})`);
      const upTo = this.dispatching ? this.startedRv : current;
      for (const e of this.history) if (e.resourceVersion > since && e.resourceVersion <= upTo && matches(e)) fn(e);
    }
    const sub = (e: StoreEvent) => {
      if (matches(e)) fn(e);
    };
    this.subscribers.add(sub);
    return {dispose: () => this.subscribers.delete(sub)};
  }

  clear(): void {
    this.subscribers.clear();
  }
}
