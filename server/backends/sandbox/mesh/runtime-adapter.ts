import type {NetworkModel} from '../runtime/net/network-model';
import {defaultNetworkModel} from '../runtime/net/default-network';
import type {SandboxRuntime} from '../runtime/sandbox-runtime';
import {createMeshNetworkModel, type MeshNetworkDeps} from './mesh-network-model';

/**
 * The mesh network model for one sandbox's runtime: apps answer through the runtime's serveApp (which writes the
 * app's own log line), access lines go to the runtime's pod logs, and what the mesh does not model (localhost, TLS)
 * goes to the default model. Pass it to `installPodRuntime({ network: meshNetworkFactory() })` or
 * `podRuntime.setNetworkModel(meshNetworkFactory())`.
 */
export function meshNetworkFactory(
  opts: Pick<MeshNetworkDeps, 'rng' | 'newRequestId' | 'envoyAccessLog'> = {},
): (rt: SandboxRuntime) => NetworkModel {
  return (rt) =>
    createMeshNetworkModel({
      ...opts,
      store: rt.store,
      clock: rt.clock,
      serveApp: (pod, port, req) => rt.serveApp(pod, port, req),
      appendLog: (namespace, pod, container, line, time) => void rt.appendLog(namespace, pod, container, line, time),
      passthrough: defaultNetworkModel(rt),
    });
}
