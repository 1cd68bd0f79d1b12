/**
 * A ceiling on how fast one shell's output is read: a token bucket over the bytes the PTY gives. Over it, the PTY is
 * paused (the kernel then blocks the writer, so `yes` sleeps instead of costing the lab a core) until the bucket
 * has refilled. Used for workshop attendees: a browser shows a few MB a second at most, and the lab's one event
 * loop relays every attendee's terminal.
 */
import type {Timers} from './types';

export interface OutputRateOptions {
  bytesPerSecond: number;
  /** what may arrive at once before the rate applies (a `kubectl get -A -o yaml`); default 4 s worth */
  burstBytes?: number;
  timers: Timers;
  now: () => number;
  /** stop / start reading the PTY */
  pause(): void;
  resume(): void;
  /** the ceiling was reached after a quiet spell (at most once a minute): tell the learner */
  limited(): void;
}

/** after this long without being held back, holding back again is news worth telling */
const TELL_AGAIN_MS = 60_000;

export class OutputRate {
  private tokens: number;
  private readonly burst: number;
  private last: number;
  private held: unknown;
  private lastHeld = -Infinity;
  private disposed = false;

  constructor(private readonly o: OutputRateOptions) {
    if (!Number.isFinite(o.bytesPerSecond) || o.bytesPerSecond <= 0)
      throw new RangeError(`output rate must be a positive number of bytes per second, got ${o.bytesPerSecond}`);
    this.burst = o.burstBytes ?? 4 * o.bytesPerSecond;
    this.tokens = this.burst;
    this.last = o.now();
  }

  /** count bytes just read; over the ceiling, pause until the bucket is back above zero */
  take(bytes: number): void {
    if (this.disposed) return;
    const now = this.o.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.o.bytesPerSecond);
    this.last = now;
    this.tokens -= bytes;
    if (this.tokens >= 0 || this.held !== undefined) return;
    if (now - this.lastHeld >= TELL_AGAIN_MS) this.o.limited();
    this.lastHeld = now;
    this.o.pause();
    this.holdOn();
  }

  /** wait until the bucket is back at zero; what was read while pausing counts too */
  private holdOn(): void {
    const waitMs = Math.ceil((-this.tokens / this.o.bytesPerSecond) * 1000);
    this.held = this.o.timers.setTimeout(() => {
      this.held = undefined;
      if (this.disposed) return;
      const now = this.o.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.o.bytesPerSecond);
      this.last = now;
      if (this.tokens < 0) this.holdOn();
      else this.o.resume();
    }, waitMs);
  }

  /** true while the PTY is paused by this ceiling */
  get holding(): boolean {
    return this.held !== undefined;
  }

  dispose(): void {
    this.disposed = true;
    if (this.held !== undefined) this.o.timers.clearTimeout(this.held);
    this.held = undefined;
  }
}
