import type {Node, Pod} from 'kubernetes-types/core/v1';
import {timestamp, type KubeObject, type ObjectStore, type Typed} from '../api';
import {planNodes, validateSpec, type ClusterSpec, type NodePlan} from './cluster-spec';
import type {ContainerEngine} from './container-engine';
import {runController, type ControllerContext, type ControllerDef, type RunningController} from './controller';
import {cronJobController} from './controllers/cronjob';
import {daemonSetController} from './controllers/daemonset';
import {deploymentController} from './controllers/deployment';
import {endpointsController} from './controllers/endpoints';
import {runGarbageCollector} from './controllers/garbage-collector';
import {jobController} from './controllers/job';
import {kubeletController} from './controllers/kubelet';
import {localPathController} from './controllers/local-path';
import {nodeLifecycleController} from './controllers/node-lifecycle';
import {namespaceDefaultsController} from './controllers/namespace-defaults';
import {replicaSetController} from './controllers/replicaset';
import {schedulerController} from './controllers/scheduler';
import {serviceLbController} from './controllers/service-lb';
import {statefulSetController} from './controllers/statefulset';
import {EventRecorder} from './event-recorder';
import {isNodeReady, nodeConditions, nodeLease, nodeObject} from './nodes';
import {restartedStatus} from './pod-stages';
import {writeStatus} from './status';
import {ensureSystemObjects, k3sSystemObjects} from './system-workloads';
import {TIMINGS} from './timings';
import {systemClock, type Clock} from '../kit/clock';
import {resolveKinds, type Kinds} from '../api/kinds';
import {clockLoop, type WorkLane} from '../kit/work-loop';

/** A running simulated k3d cluster: its controllers, and the k3d verbs that change its state. */
export interface ClusterRuntime {
  readonly spec: ClusterSpec;
  /** true between start and stop */
  readonly running: boolean;
  /** `k3d cluster stop`: nodes go NotReady (Unknown), every controller pauses (pods keep their last state) */
  stop(): void;
  /** `k3d cluster start`: nodes Ready again, controllers resume and catch up */
  start(): void;
  /**
   * A node container starts (`k3d node create`, `k3d node start`): after the agent's start-up its Node registers,
   * or turns Ready again with its pods' containers restarted. Resolves when it has (k3d waits for the agent).
   */
  nodeUp(plan: NodePlan): Promise<void>;
  /** a node container stops or goes (`k3d node stop|delete`): its Node stays, Unknown (NotReady), as on k3s */
  nodeDown(name: string): void;
  /** end controllers, watches and timers (the objects stay in the store) */
  dispose(): void;
}

export interface ClusterOptions {
  clock?: Clock;
  /** the sandbox's lane of the server's work loop (backend/); by default a loop of the cluster's own on the clock */
  lane?: WorkLane;
  /** the container runtime behind the kubelets (the backend passes the pod runtime's); by default all images pull and containers run */
  engine?: ContainerEngine;
}

/** what bootCluster/resumeCluster need of a sandbox (`api.sandboxes.get(name)` fits) */
export interface ClusterHost {
  store: ObjectStore;
}

const CONTROLLERS: ((ctx: ControllerContext) => ControllerDef)[] = [
  namespaceDefaultsController,
  endpointsController,
  schedulerController,
  kubeletController,
  replicaSetController,
  deploymentController,
  daemonSetController,
  statefulSetController,
  jobController,
  cronJobController,
  serviceLbController,
  localPathController,
  nodeLifecycleController,
];

/**
 * Create the Node objects and the k3s system workloads for a fresh `k3d cluster create`, and start the controllers.
 * Idempotent: objects that already exist are kept (a half-created cluster finishes booting).
 */
export async function bootCluster(
  sandbox: ClusterHost,
  spec: ClusterSpec,
  opts: ClusterOptions = {},
): Promise<ClusterRuntime> {
  validateSpec(spec);
  const {store} = sandbox;
  const clock = opts.clock ?? store.clock ?? systemClock;
  const kinds = resolveKinds(store);
  const events = new EventRecorder(store, kinds, clock);
  const plan = planNodes(spec);
  const register = (role: 'server' | 'agent') => {
    const stamp = timestamp(clock.now());
    for (const p of plan.filter((x) => x.role === role)) {
      if (store.get(kinds.nodes, undefined, p.name)) continue;
      const node = store.create(kinds.nodes, nodeObject(spec, p, stamp));
      if (!store.get(kinds.leases, 'kube-node-lease', p.name)) store.create(kinds.leases, nodeLease(node, stamp));
      nodeBootEvents(events, node);
    }
  };
  register('server');
  apiServerEndpoints(store, kinds, plan[0]!.internalIP);
  ensureSystemObjects(store, kinds, k3sSystemObjects(spec, plan));
  const runtime = startRuntime(
    store,
    kinds,
    events,
    clock,
    opts.lane ?? clockLoop(clock).lane(),
    spec,
    true,
    opts.engine,
  );
  if (plan.some((p) => p.role === 'agent' && !store.get(kinds.nodes, undefined, p.name))) {
    // k3d starts the agents after the servers: the first kube-system pods go to the server meanwhile
    await new Promise<void>((resolve) => clock.setTimeout(resolve, TIMINGS.agentJoin));
    // `k3d cluster delete` right after create: nothing joins a cluster that is gone
    if (!runtime.disposed) register('agent');
  }
  return runtime;
}

/** Re-attach controllers to a cluster whose objects were restored from disk (after a lab restart). */
export function resumeCluster(sandbox: ClusterHost, spec: ClusterSpec, opts: ClusterOptions = {}): ClusterRuntime {
  validateSpec(spec);
  const {store} = sandbox;
  const clock = opts.clock ?? store.clock ?? systemClock;
  const kinds = resolveKinds(store);
  const nodes = store.list(kinds.nodes).items;
  // a cluster that was stopped before the restart stays stopped until `k3d cluster start`
  const running = nodes.length === 0 || nodes.some(isNodeReady);
  const events = new EventRecorder(store, kinds, clock);
  if (running) {
    // the lab went down while agents were joining: they finish joining now
    const stamp = timestamp(clock.now());
    const down = new Set(spec.down ?? []);
    for (const p of planNodes(spec))
      if (!down.has(p.name) && !store.get(kinds.nodes, undefined, p.name))
        nodeBootEvents(events, store.create(kinds.nodes, nodeObject(spec, p, stamp)));
  }
  return startRuntime(store, kinds, events, clock, opts.lane ?? clockLoop(clock).lane(), spec, running, opts.engine);
}

function startRuntime(
  store: ObjectStore,
  kinds: Kinds,
  events: EventRecorder,
  clock: Clock,
  lane: WorkLane,
  spec: ClusterSpec,
  running: boolean,
  engine: ContainerEngine | undefined,
): ClusterRuntime & {readonly disposed: boolean} {
  const ctx: ControllerContext = {store, clock, kinds, events, lane, engine};
  const controllers: RunningController[] = [
    ...CONTROLLERS.map((make) => runController(ctx, make(ctx))),
    runGarbageCollector(ctx),
  ];
  let isRunning = running;
  let disposed = false;
  /** Nodes whose container does not run: they stay NotReady through cluster start and stop */
  const down = new Set(spec.down ?? []);
  if (!running) controllers.forEach((c) => c.pause());

  const setNodesReady = (ready: boolean, only?: string) => {
    const stamp = timestamp(clock.now());
    for (const n of store.list(kinds.nodes).items) {
      const name = n.metadata.name!;
      if (only ? name !== only : down.has(name)) continue;
      const node = n as Typed<Node>;
      const status = {
        ...(node.status ?? {}),
        conditions: nodeConditions(node.status?.conditions, ready, stamp),
      };
      store.updateStatus(kinds.nodes, {...n, status});
      if (ready) events.normal(n, 'Starting', 'Starting kubelet.', {component: 'kubelet', host: n.metadata.name!});
      else
        events.normal(n, 'NodeNotReady', `Node ${n.metadata.name} status is now: NodeNotReady`, {
          component: 'node-controller',
        });
    }
  };

  /** every container died with its node container; the kubelet recreates them once controllers resume */
  const restartPods = (only?: string) => {
    const stamp = timestamp(clock.now());
    for (const p of store.list(kinds.pods).items) {
      const pod = p as Typed<Pod>;
      const node = pod.spec?.nodeName;
      if (!node || (only ? node !== only : down.has(node))) continue;
      const next = restartedStatus(pod, stamp);
      if (next) writeStatus(store, kinds.pods, p, next);
    }
  };

  return {
    spec,
    get running() {
      return isRunning;
    },
    get disposed() {
      return disposed;
    },
    stop() {
      if (disposed || !isRunning) return;
      isRunning = false;
      controllers.forEach((c) => c.pause());
      setNodesReady(false);
    },
    start() {
      if (disposed || isRunning) return;
      isRunning = true;
      setNodesReady(true);
      restartPods();
      controllers.forEach((c) => c.resume());
    },
    async nodeUp(plan) {
      down.delete(plan.name);
      // the agent's k3s starts and registers, compressed as at create
      await new Promise<void>((resolve) => clock.setTimeout(resolve, TIMINGS.agentJoin));
      if (disposed || !isRunning || down.has(plan.name)) return;
      const existing = store.get(kinds.nodes, undefined, plan.name);
      if (!existing) {
        const stamp = timestamp(clock.now());
        const node = store.create(kinds.nodes, nodeObject(spec, plan, stamp));
        if (!store.get(kinds.leases, 'kube-node-lease', plan.name)) store.create(kinds.leases, nodeLease(node, stamp));
        nodeBootEvents(events, node);
      } else if (!isNodeReady(existing)) {
        setNodesReady(true, plan.name);
        restartPods(plan.name);
      }
    },
    nodeDown(name) {
      if (down.has(name)) return;
      down.add(name);
      if (!disposed && isRunning) setNodesReady(false, name);
    },
    dispose() {
      disposed = true;
      controllers.forEach((c) => c.dispose());
    },
  };
}

/** the kubelet's and node controller's events when a node registers */
function nodeBootEvents(events: EventRecorder, node: KubeObject): void {
  const name = node.metadata.name!;
  const kubelet = {component: 'kubelet', host: name};
  events.normal(node, 'Starting', 'Starting kubelet.', kubelet);
  events.normal(node, 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods', kubelet);
  for (const s of ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID'])
    events.normal(node, s, `Node ${name} status is now: ${s}`, kubelet);
  events.normal(node, 'NodeReady', `Node ${name} status is now: NodeReady`, kubelet);
  events.normal(node, 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`, {
    component: 'node-controller',
  });
}

/** default/kubernetes has no selector: the API server itself keeps its Endpoints pointing at the server node */
function apiServerEndpoints(store: ObjectStore, kinds: Kinds, serverIP: string): void {
  if (store.get(kinds.endpoints, 'default', 'kubernetes')) return;
  store.create(kinds.endpoints, {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {name: 'kubernetes', namespace: 'default', labels: {'endpointslice.kubernetes.io/skip-mirror': 'true'}},
    subsets: [{addresses: [{ip: serverIP}], ports: [{name: 'https', port: 6443, protocol: 'TCP'}]}],
  });
  store.create(kinds.endpointslices, {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {name: 'kubernetes', namespace: 'default', labels: {'kubernetes.io/service-name': 'kubernetes'}},
    addressType: 'IPv4',
    endpoints: [{addresses: [serverIP], conditions: {ready: true}}],
    ports: [{name: 'https', port: 6443, protocol: 'TCP'}],
  });
}
