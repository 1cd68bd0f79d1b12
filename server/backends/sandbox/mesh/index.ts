/**
 * Istio's data plane inside the sandbox: who is in the mesh and how (dataplane.ts), sidecar injection
 * (injection.ts, injection-webhook.ts), ambient enrolment (enrolment-controller.ts), waypoints
 * (waypoint-controller.ts), AuthorizationPolicy (authorization.ts), HTTPRoute (routing.ts), the request path and its
 * logs and headers (request-path.ts, mesh-network-model.ts, access-log.ts, path-headers.ts), and the node views
 * (node-views.ts, iptables-rules.ts); istiod's istio-ca-root-cert ConfigMap per namespace (root-cert-controller.ts).
 *
 * Wiring (see the README in this folder): per sandbox, `startMesh(store, clock)` when the cluster boots and
 * `dispose()` when it goes; once per API server, `podRuntime.setNetworkModel(meshNetworkFactory())`; in the docker
 * shim, add MESH_NODE_COMMANDS to NODE_COMMANDS and pass `ps` rows through withEnvoyChildren.
 */
import type {KubeObject, ObjectStore} from '../api';
import {runEnrolmentController, ztunnelEnrolmentLine} from './enrolment-controller';
import {installSidecarInjector} from './injection-webhook';
import type {RunningMeshController} from './reconciler';
import {trafficRecorderFor, type MeshTrafficRecorder} from './traffic-record';
import {runRootCertController} from './root-cert-controller';
import {runRouteStatusController} from './route-status-controller';
import {runWaypointController} from './waypoint-controller';
import type {Clock} from '../kit/clock';
import type {Disposable} from '../kit/disposable';

export interface Mesh extends Disposable {
  readonly controllers: RunningMeshController[];
  readonly traffic: MeshTrafficRecorder;
  /** run every queued reconcile now (tests; the controllers otherwise drain on the next clock tick) */
  flush(): void;
}

export interface MeshOptions {
  /** write a line to a container's log (PodRuntime.appendLog bound to the sandbox): ztunnel's enrolment lines */
  appendLog?: (namespace: string, pod: string, container: string, line: string, time?: Date) => void;
}

/** the mesh's controllers and admission hook for one sandbox; idle until Istio is installed in it */
export function startMesh(store: ObjectStore, clock: Clock, opts: MeshOptions = {}): Mesh {
  const injector = installSidecarInjector(store);
  const onEnrolment = (pod: KubeObject, ztunnel: KubeObject | undefined, enrolled: boolean) => {
    if (enrolled && ztunnel && opts.appendLog)
      opts.appendLog(
        String(ztunnel.metadata.namespace),
        String(ztunnel.metadata.name),
        'istio-proxy',
        ztunnelEnrolmentLine(clock.now(), String(pod.metadata.uid)),
      );
  };
  const controllers = [
    runEnrolmentController(store, clock, onEnrolment),
    runWaypointController(store, clock),
    runRootCertController(store, clock),
    runRouteStatusController(store, clock),
  ];
  return {
    controllers,
    traffic: trafficRecorderFor(store),
    flush() {
      for (let i = 0; i < 5; i++) for (const c of controllers) c.flush();
    },
    dispose() {
      injector.dispose();
      for (const c of controllers) c.dispose();
    },
  };
}

export {meshNetworkFactory} from './runtime-adapter';
export {
  createMeshNetworkModel,
  envoyAccessLogEnabled,
  type MeshNetworkDeps,
  type AppAnswer,
  type AppServeRequest,
} from './mesh-network-model';
export {trafficRecorderFor, MeshTrafficRecorder, type RecordedPath, type RecordedHop} from './traffic-record';
export {
  MESH_NODE_COMMANDS,
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
