import type {Clock} from '../kit/clock';
import type {Disposable} from '../kit/disposable';

/**
 * The upstream connections an Envoy (a sidecar, a waypoint) keeps open between requests. ztunnel writes its
 * `connection complete` line when a connection closes, so a pooled connection is logged once, when the app closes it
 * after its keep-alive idle time (go-httpbin: 5 s), with the bytes of every request it carried; a request within
 * that time reuses the connection and pushes the close back. (istio/ztunnel#1875: a sidecar client's line appeared
 * 65 s after the request, nginx's keep-alive timeout.)
 */
export interface PooledTotals {
  requests: number;
  bytesSent: number;
  bytesRecv: number;
  /** when the connection was opened, for the line's duration */
  openedAt: Date;
}

interface Entry {
  totals: PooledTotals;
  timer: Disposable;
  onClose: (totals: PooledTotals) => void;
}

export class UpstreamPool {
  private readonly open = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  /**
   * A request on the connection `key` (the Envoy pod and the upstream address). The first use opens it and fixes
   * `onClose` (its ports and names); later uses add their bytes. The connection closes `idleMs` after the last use.
   */
  use(key: string, idleMs: number, bytes: {sent: number; recv: number}, onClose: (t: PooledTotals) => void): void {
    const entry = this.open.get(key);
    if (entry) {
      entry.timer.dispose();
      entry.totals.requests++;
      entry.totals.bytesSent += bytes.sent;
      entry.totals.bytesRecv += bytes.recv;
      entry.timer = this.closeLater(key, idleMs);
      return;
    }
    const totals = {requests: 1, bytesSent: bytes.sent, bytesRecv: bytes.recv, openedAt: this.clock.now()};
    this.open.set(key, {totals, onClose, timer: this.closeLater(key, idleMs)});
  }

  /** connections still open (for tests and the cluster picture) */
  get size(): number {
    return this.open.size;
  }

  private closeLater(key: string, idleMs: number): Disposable {
    return this.clock.setTimeout(() => {
      const entry = this.open.get(key);
      if (!entry) return;
      this.open.delete(key);
      entry.onClose(entry.totals);
    }, idleMs);
  }
}
