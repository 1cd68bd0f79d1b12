import type {ObjectStore, StoreEvent} from '../api';
import type {Clock} from '../kit/clock';
import type {Disposable} from '../kit/disposable';

/**
 * A mesh controller as data, the same shape as the cluster controllers' ControllerDef (cluster/controller.ts):
 * which changes wake which keys, and a level-triggered, idempotent reconcile of one key. Watches name a
 * group/resource rather than a served type because the Gateway API and Istio CRDs register while the mesh runs.
 */
export interface MeshControllerDef {
  name: string;
  watches: {group: string; resource: string; keys(e: StoreEvent): string[]}[];
  /** every key to look at on start (a resync) */
  allKeys(): string[];
  reconcile(key: string): void;
}

export interface RunningMeshController extends Disposable {
  readonly name: string;
  /** reconcile everything queued now, including keys queued by the reconciles themselves (tests, no timers) */
  flush(): void;
  enqueue(key: string): void;
  resync(): void;
}

/** keys are de-duplicated and drained on the next clock tick, so a burst of events is one pass */
export function runMeshController(
  store: ObjectStore,
  clock: Clock,
  def: MeshControllerDef,
  onError?: (key: string, err: unknown) => void,
): RunningMeshController {
  const dirty = new Set<string>();
  let timer: Disposable | undefined;
  let disposed = false;
  const flush = () => {
    timer?.dispose();
    timer = undefined;
    for (let rounds = 0; dirty.size && rounds < 50 && !disposed; rounds++) {
      const keys = [...dirty];
      dirty.clear();
      for (const k of keys) {
        try {
          def.reconcile(k);
        } catch (err) {
          // a conflict with a concurrent writer: the next event for the key brings it back
          onError?.(k, err);
        }
      }
    }
  };
  const enqueue = (k: string) => {
    if (disposed) return;
    dirty.add(k);
    timer ??= clock.setTimeout(flush, 0);
  };
  const subs = def.watches.map((w) =>
    store.watch((e) => w.keys(e).forEach(enqueue), {resource: {group: w.group, resource: w.resource}}),
  );
  const resync = () => def.allKeys().forEach(enqueue);
  resync();
  return {
    name: def.name,
    flush,
    enqueue,
    resync,
    dispose() {
      disposed = true;
      timer?.dispose();
      for (const s of subs) s.dispose();
    },
  };
}

export const keyOf = (o: {metadata: {namespace?: string; name?: string}}) =>
  `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
export function splitKey(key: string): {namespace: string; name: string} {
  const i = key.indexOf('/');
  return {namespace: key.slice(0, i), name: key.slice(i + 1)};
}
