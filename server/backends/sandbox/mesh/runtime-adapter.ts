import type { NetworkModel } from '../runtime/net/network-model';
import { defaultNetworkModel } from '../runtime/net/default-network';
import { serveFromPod } from '../runtime/net/pod-app';
import { podView } from '../runtime/pod-view';
import type { SandboxRuntime } from '../runtime/sandbox-runtime';
import { createMeshNetworkModel, type MeshNetworkDeps } from './mesh-network-model';

/**
 * The mesh network model for one sandbox's runtime: apps answer through the runtime's serveFromPod (which writes the
 * app's own log line), access lines go to the runtime's pod logs, and what the mesh does not model (localhost, TLS)
 * goes to the default model. Pass it to `installPodRuntime({ network: meshNetworkFactory() })` or
 * `podRuntime.setNetworkModel(meshNetworkFactory())`.
 */
export function meshNetworkFactory(opts: Pick<MeshNetworkDeps, 'rng' | 'newRequestId' | 'envoyAccessLog'> = {}): (rt: SandboxRuntime) => NetworkModel {
  return (rt) =>
    createMeshNetworkModel({
      ...opts,
      store: rt.store,
      clock: rt.clock,
      serveApp: (pod, port, req) => serveFromPod(rt, podView(pod), port, req),
      appendLog: (namespace, pod, container, line, time) => {
        const p = rt.pod(namespace, pod);
        if (p) rt.logs.append(p, container, line, time);
      },
      passthrough: defaultNetworkModel(rt),
    });
}
