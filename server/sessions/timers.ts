/** setTimeout/clearTimeout, injectable so tests control time */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
