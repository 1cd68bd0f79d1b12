import type {KubeObject, ObjectStore} from '../api';
import {wantsSidecar} from './dataplane';
import {injectSidecar} from './injection';
import {labelsOf, readIstioInstall, ISTIO_SYSTEM} from './world';
import type {Disposable} from '../kit/disposable';
import {getOf} from '../api/kinds';

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
  const hbone = !!getOf(store, 'daemonsets', ISTIO_SYSTEM, 'ztunnel');
  const injected = injectSidecar(pod, ns, {istio, hbone});
  // the webhook answers with a patch: the stored object becomes the injected one
  pod.metadata = injected.metadata;
  pod.spec = injected.spec;
}

/**
 * The sidecar injector as a pod mutation of this store's admission chain, standing in for Istio's mutating webhook
 * `istio-sidecar-injector` (registered for CREATE only). It injects only once Istio is installed in this store.
 */
export function installSidecarInjector(store: ObjectStore): Disposable {
  return store.admission.register('pods', (o, _ctx, old) => {
    if (!old) maybeInject(store, o);
  });
}
