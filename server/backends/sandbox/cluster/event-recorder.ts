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

/** client-go's EventCorrelator: 10 distinct messages per (object, reason, source) within 10 minutes, then one combined Event */
const AGGREGATE_MAX_EVENTS = 10;
const AGGREGATE_INTERVAL_MS = 600_000;
/** client-go keeps its event caches in LRUs of this size */
const CACHE_SIZE = 4096;

/**
 * Records core/v1 Events as client-go's recorder does: one Event per (object, reason, message, source), counted
 * and re-stamped when it repeats, so `kubectl describe` shows "x3 over 10s" style aggregation and `get events`
 * reads like a cluster's. After 10 different messages for the same object and reason (a ReplicaSet creating 1000
 * pods) the 10th and later go into one Event whose message starts "(combined from similar events): ", as client-go's
 * EventAggregator does: a big ReplicaSet makes 10 events, not 1000. Events are best-effort: a namespace being
 * deleted, or a sandbox out of room, simply drops them.
 */
export class EventRecorder {
  private readonly seen = new Map<string, string>();
  private readonly aggregates = new Map<string, {messages: Set<string>; last: number}>();
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
    const similar = [obj.metadata.uid, type, reason, source.component, source.host ?? '', fieldPath ?? ''].join(
      '\u0000',
    );
    const combined = this.aggregate(similar, message);
    if (combined) message = `(combined from similar events): ${message}`;
    const dedup = combined ? similar : `${similar}\u0000${message}`;
    try {
      const existing = this.seen.get(dedup);
      const prev = existing ? this.store.get(this.kinds.events, namespace, existing) : undefined;
      if (prev) {
        prev.count = Number(prev.count ?? 1) + 1;
        prev.lastTimestamp = now;
        prev.message = message;
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
      remember(this.seen, dedup, name);
    } catch {
      // the namespace is terminating or gone: a real cluster drops these events too
    }
  }

  /** true once 10 different messages of this kind came within 10 minutes: this one goes into the combined Event */
  private aggregate(similar: string, message: string): boolean {
    const now = this.clock.now().getTime();
    let a = this.aggregates.get(similar);
    if (!a || now - a.last > AGGREGATE_INTERVAL_MS) a = {messages: new Set(), last: now};
    a.last = now;
    a.messages.add(message);
    remember(this.aggregates, similar, a);
    if (a.messages.size < AGGREGATE_MAX_EVENTS) return false;
    // EventAggregate: the set never grows past the threshold (localKeys.PopAny)
    a.messages.delete(a.messages.values().next().value!);
    return true;
  }
}

/** set in a bounded map that forgets its least recently set entry (an LRU, as client-go's caches) */
function remember<V>(m: Map<string, V>, key: string, value: V): void {
  m.delete(key);
  m.set(key, value);
  if (m.size > CACHE_SIZE) m.delete(m.keys().next().value!);
}
