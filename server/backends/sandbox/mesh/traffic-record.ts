import type {HopKind} from './request-path';
import type {Disposable} from '../kit/disposable';

/**
 * What the mesh remembers of the traffic of one sandbox (one per running mesh): the last request's path (the tutorial's cluster picture
 * highlights it) and, per pod, how many connections crossed each kind of redirect (the node views turn them into
 * iptables packet/byte counters).
 */
export interface RecordedHop {
  kind: HopKind;
  namespace: string;
  pod: string;
  node?: string;
}

export interface RecordedPath {
  at: string;
  from: {namespace: string; pod: string; node?: string};
  method: string;
  url: string;
  /** the HTTP status the client saw, or the failure */
  result: number | 'reset' | 'refused' | 'timeout' | 'dns';
  hops: RecordedHop[];
}

/** the redirects a connection takes in a pod's network namespace (node-views.ts maps them to rules) */
export type RedirectEvent =
  | 'sidecar-app-outbound'
  | 'sidecar-envoy-outbound'
  | 'sidecar-inbound'
  | 'sidecar-envoy-to-app'
  | 'ambient-outbound'
  | 'ambient-inbound-hbone'
  | 'ambient-inbound-plain'
  | 'dns-udp';

export class MeshTrafficRecorder {
  lastPath: RecordedPath | undefined;
  private readonly counts = new Map<string, Map<RedirectEvent, number>>();
  private readonly listeners = new Set<(p: RecordedPath) => void>();

  record(p: RecordedPath): void {
    this.lastPath = p;
    for (const fn of this.listeners) fn(p);
  }

  onPath(fn: (p: RecordedPath) => void): Disposable {
    this.listeners.add(fn);
    return {dispose: () => this.listeners.delete(fn)};
  }

  count(podUid: string, e: RedirectEvent, n = 1): void {
    let m = this.counts.get(podUid);
    if (!m) this.counts.set(podUid, (m = new Map()));
    m.set(e, (m.get(e) ?? 0) + n);
  }

  events(podUid: string): ReadonlyMap<RedirectEvent, number> {
    return this.counts.get(podUid) ?? new Map();
  }

  /** a deleted pod's netns is gone with its counters */
  forget(podUid: string): void {
    this.counts.delete(podUid);
  }
}
