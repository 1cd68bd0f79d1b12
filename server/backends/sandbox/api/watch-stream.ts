import {fromStorage} from './conversion';
import type {ServerResponse} from 'node:http';
import type {ObjectStore} from './store';
import {toTable} from './table';
import type {KubeObject, ListOptions, ResourceType, StoreEvent, WatchEventType} from './types';
import {ApiError, errors} from './status';
import type {Disposable} from '../kit/disposable';

export interface WatchRequest {
  store: ObjectStore;
  type: ResourceType;
  list: ListOptions;
  /** "" or "0": start with the current state as ADDED events; N: changes after N */
  resourceVersion?: string;
  timeoutSeconds?: number;
  asTable: boolean;
  /** upper bound for a watch without timeoutSeconds, like the apiserver's --min-request-timeout spread */
  maxSeconds: number;
}

/**
 * A watch as one chunked JSON stream, one event a line. Headers are flushed at once: kubectl blocks until it sees
 * them. The client leaving is noticed on the response (`res` close), not the request, which closes as soon as
 * the empty request body has been read.
 */
export function serveWatch(res: ServerResponse, w: WatchRequest): Disposable {
  const {store, type} = w;
  const matches = store.matcher(type, w.list);
  const inView = new Set<string>();
  const id = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  let first = true;

  const write = (t: WatchEventType, o: KubeObject) => {
    const object = w.asTable ? toTable(type, [o], {now: store.clock.now(), noHeaders: !first}) : o;
    first = false;
    res.write(JSON.stringify({type: t, object}) + '\n');
  };

  // translate store events into what this watcher sees: leaving the selection is a DELETED, entering an ADDED
  const onEvent = (e: StoreEvent) => {
    const o = type.version === e.object.apiVersion.split('/').pop() ? e.object : fromStorage(type, {...e.object});
    if (type.custom) o.apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
    const k = id(o);
    const now = e.type !== 'DELETED' && matches(o);
    if (e.type === 'DELETED') {
      if (inView.delete(k) || matches(o)) write('DELETED', o);
    } else if (now) {
      write(inView.has(k) ? 'MODIFIED' : 'ADDED', o);
      inView.add(k);
    } else if (inView.delete(k)) write('DELETED', o);
  };

  const rv = w.resourceVersion;
  const since = rv && rv !== '0' ? Number(rv) : undefined;
  if (since !== undefined && !Number.isInteger(since)) throw errors.badRequest(`invalid resource version: ${rv}`);
  for (const o of store.list(type, w.list).items) inView.add(id(o));

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache, private',
  });
  res.flushHeaders();

  let sub: Disposable = {dispose() {}};
  if (since === undefined) {
    for (const o of store.list(type, w.list).items) write('ADDED', o);
    sub = store.watch(onEvent, {resource: type});
  } else {
    // replayed history decides membership itself: start from what matched before the replay
    inView.clear();
    for (const o of store.list(type, w.list).items) if (Number(o.metadata.resourceVersion) <= since) inView.add(id(o));
    try {
      sub = store.watch(onEvent, {resource: type, sinceResourceVersion: since});
    } catch (e) {
      // as the apiserver does: a 200 stream carrying one ERROR event (410 Expired); the client re-lists
      if (!(e instanceof ApiError)) throw e;
      res.end(JSON.stringify({type: 'ERROR', object: e.toStatus()}) + '\n');
      return {dispose() {}};
    }
  }

  const seconds = Math.min(w.timeoutSeconds && w.timeoutSeconds > 0 ? w.timeoutSeconds : w.maxSeconds, w.maxSeconds);
  const timer = setTimeout(() => finish(), seconds * 1000);
  timer.unref();
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    sub.dispose();
    if (!res.writableEnded) res.end();
  };
  res.on('close', finish);
  return {dispose: finish};
}
