import {TIMINGS} from './timings';
import type {Clock} from '../kit/clock';
import type {Disposable} from '../kit/disposable';
import {clockLoop, type WorkLane, type WorkSource} from '../kit/work-loop';

/** What a reconcile may ask for: nothing (done) or to be looked at again after a while. */
export type ReconcileResult = void | {requeueAfterMs: number};

/**
 * A de-duplicating, rate-limited work queue of object keys (client-go's workqueue, small): a key added many times
 * before it is processed is processed once; a reconcile that throws is retried with exponential backoff; pausing
 * keeps keys until resumed (`k3d cluster stop`). All time goes through the injected clock. Keys are processed one
 * per step of the sandbox's work lane (kit/work-loop.ts), never inside the store event that added them.
 */
export class WorkQueue implements Disposable, WorkSource {
  private readonly dirty = new Set<string>();
  private readonly delayed = new Map<string, {at: number; timer: Disposable}>();
  private readonly failures = new Map<string, number>();
  private paused = false;
  private disposed = false;
  private readonly lane: WorkLane;

  constructor(
    private readonly clock: Clock,
    private readonly process: (key: string) => ReconcileResult,
    lane?: WorkLane,
  ) {
    this.lane = lane ?? clockLoop(clock).lane();
  }

  add(key: string): void {
    if (this.disposed) return;
    this.dirty.add(key);
    this.schedule();
  }

  /** add after ms; an earlier pending wake-up for the same key wins */
  addAfter(key: string, ms: number): void {
    if (this.disposed) return;
    if (ms <= 0) return this.add(key);
    const at = this.clock.now().getTime() + ms;
    const prev = this.delayed.get(key);
    if (prev && prev.at <= at) return;
    prev?.timer.dispose();
    const timer = this.clock.setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, {at, timer});
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.schedule();
  }

  get length(): number {
    return this.dirty.size;
  }

  dispose(): void {
    this.disposed = true;
    for (const d of this.delayed.values()) d.timer.dispose();
    this.delayed.clear();
    this.dirty.clear();
  }

  private schedule(): void {
    if (this.paused || this.disposed || this.dirty.size === 0) return;
    this.lane.wake(this);
  }

  /** one key: the oldest dirty one */
  step(): boolean {
    if (this.disposed || this.paused) return false;
    const key = this.dirty.values().next().value;
    if (key === undefined) return false;
    this.dirty.delete(key);
    try {
      const r = this.process(key);
      this.failures.delete(key);
      if (r) this.addAfter(key, r.requeueAfterMs);
    } catch {
      // a conflict or a vanished namespace: the next look at the world decides again (level-triggered)
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      this.addAfter(key, Math.min(TIMINGS.retryMax, TIMINGS.retryBase * 2 ** (n - 1)));
    }
    return !this.disposed && !this.paused && this.dirty.size > 0;
  }
}
