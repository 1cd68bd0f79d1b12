/**
 * Latest-wins throttle: the first call goes out at once, later calls within `intervalMs` are folded into one trailing
 * call with the latest value. For "where is the instructor" (a scroll fires many times a second; the server needs the
 * last position, promptly). The clock and timer are injected so tests need no real time.
 */
export interface ThrottleClock {
  now(): number;
  setTimer(fn: () => void, ms: number): {cancel(): void};
}

export interface Throttled<T> {
  (value: T): void;
  /** drop a pending trailing call */
  cancel(): void;
}

export function latestWins<T>(intervalMs: number, send: (value: T) => void, clock: ThrottleClock): Throttled<T> {
  let lastSentAt = -Infinity;
  let pending: {value: T} | undefined;
  let timer: {cancel(): void} | undefined;

  const flush = () => {
    timer = undefined;
    if (!pending) return;
    const {value} = pending;
    pending = undefined;
    lastSentAt = clock.now();
    send(value);
  };

  const throttled = ((value: T) => {
    const wait = lastSentAt + intervalMs - clock.now();
    if (wait <= 0 && !timer) {
      lastSentAt = clock.now();
      send(value);
      return;
    }
    pending = {value};
    timer ??= clock.setTimer(flush, Math.max(0, wait));
  }) as Throttled<T>;
  throttled.cancel = () => {
    timer?.cancel();
    timer = undefined;
    pending = undefined;
  };
  return throttled;
}
