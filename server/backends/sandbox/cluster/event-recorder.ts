import {randomInt} from 'node:crypto';
import {timestamp, type KubeObject, type ObjectStore} from '../api';
import type {Clock} from '../kit/clock';
import type {Kinds} from '../api/kinds';

export interface EventSource {
  /** default-scheduler, kubelet, deployment-controller, replicaset-controller, ... */
  component: string;
  /** the node, for kubelet events */
  host?: string;
}

/**
 * Records core/v1 Events as client-go's recorder does: one Event per (object, reason, message, source), counted
 * and re-stamped when it repeats, so `kubectl describe` shows "x3 over 10s" style aggregation and `get events`
 * reads like a cluster's. Events are best-effort: a namespace being deleted simply drops them.
 */
export class EventRecorder {
  private readonly seen = new Map<string, string>();
  private seq = randomInt(1000) * 1000;

  constructor(
    private readonly store: ObjectStore,
    private readonly kinds: Kinds,
    private readonly clock: Clock,
  ) {}

  normal(obj: KubeObject, reason: string, message: string, source: EventSource, fieldPath?: string): void {
    this.record(obj, 'Normal', reason, message, source, fieldPath);
  }

  warning(obj: KubeObject, reason: string, message: string, source: EventSource, fieldPath?: string): void {
    this.record(obj, 'Warning', reason, message, source, fieldPath);
  }

  private record(
    obj: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    source: EventSource,
    fieldPath?: string,
  ): void {
    const namespace = obj.metadata.namespace ?? 'default';
    const now = timestamp(this.clock.now());
    const dedup = [obj.metadata.uid, type, reason, message, source.component, source.host ?? '', fieldPath ?? ''].join(
      '\u0000',
    );
    try {
      const existing = this.seen.get(dedup);
      const prev = existing ? this.store.get(this.kinds.events, namespace, existing) : undefined;
      if (prev) {
        prev.count = Number(prev.count ?? 1) + 1;
        prev.lastTimestamp = now;
        this.store.update(this.kinds.events, prev);
        return;
      }
      // client-go names events <object>.<unix nanos in hex>; the sequence keeps names (the list order) in time order
      this.seq = (this.seq + 1) % 1_000_000;
      const name = `${obj.metadata.name}.${(BigInt(this.clock.now().getTime()) * 1_000_000n + BigInt(this.seq)).toString(16)}`;
      this.store.create(this.kinds.events, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: {name, namespace},
        involvedObject: {
          kind: obj.kind,
          namespace: obj.metadata.namespace,
          name: obj.metadata.name,
          // the kubelet refers to its node by name as the uid, and `kubectl describe node` looks events up that way
          uid: obj.kind === 'Node' ? obj.metadata.name : obj.metadata.uid,
          apiVersion: obj.apiVersion,
          resourceVersion: obj.metadata.resourceVersion,
          ...(fieldPath ? {fieldPath} : {}),
        },
        reason,
        message,
        source: {component: source.component, ...(source.host ? {host: source.host} : {})},
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        type,
        eventTime: null,
        reportingComponent: source.component,
        reportingInstance: source.host ?? '',
      });
      this.seen.set(dedup, name);
    } catch {
      // the namespace is terminating or gone: a real cluster drops these events too
    }
  }
}
