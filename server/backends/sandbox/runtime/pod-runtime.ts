import type {ResourceContext} from '../api/rest-handler';
import type {SandboxApi, UpgradeContext} from '../api/api-server';
import type {ObjectStore} from '../api/store';
import {defaultCommands} from './commands';
import {execHandler} from './exec/exec-handler';
import {IMAGE_CATALOG} from './images/catalog';
import type {ImageSpec} from './images/types';
import {logHandler} from './logs/log-handler';
import {metricsApi} from './metrics/metrics-api';
import {defaultNetworkModel} from './net/default-network';
import type {NetworkModel} from './net/network-model';
import {portForwardHandler} from './portforward/portforward-handler';
import type {Command} from './shell/shell';
import {SandboxRuntime} from './sandbox-runtime';
import {systemClock, type Clock} from '../kit/clock';
import type {Disposable} from '../kit/disposable';

export interface PodRuntimeOptions {
  clock?: Clock;
  /** image entries, checked in order; defaults to IMAGE_CATALOG */
  catalog?: ImageSpec[];
  /** how requests from pods travel; defaults to plain Kubernetes networking (the mesh replaces it) */
  network?: (rt: SandboxRuntime) => NetworkModel;
  /** extra or replacement in-pod commands, by name */
  commands?: Record<string, Command>;
  maxLogLinesPerContainer?: number;
}

/** The runtime of one SandboxApi: what `installPodRuntime` returns. */
export interface PodRuntime extends Disposable {
  /** the runtime of one sandbox (by name or by its store); undefined if there is no such sandbox */
  sandbox(nameOrStore: string | ObjectStore): SandboxRuntime | undefined;
  /** write a line to a container's log (access lines, app output); false if the pod or container does not exist */
  appendLog(sandbox: string, namespace: string, pod: string, container: string, line: string, time?: Date): boolean;
  /** swap the network model of every sandbox, now and later (the mesh installs its own) */
  setNetworkModel(factory: (rt: SandboxRuntime) => NetworkModel): void;
}

/**
 * Serve what runs inside the simulated pods on a SandboxApi: pods/log, pods/exec (WebSocket) and pods/portforward
 * (SPDY over WebSocket, and plain SPDY). Call once per API server; dispose() unregisters the hooks and ends every
 * stream it opened.
 */
export function installPodRuntime(api: SandboxApi, opts: PodRuntimeOptions = {}): PodRuntime {
  const clock = opts.clock ?? systemClock;
  const catalog = opts.catalog ?? IMAGE_CATALOG;
  let network = opts.network ?? defaultNetworkModel;
  const commands = defaultCommands();
  for (const [k, v] of Object.entries(opts.commands ?? {})) commands.set(k, v);
  const runtimes = new Map<ObjectStore, SandboxRuntime>();

  const forStore = (store: ObjectStore): SandboxRuntime => {
    let rt = runtimes.get(store);
    if (!rt) {
      // forget sandboxes deleted since (their stores are gone from the registry)
      const live = new Set(api.sandboxes.list().map((s) => s.store));
      for (const [s, r] of runtimes)
        if (!live.has(s)) {
          r.dispose();
          runtimes.delete(s);
        }
      rt = new SandboxRuntime(store, {
        clock,
        catalog,
        network: (x) => network(x),
        maxLogLinesPerContainer: opts.maxLogLinesPerContainer,
      });
      runtimes.set(store, rt);
    }
    return rt;
  };
  const fromCtx = (ctx: ResourceContext | UpgradeContext) => forStore(ctx.store);

  const exec = execHandler(fromCtx, commands);
  const attach = execHandler(fromCtx, commands, 'attach');
  const forward = portForwardHandler(fromCtx);
  const hooks: Disposable[] = [
    api.registerSubresource('/pods/log', logHandler(fromCtx)),
    api.registerUpgrade('/pods/exec', exec.handler),
    api.registerUpgrade('/pods/attach', attach.handler),
    api.registerUpgrade('/pods/portforward', forward.handler),
    api.registerAggregatedApi(metricsApi(forStore)),
    exec,
    attach,
    forward,
  ];

  const sandbox = (nameOrStore: string | ObjectStore) => {
    if (typeof nameOrStore !== 'string') return forStore(nameOrStore);
    const sb = api.sandboxes.get(nameOrStore);
    return sb ? forStore(sb.store) : undefined;
  };

  return {
    sandbox,
    appendLog(sb, namespace, pod, container, line, time) {
      return sandbox(sb)?.appendLog(namespace, pod, container, line, time) ?? false;
    },
    setNetworkModel(factory) {
      network = factory;
      for (const rt of runtimes.values()) rt.network = factory(rt);
    },
    dispose() {
      for (const h of hooks) h.dispose();
      for (const rt of runtimes.values()) rt.dispose();
      runtimes.clear();
    },
  };
}
