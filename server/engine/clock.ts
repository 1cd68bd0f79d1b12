/** Time as the engine sees it: injected so tests run timeouts and backoff without waiting. */
export interface EngineClock {
  now(): number;
  /** calls `fn` after `ms`; returns a function that cancels it */
  setTimer(fn: () => void, ms: number): () => void;
}

export const systemClock: EngineClock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

export function sleep(clock: EngineClock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(resolve, ms));
}
