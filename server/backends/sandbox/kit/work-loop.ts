import {performance} from 'node:perf_hooks';
import type {Disposable} from './disposable';

/** Something with queued work that it does one small step at a time (a controller's work queue). */
export interface WorkSource {
  /** do one step (one reconcile); true when more work is waiting */
  step(): boolean;
}

/** One sandbox's place in the loop: its sources take turns, and the lane takes turns with other sandboxes' lanes. */
export interface WorkLane extends Disposable {
  /** the source has work: it will be stepped soon, never inside this call */
  wake(source: WorkSource): void;
}

export interface WorkLoopOptions {
  /**
   * Run fn after pending I/O. The server uses setImmediate, so HTTP requests of every sandbox are served between
   * two turns; tests pass their ManualClock's setTimeout(fn, 0) so `clock.advance()` runs the controllers.
   */
  defer?: (fn: () => void) => void;
  /** a monotonic time in ms for the budget (performance.now); tests may count steps instead */
  now?: () => number;
  /** work per turn before the loop yields to I/O, in ms */
  budgetMs?: number;
}

/** 4 ms: a reconcile costs well under a millisecond, so a turn does many, and a request waits at most this long */
const DEFAULT_BUDGET_MS = 4;

/**
 * Cooperative scheduling of controller work for every sandbox of one server: the event loop is shared, so no
 * sandbox may hold it for long. A turn steps the lanes round-robin (one step of one source each), stops after the
 * time budget, and schedules the next turn with `defer` — so a sandbox reconciling 100000 replicas gets its share
 * and another sandbox's `kubectl get` (and SIGTERM) still gets through within a few milliseconds.
 */
export class WorkLoop {
  private readonly ring: Lane[] = [];
  private scheduled = false;
  private readonly defer: (fn: () => void) => void;
  private readonly now: () => number;
  private readonly budgetMs: number;
  /** turns run so far (benchmarks, tests) */
  turns = 0;

  constructor(opts: WorkLoopOptions = {}) {
    this.defer = opts.defer ?? ((fn) => void setImmediate(fn));
    this.now = opts.now ?? (() => performance.now());
    this.budgetMs = opts.budgetMs ?? DEFAULT_BUDGET_MS;
  }

  /** a lane for one sandbox (dispose it with the sandbox: its pending work is dropped) */
  lane(): WorkLane {
    const lane = new Lane(this);
    return lane;
  }

  /** @internal a lane has runnable sources */
  activate(lane: Lane): void {
    if (!this.ring.includes(lane)) this.ring.push(lane);
    this.schedule();
  }

  /** @internal */
  deactivate(lane: Lane): void {
    const i = this.ring.indexOf(lane);
    if (i >= 0) this.ring.splice(i, 1);
  }

  private schedule(): void {
    if (this.scheduled || this.ring.length === 0) return;
    this.scheduled = true;
    this.defer(() => {
      this.scheduled = false;
      this.turn();
    });
  }

  private turn(): void {
    this.turns++;
    const start = this.now();
    do {
      const lane = this.ring.shift();
      if (!lane) break;
      // a step that wakes another source of the same lane has already put it back
      if (lane.step() && !this.ring.includes(lane)) this.ring.push(lane);
    } while (this.ring.length > 0 && this.now() - start < this.budgetMs);
    this.schedule();
  }
}

class Lane implements WorkLane {
  /** sources with work, in the order they take turns */
  private readonly runnable: WorkSource[] = [];
  private disposed = false;

  constructor(private readonly loop: WorkLoop) {}

  wake(source: WorkSource): void {
    if (this.disposed) return;
    if (!this.runnable.includes(source)) this.runnable.push(source);
    this.loop.activate(this);
  }

  /** one step of the next source; true when the lane still has work */
  step(): boolean {
    const source = this.runnable.shift();
    if (!source) return false;
    let more = false;
    try {
      more = source.step();
    } catch {
      // a source handles its own failures; one that throws anyway is dropped until it is woken again
    }
    if (more && !this.disposed && !this.runnable.includes(source)) this.runnable.push(source);
    return !this.disposed && this.runnable.length > 0;
  }

  dispose(): void {
    this.disposed = true;
    this.runnable.length = 0;
    this.loop.deactivate(this);
  }
}

/** A loop of its own on a clock (controllers started without one: unit tests, the `cluster` layer alone). */
export function clockLoop(clock: {setTimeout(fn: () => void, ms: number): Disposable}): WorkLoop {
  return new WorkLoop({defer: (fn) => void clock.setTimeout(fn, 0)});
}
