/**
 * How busy each container is: the requests it served, kept for the last minute, so the resource metrics
 * (metrics-server's view, `kubectl top`, an HPA) rise under load and settle after it. Whoever serves a request (an
 * app, a proxy hop) records it; plain data on the runtime's clock, forgotten with the pod.
 */
const KEEP_MS = 60_000;

export class RequestLoad {
  private readonly served = new Map<string, number[]>();

  record(namespace: string, pod: string, container: string, atMs: number, count = 1): void {
    const key = `${namespace}/${pod}/${container}`;
    let times = this.served.get(key);
    if (!times) this.served.set(key, (times = []));
    for (let i = 0; i < count; i++) times.push(atMs);
    if (times.length > 4096 || times[0]! < atMs - KEEP_MS) this.prune(times, atMs);
  }

  /** requests per second over the `windowMs` before `nowMs` */
  rate(namespace: string, pod: string, container: string, nowMs: number, windowMs: number): number {
    const times = this.served.get(`${namespace}/${pod}/${container}`);
    if (!times) return 0;
    let n = 0;
    for (let i = times.length - 1; i >= 0 && times[i]! > nowMs - windowMs; i--) if (times[i]! <= nowMs) n++;
    return n / (windowMs / 1000);
  }

  forget(namespace: string, pod: string): void {
    for (const k of [...this.served.keys()]) if (k.startsWith(`${namespace}/${pod}/`)) this.served.delete(k);
  }

  private prune(times: number[], nowMs: number): void {
    let drop = 0;
    while (drop < times.length && times[drop]! < nowMs - KEEP_MS) drop++;
    // past 4096 in a minute the oldest no longer change a 15 s rate that is already high: keep the newest
    times.splice(0, Math.max(drop, times.length - 4096));
  }
}
