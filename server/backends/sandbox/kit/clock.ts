import type {Disposable} from './disposable';

/** Time, injected so controllers and tests never depend on the wall clock or sleep. */
export interface Clock {
  now(): Date;
  setTimeout(fn: () => void, ms: number): Disposable;
}

/** the real clock; its timers never keep the process alive */
export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return {dispose: () => clearTimeout(t)};
  },
};

/** A clock that moves only when told: for controller and store tests that must never sleep. */
export class ManualClock implements Clock {
  private t: number;
  private timers: {at: number; fn: () => void; seq: number}[] = [];
  private seq = 0;

  constructor(start: Date | string = '2025-01-23T00:00:00Z') {
    this.t = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.t);
  }

  setTimeout(fn: () => void, ms: number): Disposable {
    const timer = {at: this.t + Math.max(0, ms), fn, seq: this.seq++};
    this.timers.push(timer);
    return {dispose: () => (this.timers = this.timers.filter((x) => x !== timer))};
  }

  /** advance time, running due timers in order (timers they schedule run too when due) */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = end;
  }

  get pending(): number {
    return this.timers.length;
  }
}
