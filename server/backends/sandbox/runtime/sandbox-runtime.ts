import type {ObjectStore} from '../api/store';
import type {ResourceType} from '../api/types';
import {errors} from '../api/status';
import {mustType} from '../api/kinds';
import {imageSpecFor, IMAGE_CATALOG} from './images/catalog';
import type {ImageSpec} from './images/types';
import {PodLogs} from './logs/pod-logs';
import {PodMetrics} from './metrics/pod-metrics';
import {RequestLoad} from './metrics/request-load';
import {podView, type PodView} from './pod-view';
import type {NetworkModel} from './net/network-model';
import type {Clock} from '../kit/clock';
import type {Disposable} from '../kit/disposable';

export interface SandboxRuntimeOptions {
  clock: Clock;
  catalog: ImageSpec[];
  network: (rt: SandboxRuntime) => NetworkModel;
  maxLogLinesPerContainer?: number;
}

/**
 * What runs inside one sandbox's pods: their logs, the network model their commands use, and the open exec,
 * follow and port-forward streams (so deleting a pod or disposing the runtime ends them).
 */
export class SandboxRuntime implements Disposable {
  readonly logs: PodLogs;
  /** the proxies' Prometheus counters, per pod (the mesh adds, the stats ports render) */
  readonly metrics = new PodMetrics();
  /** requests each container served lately: the resource metrics' CPU follows it */
  readonly load = new RequestLoad();
  readonly podsType: ResourceType;
  network: NetworkModel;
  private readonly open = new Set<Disposable>();
  private readonly podWatchers = new Map<string, Set<() => void>>();
  private readonly storeWatch: Disposable;
  /** files written inside containers (/tmp, $HOME), kept while the pod lives */
  private readonly overlays = new Map<string, Map<string, string>>();
  private readonly pids = new Map<string, number>();
  /** what apps keep per pod (argocd-server's signing key and certificate), by pod uid */
  private readonly appStates = new Map<string, Map<string, unknown>>();

  constructor(
    readonly store: ObjectStore,
    readonly opts: SandboxRuntimeOptions,
  ) {
    this.podsType = mustType(store, 'pods');
    this.logs = new PodLogs({
      clock: opts.clock,
      maxLinesPerContainer: opts.maxLogLinesPerContainer,
      imageSpec: (i) => this.imageSpec(i),
    });
    this.network = opts.network(this);
    // a deleted pod ends its log followers, exec sessions and forwards, and frees its log buffers
    this.storeWatch = store.watch(
      (e) => {
        if (e.type !== 'DELETED') return;
        const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
        this.logs.forget(e.object.metadata.namespace ?? '', e.object.metadata.name ?? '');
        this.metrics.forget(e.object.metadata.namespace ?? '', e.object.metadata.name ?? '');
        this.load.forget(e.object.metadata.namespace ?? '', e.object.metadata.name ?? '');
        const uid = e.object.metadata.uid ?? '';
        for (const k of [...this.overlays.keys()]) if (k.startsWith(`${uid}/`)) this.overlays.delete(k);
        this.pids.delete(uid);
        this.appStates.delete(uid);
        for (const fn of this.podWatchers.get(key) ?? []) fn();
      },
      {resource: this.podsType},
    );
  }

  get clock(): Clock {
    return this.opts.clock;
  }

  imageSpec(image: string | undefined): ImageSpec {
    return imageSpecFor(image, this.opts.catalog ?? IMAGE_CATALOG);
  }

  pod(namespace: string, name: string): PodView | undefined {
    const o = this.store.get(this.podsType, namespace, name);
    return o ? podView(o) : undefined;
  }

  mustPod(namespace: string, name: string): PodView {
    const p = this.pod(namespace, name);
    if (!p) throw errors.notFound(this.podsType, name);
    return p;
  }

  /** write a line to a container's log (access lines, app output); false if there is no such pod or container */
  appendLog(namespace: string, pod: string, container: string, line: string, time?: Date): boolean {
    const p = this.pod(namespace, pod);
    return !!p && this.logs.append(p, container, line, time);
  }

  overlay(podUid: string, container: string): Map<string, string> {
    const key = `${podUid}/${container}`;
    let o = this.overlays.get(key);
    if (!o) this.overlays.set(key, (o = new Map()));
    return o;
  }

  /** the PID the next exec in this pod gets (PID 1 is the container's command; the pause container is not shown) */
  nextPid(podUid: string): number {
    const pid = (this.pids.get(podUid) ?? 0) + 7;
    this.pids.set(podUid, pid);
    return pid;
  }

  /** an app's state in a pod, made by `init` on first use and dropped with the pod */
  appState<T>(podUid: string, key: string, init: () => T): T {
    let m = this.appStates.get(podUid);
    if (!m) this.appStates.set(podUid, (m = new Map()));
    if (!m.has(key)) m.set(key, init());
    return m.get(key) as T;
  }

  /** call fn once when the pod is deleted */
  onPodDeleted(namespace: string, name: string, fn: () => void): Disposable {
    const key = `${namespace}/${name}`;
    let set = this.podWatchers.get(key);
    if (!set) this.podWatchers.set(key, (set = new Set()));
    set.add(fn);
    return {
      dispose: () => {
        set.delete(fn);
        if (set.size === 0) this.podWatchers.delete(key);
      },
    };
  }

  /** keep a stream or session so dispose() can end it; returns a function that forgets it */
  track(d: Disposable): () => void {
    this.open.add(d);
    return () => this.open.delete(d);
  }

  dispose(): void {
    this.storeWatch.dispose();
    for (const d of [...this.open]) d.dispose();
    this.open.clear();
    this.podWatchers.clear();
    this.logs.dispose();
  }
}
