import type {KubeObject, ObjectStore} from '../api';
import {wantsSidecar} from './dataplane';
import {injectSidecar} from './injection';
import {labelsOf, readIstioInstall, ISTIO_SYSTEM} from './world';
import type {Disposable} from '../kit/disposable';
import {getOf, listOf} from '../api/kinds';
import {selectorObjectMatcher, type LabelSelectorObject} from '../api/label-selector';

interface InjectorWebhook {
  name: string;
  namespaceSelector?: LabelSelectorObject;
  objectSelector?: LabelSelectorObject;
}

/**
 * Whether the API server would call the injector for this pod: one of the `*sidecar-injector.istio.io` webhooks of
 * the MutatingWebhookConfigurations (the revision's, the revision tags') selects its namespace and its labels. A
 * default install leaves the revision's own webhook matching nothing and the tag `default`'s serving
 * (istioctl/pkg/tag/util.go DeactivateIstioInjectionWebhook, 1.29.6), so a pod is sent once. undefined when no
 * such webhook exists (stores that model istiod alone): then the injector's own rule decides.
 */
function webhookSelects(store: ObjectStore, nsLabels: Record<string, string>, pod: KubeObject): boolean | undefined {
  const hooks = listOf(store, 'mutatingwebhookconfigurations')
    .flatMap((c) => ((c as {webhooks?: InjectorWebhook[]}).webhooks ?? []) as InjectorWebhook[])
    .filter((w) => w.name.endsWith('sidecar-injector.istio.io'));
  if (!hooks.length) return undefined;
  const podLabels = pod.metadata.labels ?? {};
  return hooks.some(
    (w) => selectorObjectMatcher(w.namespaceSelector)(nsLabels) && selectorObjectMatcher(w.objectSelector)(podLabels),
  );
}

/** mutate a pod being created if the injector would; exported for tests and for callers without the hook */
export function maybeInject(store: ObjectStore, pod: KubeObject): void {
  const ns = String(pod.metadata.namespace ?? 'default');
  // the webhook's namespaceSelector leaves kube-system and kube-public out; host-network pods are never injected
  if (ns === 'kube-system' || ns === 'kube-public' || (pod.spec as {hostNetwork?: boolean} | undefined)?.hostNetwork)
    return;
  const istio = readIstioInstall(store);
  const nsObj = getOf(store, 'namespaces', undefined, ns);
  if (webhookSelects(store, labelsOf(nsObj), pod) === false) return;
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
 * The sidecar injector as a pod mutation of this store's admission chain, standing in for Istio's mutating webhooks
 * (`istio-sidecar-injector`, `istio-revision-tag-default`; registered for CREATE only). It injects only once Istio is installed in this store.
 */
export function installSidecarInjector(store: ObjectStore): Disposable {
  return store.admission.register('pods', (o, _ctx, old) => {
    if (!old) maybeInject(store, o);
  });
}
