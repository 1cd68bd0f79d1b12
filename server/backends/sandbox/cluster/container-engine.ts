import type {Container, EphemeralContainer, Pod} from 'kubernetes-types/core/v1';
import type {Typed} from '../api';

/** a container of a pod's spec: one of spec.containers / initContainers, or an ephemeral (debug) container */
export type ContainerSpec = Container | EphemeralContainer;

/**
 * What the kubelet asks of its container runtime (the CRI: containerd on a k3s node), reduced to the two answers
 * that decide a pod's fate: does the image pull, and what does the container's process do once started.
 * The cluster imports nothing of the pod runtime (`runtime/`): the backend hands one in (`runtime/container-engine.ts`
 * answers from the image catalog and the container's command); without one, every image pulls and every container
 * runs until stopped, as the walkthrough's do.
 */
export interface ContainerEngine {
  /**
   * containerd's error for a pull of this reference, as the CRI returns it (`rpc error: code = NotFound desc = failed
   * to pull and unpack image ...`), or undefined when the registry serves the image.
   */
  pullError(image: string): string | undefined;
  /** what the container's main process does; undefined when the engine cannot tell from the image and command */
  fate(container: ContainerSpec, pod: Typed<Pod>): ProcessFate | undefined;
  /** does the container's process listen on this TCP port (probes); undefined when the engine cannot tell */
  listens?(container: ContainerSpec, port: number): boolean | undefined;
  /** an exec probe's command in the container: its exit code and output; undefined when the engine cannot tell */
  exec?(container: ContainerSpec, command: string[]): {exitCode: number; output: string} | undefined;
  /**
   * does the container's PID 1 ignore SIGTERM (a shell or `sleep` has no handler, and PID 1 ignores what it does not
   * handle): the kubelet then waits the whole grace period before SIGKILL
   */
  ignoresSigterm?(container: ContainerSpec): boolean | undefined;
}

/** a process that runs until it is stopped, or one that exits on its own after a while */
export type ProcessFate = {runs: true} | {exitCode: number; afterMs: number};

export const PERMISSIVE_ENGINE: ContainerEngine = {
  pullError: () => undefined,
  fate: () => undefined,
};

/**
 * client-go's flowcontrol.Backoff as the kubelet uses it (k8s v1.31 pkg/kubelet: image pulls and container restarts
 * both start at 10 s and double up to 300 s, MaxContainerBackOff): an entry not updated for twice the maximum is
 * forgotten, so a container that ran quietly for 10 minutes starts over at 10 s.
 */
export class BackOff {
  private readonly entries = new Map<string, {backoff: number; lastUpdate: number}>();

  constructor(
    private readonly now: () => number,
    readonly initialMs = 10_000,
    readonly maxMs = 300_000,
  ) {}

  /** the current period for id (0 when it has none) */
  get(id: string): number {
    return this.entries.get(id)?.backoff ?? 0;
  }

  /** Next(id, eventTime): start at the initial period, or double the current one */
  next(id: string, eventTime: number): void {
    const e = this.entries.get(id);
    const backoff = !e || this.expired(eventTime, e.lastUpdate) ? this.initialMs : Math.min(e.backoff * 2, this.maxMs);
    this.entries.set(id, {backoff, lastUpdate: eventTime});
    if (this.entries.size > 4096) this.gc();
  }

  /** IsInBackOffSince(id, eventTime): less than the period has passed since eventTime */
  remainingSince(id: string, eventTime: number): number {
    const e = this.entries.get(id);
    if (!e || this.expired(this.now(), e.lastUpdate)) return 0;
    return Math.max(0, eventTime + e.backoff - this.now());
  }

  /** when id's back-off was last moved on (-Infinity when it has none) */
  lastUpdate(id: string): number {
    return this.entries.get(id)?.lastUpdate ?? -Infinity;
  }

  /** IsInBackOffSinceUpdate(id): less than the period has passed since the last Next */
  remainingSinceUpdate(id: string): number {
    const e = this.entries.get(id);
    return e ? this.remainingSince(id, e.lastUpdate) : 0;
  }

  forget(prefix: string): void {
    for (const k of [...this.entries.keys()]) if (k.startsWith(prefix)) this.entries.delete(k);
  }

  private expired(eventTime: number, lastUpdate: number): boolean {
    return eventTime - lastUpdate > this.maxMs * 2;
  }

  private gc(): void {
    const now = this.now();
    for (const [k, e] of this.entries) if (this.expired(now, e.lastUpdate)) this.entries.delete(k);
  }
}

/** Go's time.Duration.String() for whole seconds: 10s, 1m20s, 5m0s (the CrashLoopBackOff message shows it) */
export function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60}s`;
  return `${Math.floor(m / 60)}h${m % 60}m${s % 60}s`;
}
