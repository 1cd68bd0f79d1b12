import {imageSpecFor} from '../images/catalog';
import type {ImageSpec} from '../images/types';
import {processOf} from '../container-engine';
import {allContainers, statusOf, type ContainerView, type PodView} from '../pod-view';
import {LogBuffer, type LogLine} from './log-buffer';
import type {Clock} from '../../kit/clock';

interface ContainerLogs {
  restartCount: number;
  current: LogBuffer;
  previous?: LogBuffer;
}

interface PodEntry {
  uid: string;
  containers: Map<string, ContainerLogs>;
}

export interface PodLogsOptions {
  maxLinesPerContainer?: number;
  clock: Clock;
  imageSpec?: (image: string) => ImageSpec;
}

/**
 * The logs of every container in one sandbox. Buffers are made on first use and seeded with what the image prints at
 * start, stamped at the container's startedAt, so nothing needs to watch pods come up. A pod with a new uid (deleted
 * and recreated under the same name) starts over; a higher restartCount moves the current log to "previous".
 */
export class PodLogs {
  private readonly pods = new Map<string, PodEntry>();
  private readonly maxLines: number;
  private readonly spec: (image: string) => ImageSpec;

  constructor(private readonly opts: PodLogsOptions) {
    this.maxLines = opts.maxLinesPerContainer ?? 5000;
    this.spec = opts.imageSpec ?? ((i) => imageSpecFor(i));
  }

  /** the container's logs, created and seeded when first asked; undefined if the pod has no such container */
  container(pod: PodView, name: string): ContainerLogs | undefined {
    const c = allContainers(pod).find((x) => x.name === name);
    if (!c) return undefined;
    const key = `${pod.namespace}/${pod.name}`;
    let entry = this.pods.get(key);
    if (!entry || entry.uid !== pod.uid) {
      if (entry) this.dropEntry(entry);
      entry = {uid: pod.uid, containers: new Map()};
      this.pods.set(key, entry);
    }
    const status = statusOf(pod, name);
    const restartCount = status?.restartCount ?? 0;
    let logs = entry.containers.get(name);
    if (!logs) {
      logs = {restartCount, current: new LogBuffer(this.maxLines)};
      if (restartCount > 0) logs.previous = this.seeded(pod, c, undefined);
      if (status && (status.state !== 'waiting' || status.ranBefore)) this.seed(logs.current, pod, c, status.startedAt);
      entry.containers.set(name, logs);
    } else if (restartCount > logs.restartCount) {
      logs.previous?.close();
      logs.previous = logs.current;
      logs.current = this.seeded(pod, c, status?.startedAt);
      logs.restartCount = restartCount;
    }
    return logs;
  }

  /** add a line to a container's current log (the traffic model writes app and proxy access lines here) */
  append(pod: PodView, container: string, text: string, time?: Date): boolean {
    const logs = this.container(pod, container);
    if (!logs) return false;
    for (const line of text.replace(/\n$/, '').split('\n'))
      logs.current.append({time: time ?? this.opts.clock.now(), text: line});
    return true;
  }

  forget(namespace: string, name: string): void {
    const e = this.pods.get(`${namespace}/${name}`);
    if (e) this.dropEntry(e);
    this.pods.delete(`${namespace}/${name}`);
  }

  dispose(): void {
    for (const e of this.pods.values()) this.dropEntry(e);
    this.pods.clear();
  }

  private dropEntry(e: PodEntry): void {
    for (const c of e.containers.values()) {
      c.current.close();
      c.previous?.close();
    }
  }

  private seeded(pod: PodView, c: ContainerView, startedAt: string | undefined): LogBuffer {
    const b = new LogBuffer(this.maxLines);
    this.seed(b, pod, c, startedAt);
    return b;
  }

  /**
   * What the container printed so far: the image's start-up lines, or, when the pod gives it a command we can read
   * (`sh -c 'echo hi; exit 1'`), that command's output up to now.
   */
  private seed(b: LogBuffer, pod: PodView, c: ContainerView, startedAt: string | undefined): void {
    const start = startedAt ? new Date(startedAt) : this.opts.clock.now();
    const spec = this.spec(c.image);
    const run = c.command?.length || c.args?.length ? processOf(spec, c) : undefined;
    if (run) {
      const upTo = this.opts.clock.now().getTime() - start.getTime();
      for (const o of run.output)
        if (o.atMs <= upTo) b.append({time: new Date(start.getTime() + o.atMs), text: o.text} satisfies LogLine);
      return;
    }
    const envMap = Object.fromEntries(c.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
    const lines = spec.startupLog({
      podName: pod.name,
      namespace: pod.namespace,
      container: c.name,
      startedAt: start,
      env: envMap,
      image: c.image,
      argv: c.command?.length || c.args?.length ? [...(c.command ?? []), ...(c.args ?? [])] : spec.entrypoint,
    });
    for (const text of lines) b.append({time: start, text} satisfies LogLine);
  }
}
