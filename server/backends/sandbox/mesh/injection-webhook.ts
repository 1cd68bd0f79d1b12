import type {KubeObject, ObjectStore} from '../api';
import {registerMutation, type AdmissionContext} from '../api/admission';
import {wantsSidecar} from './dataplane';
import {injectSidecar} from './injection';
import {getOf, labelsOf, readIstioInstall, ISTIO_SYSTEM} from './world';

import type {Disposable} from '../kit/disposable';
/**
 * The sidecar injector wired into the sandbox API as a pod mutation (standing in for Istio's mutating webhook
 * `istio-sidecar-injector`). One global hook serves every sandbox that installed it; it needs the store being
 * written (`ctx.store`) to read the namespace. Until the store passes itself in the admission context, a lone
 * mesh-enabled store is assumed (see the integration note in index.ts).
 */
const stores = new Set<ObjectStore>();
let hook: Disposable | undefined;

function storeFor(ctx: AdmissionContext): ObjectStore | undefined {
  if (ctx.store) return stores.has(ctx.store) ? ctx.store : undefined;
  return stores.size === 1 ? [...stores][0] : undefined;
}

/** mutate a pod being created if the injector would; exported for tests and for callers without the hook */
export function maybeInject(store: ObjectStore, pod: KubeObject): void {
  const ns = String(pod.metadata.namespace ?? 'default');
  // the webhook's namespaceSelector leaves kube-system and kube-public out; host-network pods are never injected
  if (ns === 'kube-system' || ns === 'kube-public' || (pod.spec as {hostNetwork?: boolean} | undefined)?.hostNetwork)
    return;
  const istio = readIstioInstall(store);
  const nsObj = getOf(store, 'namespaces', undefined, ns);
  if (
    !wantsSidecar({
      namespaceLabels: labelsOf(nsObj),
      podLabels: pod.metadata.labels ?? {},
      podAnnotations: pod.metadata.annotations ?? {},
      istioInstalled: istio.installed,
    })
  )
    return;
  const hbone = !!getOf(store, 'daemonSets', ISTIO_SYSTEM, 'ztunnel');
  const injected = injectSidecar(pod, ns, {istio, hbone});
  // the webhook answers with a patch: the stored object becomes the injected one
  pod.metadata = injected.metadata;
  pod.spec = injected.spec;
}

export function installSidecarInjector(store: ObjectStore): Disposable {
  stores.add(store);
  hook ??= registerMutation('pods', (o, ctx, old) => {
    if (old) return; // the webhook is registered for CREATE only
    const s = storeFor(ctx);
    if (s) maybeInject(s, o);
  });
  return {
    dispose() {
      stores.delete(store);
      if (stores.size === 0) {
        hook?.dispose();
        hook = undefined;
      }
    },
  };
}
