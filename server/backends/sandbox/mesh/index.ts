/**
 * Istio's data plane inside the sandbox, as one plugin object per sandbox: istiod's and istio-cni's controllers
 * (ordinary controllers, cluster/controller.ts), the sidecar injector on the sandbox store's admission chain, the
 * network wrapper that sends in-pod requests along the mesh's path, and the node commands (nsenter, iptables) and
 * processes (envoy) it adds to `docker exec <node>`. The backend (the composition root) starts one per cluster and
 * disposes it with the cluster. Everything else here is pure: who is in the mesh and how (dataplane.ts), injection
 * (injection.ts), policy (authorization.ts), routing (routing.ts), the request path and its logs and headers
 * (request-path.ts, mesh-network-model.ts, access-log.ts, path-headers.ts), and the node views (node-views.ts,
 * iptables-rules.ts).
 */
import type {KubeObject, ObjectStore} from '../api';
import {runController, type RunningController} from '../cluster/controller';
import type {Clock} from '../kit/clock';
import type {WorkLane} from '../kit/work-loop';
import type {Disposable} from '../kit/disposable';
import {defaultNetworkModel} from '../runtime/net/default-network';
import type {NetworkModel} from '../runtime/net/network-model';
import {serveFromPod} from '../runtime/net/pod-app';
import {podView} from '../runtime/pod-view';
import type {NodeCommand} from '../runtime/node/node-commands';
import type {NodeProcess} from '../runtime/node/node-processes';
import type {SandboxRuntime} from '../runtime/sandbox-runtime';
import {enrolmentController, ztunnelEnrolmentLine} from './enrolment-controller';
import {installSidecarInjector} from './injection-webhook';
import {createMeshNetworkModel, type MeshNetworkDeps} from './mesh-network-model';
import {meshNodeCommands, withEnvoyChildren} from './node-views';
import {rootCertController} from './root-cert-controller';
import {routeStatusController} from './route-status-controller';
import {MeshTrafficRecorder} from './traffic-record';
import {gatewayClassController, waypointController} from './waypoint-controller';
import {ingressGatewayController} from './ingress-gateway-controller';

export interface MeshOptions {
  store: ObjectStore;
  clock: Clock;
  /** write a line to a container's log (the sandbox runtime's appendLog): ztunnel's enrolment lines */
  appendLog?: (namespace: string, pod: string, container: string, line: string, time?: Date) => void;
  /** the sandbox's lane of the server's work loop, shared with its cluster's controllers */
  lane?: WorkLane;
}

/** The mesh of one sandbox; idle until Istio is installed in it. */
export interface Mesh extends Disposable {
  readonly controllers: readonly RunningController[];
  /** the last request's path and the redirect counters of this sandbox */
  readonly traffic: MeshTrafficRecorder;
  /** what `docker exec <node>` runs besides the node's own commands */
  readonly nodeCommands: ReadonlyMap<string, NodeCommand>;
  /** a node's process table with the mesh's processes added (Envoy under each pilot-agent) */
  nodeProcesses(processes: NodeProcess[]): NodeProcess[];
  /**
   * The runtime's network with the mesh in front: without Istio, and for what the mesh does not model
   * (localhost, TLS, names it does not resolve), requests take the plain Kubernetes path.
   */
  network(rt: SandboxRuntime, opts?: Pick<MeshNetworkDeps, 'rng' | 'newRequestId' | 'envoyAccessLog'>): NetworkModel;
}

/** the mesh's controllers, admission hook and traffic record for one sandbox's store */
export function startMesh({store, clock, appendLog, lane}: MeshOptions): Mesh {
  const injector = installSidecarInjector(store);
  const traffic = new MeshTrafficRecorder();
  const onEnrolment = (pod: KubeObject, ztunnel: KubeObject | undefined, enrolled: boolean) => {
    if (enrolled && ztunnel && appendLog)
      appendLog(
        String(ztunnel.metadata.namespace),
        String(ztunnel.metadata.name),
        'istio-proxy',
        ztunnelEnrolmentLine(clock.now(), {
          uid: String(pod.metadata.uid),
          name: String(pod.metadata.name),
          namespace: String(pod.metadata.namespace),
        }),
      );
  };
  const controllers = [
    enrolmentController(store, onEnrolment),
    waypointController(store, clock),
    ingressGatewayController(store, clock),
    gatewayClassController(store, clock),
    rootCertController(store),
    routeStatusController(store, clock),
  ].map((def) => runController({store, clock, lane}, def));
  return {
    controllers,
    traffic,
    nodeCommands: meshNodeCommands(traffic),
    nodeProcesses: withEnvoyChildren,
    network: (rt, opts = {}) =>
      createMeshNetworkModel({
        ...opts,
        store: rt.store,
        clock: rt.clock,
        recorder: traffic,
        serveApp: (pod, port, req) => serveFromPod(rt, podView(pod), port, req),
        appendLog: (namespace, pod, container, line, time) => void rt.appendLog(namespace, pod, container, line, time),
        addMetric: (namespace, pod, name, help, labels, value) => {
          rt.metrics.add(namespace, pod, name, help, labels, value);
          // a proxy that carried a request or opened a connection worked for it: its CPU shows in `kubectl top`
          if (name === 'istio_requests' || name === 'istio_tcp_connections_opened')
            rt.load.record(namespace, pod, 'istio-proxy', rt.clock.now().getTime());
        },
        passthrough: defaultNetworkModel(rt),
      }),
    dispose() {
      injector.dispose();
      for (const c of controllers) c.dispose();
    },
  };
}

export {
  createMeshNetworkModel,
  envoyAccessLogEnabled,
  type MeshNetworkDeps,
  type AppAnswer,
  type AppServeRequest,
} from './mesh-network-model';
export {MeshTrafficRecorder, type RecordedPath, type RecordedHop} from './traffic-record';
export {
  meshNodeCommands,
  nsenterCommand,
  withEnvoyChildren,
  runIptables,
  iptablesSave,
  iptablesList,
} from './node-views';
export {
  podDataplane,
  wantsAmbient,
  wantsSidecar,
  waypointFor,
  waypointTrafficType,
  LABEL,
  REDIRECTION_ANNOTATION,
  type DataplaneMode,
} from './dataplane';
export {injectSidecar, workloadName} from './injection';
export {maybeInject, installSidecarInjector} from './injection-webhook';
export {
  evaluatePolicies,
  policiesAt,
  policyPlacement,
  type PolicyDecision,
  type EnforcementPoint,
  type PolicyPlacement,
} from './authorization';
export {routeRequest, routesFor, seededRng, type Rng} from './routing';
export {planRequest, type PlannedRequest, type Hop, type HopKind} from './request-path';
export {ISTIO_GATEWAY_CLASSES, WAYPOINT_CLASS, waypointChildren} from './waypoint-controller';
export {readWorld, readIstioInstall, type MeshWorld} from './world';
export {planIngress, type IngressPlan, type IngressRequest} from './ingress';
export {effectiveMtls, strictMtlsDenial, STATIC_STRICT_POLICY} from './peer-authentication';
export {INGRESS_CLASS, ingressChildren} from './ingress-gateway-controller';
