import type {KubeObject, ObjectStore, ResourceType, StoreEvent} from '../api';
import type {ContainerEngine} from './container-engine';
import type {EventRecorder} from './event-recorder';
import {WorkQueue, type ReconcileResult} from './work-queue';
import type {Clock} from '../kit/clock';
import type {Disposable} from '../kit/disposable';
import {keyOf} from '../kit/keys';
import type {WorkLane} from '../kit/work-loop';
import type {Kinds} from '../api/kinds';

/** What every controller of the simulated cluster gets. */
export interface ControllerContext {
  store: ObjectStore;
  clock: Clock;
  kinds: Kinds;
  events: EventRecorder;
  /** the nodes' container runtime: which images pull, what containers' processes do (the kubelet asks) */
  engine?: ContainerEngine;
  /** the sandbox's share of the server's work loop; without one, the controllers get a loop of their own on the clock */
  lane?: WorkLane;
}

/** a group and plural resource: a served type, or one a CRD will serve later (the mesh watches Gateways early) */
export type GroupResource = Pick<ResourceType, 'group' | 'resource'>;

/**
 * A controller as data: which kind it owns, which other kinds wake which of its keys, and a level-triggered
 * reconcile of one key (read the world, converge, write status). Everything else — watches, the queue, backoff,
 * pausing, resyncing after a restart — is the same for all of them (the cluster's and the mesh's) and lives in
 * `runController`.
 */
export interface ControllerDef {
  name: string;
  /** the kind whose objects are the queue's keys */
  primary: GroupResource;
  /** other kinds whose changes wake keys: e.g. pods → their owning ReplicaSet */
  secondary?: {type: GroupResource; keys(o: KubeObject, e: StoreEvent): string[]}[];
  /** the keys to look at on start and resume; by default every primary object's */
  resyncKeys?(): string[];
  /** converge one key ("ns/name" or "name"); throw to be retried with backoff, or ask to be looked at later */
  reconcile(key: string): ReconcileResult;
  /** handed the controller's queue once it runs: for a controller that wakes keys itself (the scheduler's retries) */
  attach?(queue: {add(key: string): void}): void;
  /** release what the definition holds beyond the queue (caches, watches of its own) */
  dispose?(): void;
}

export interface RunningController extends Disposable {
  readonly name: string;
  pause(): void;
  resume(): void;
  /** queue every primary object again (after start or resume) */
  resync(): void;
  /** queue one key (tests, cross-controller nudges) */
  enqueue(key: string): void;
}

export function runController(
  ctx: Pick<ControllerContext, 'store' | 'clock' | 'lane'>,
  def: ControllerDef,
): RunningController {
  const queue = new WorkQueue(ctx.clock, (key) => def.reconcile(key), ctx.lane);
  def.attach?.({add: (k) => queue.add(k)});
  const subs: Disposable[] = [];
  subs.push(ctx.store.watch((e) => queue.add(keyOf(e.object)), {resource: def.primary}));
  for (const s of def.secondary ?? [])
    subs.push(ctx.store.watch((e) => s.keys(e.object, e).forEach((k) => queue.add(k)), {resource: s.type}));
  const primaryKeys = () => {
    const t = ctx.store.types.anyVersion(def.primary.group, def.primary.resource);
    return t ? ctx.store.list(t).items.map(keyOf) : [];
  };
  const resync = () => {
    for (const k of def.resyncKeys?.() ?? primaryKeys()) queue.add(k);
  };
  resync();
  return {
    name: def.name,
    pause: () => queue.pause(),
    resume: () => {
      queue.resume();
      resync();
    },
    resync,
    enqueue: (k) => queue.add(k),
    dispose() {
      for (const s of subs) s.dispose();
      queue.dispose();
      def.dispose?.();
    },
  };
}
