import type {ControllerContext, RunningController} from '../controller';
import {WorkQueue} from '../work-queue';
import type {Disposable} from '../../kit/disposable';
import {ClientRateLimiter, CONTROLLER_MANAGER_RATE, type ClientRate} from '../../kit/client-rate-limit';

/** dependents handled per step: a step cannot be cut short, and the work loop's turn is 4 ms */
const BATCH = 50;
/** an owner whose dependents all refused (a quota, say) is looked at again after this long, not at once */
const RETRY_MS = 1000;

/**
 * kube-controller-manager's garbage collector, for the dependents an owner leaves: when an owner is deleted (or goes
 * in the foreground) the DELETE is answered at once and its dependents are deleted here, a batch per step of the
 * sandbox's work lane, so deleting a Deployment of 19000 pods never holds the event loop that serves everyone.
 * Keys are owner uids. A resync (start, `k3d cluster start`) looks for dependents whose owner no longer exists, as
 * the real collector does from its graph after a restart, so nothing is left behind by a stop or a crash. Its
 * client is rate limited like the real one's (20 requests a second, bursts of 30): a Deployment of 2000 pods takes
 * about 100 s to go, as on a k3s cluster.
 */
export function runGarbageCollector(
  ctx: Pick<ControllerContext, 'store' | 'clock' | 'lane'>,
  rate: ClientRate = CONTROLLER_MANAGER_RATE,
): RunningController {
  const {store} = ctx;
  /** per owner: the dependents still to visit in this pass */
  const cursors = new Map<string, {ids: string[]; next: number; acted: number}>();
  const client = new ClientRateLimiter(ctx.clock, rate);

  const reconcile = (uid: string) => {
    let cursor = cursors.get(uid);
    if (!cursor) cursors.set(uid, (cursor = {ids: store.dependentIds(uid), next: 0, acted: 0}));
    // one request per dependent visited (the real collector reads or deletes each)
    const end = Math.min(
      cursor.ids.length,
      cursor.next + client.take(Math.min(BATCH, cursor.ids.length - cursor.next)),
    );
    for (; cursor.next < end; cursor.next++) if (store.collectDependent(uid, cursor.ids[cursor.next]!)) cursor.acted++;
    if (cursor.next < cursor.ids.length) return {requeueAfterMs: client.waitMs()};
    // the pass is over: another one when it did something (dependents added meanwhile, say, by a controller racing
    // the delete); when it did nothing but some still wait, later
    cursors.delete(uid);
    if (cursor.acted > 0) return {requeueAfterMs: 0};
    return store.dependentsWaiting(uid) ? {requeueAfterMs: RETRY_MS} : undefined;
  };

  const queue = new WorkQueue(ctx.clock, reconcile, ctx.lane);
  const sub: Disposable = store.watch((e) => {
    if (store.collectionWanted(e)) queue.add(e.object.metadata.uid!);
  });
  const resync = () => {
    for (const uid of store.ownersToCollect()) queue.add(uid);
  };
  resync();
  return {
    name: 'garbage-collector',
    pause: () => queue.pause(),
    resume: () => {
      queue.resume();
      resync();
    },
    resync,
    enqueue: (uid) => queue.add(uid),
    dispose() {
      sub.dispose();
      queue.dispose();
      cursors.clear();
    },
  };
}
