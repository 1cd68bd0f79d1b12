/**
 * What an earlier `istioctl install` left in the cluster, found as the real pruner finds it: by the installer's
 * component label, kind by kind in operator/pkg/uninstall's order (namespaced kinds, then cluster kinds, CRDs last
 * and only when purging). Also the installed state (the `values` ConfigMap) for version/verify/precheck.
 */
import type {ObjectStore} from '../../api/store';
import type {KubeObject} from '../../api/types';
import {ALL_ISTIO_CRD_NAMES} from './install/crds';
import {COMPONENT_LABEL} from './install/object-labels';
import {getOf, listOf, type KindName} from '../../api/kinds';

/** operator/pkg/uninstall/prune.go NamespacedResources (1.29.6), in its order */
const NAMESPACED: KindName[] = [
  'deployments',
  'daemonsets',
  'services',
  'configmaps',
  'pods',
  'secrets',
  'serviceaccounts',
  'rolebindings',
  'roles',
  'poddisruptionbudgets',
  'horizontalpodautoscalers',
];
const CLUSTER: KindName[] = [
  'mutatingwebhookconfigurations',
  'validatingwebhookconfigurations',
  'clusterroles',
  'clusterrolebindings',
];

const byName = (a: KubeObject, b: KubeObject) => String(a.metadata.name).localeCompare(String(b.metadata.name));

/** objects the installer labelled, optionally of some components only; CRDs included when `purge` */
export function installedObjects(store: ObjectStore, opts: {purge: boolean; components?: string[]}): KubeObject[] {
  const sel = opts.components ? `${COMPONENT_LABEL} in (${opts.components.join(',')})` : COMPONENT_LABEL;
  const out: KubeObject[] = [];
  for (const k of [...NAMESPACED, ...CLUSTER]) out.push(...listOf(store, k, {labelSelector: sel}).sort(byName));
  if (opts.purge)
    out.push(
      ...listOf(store, 'customresourcedefinitions')
        .filter((c) => ALL_ISTIO_CRD_NAMES.includes(String(c.metadata.name)))
        .sort(byName),
    );
  return out;
}

export interface InstalledState {
  profile: string;
  components: string[];
  tag: string;
  revision: string;
}

/** the install recorded in istio-system's `values` ConfigMap, or undefined when Istio was never installed */
export function installedState(store: ObjectStore, istioNamespace: string): InstalledState | undefined {
  const cm = getOf(store, 'configmaps', istioNamespace, 'values');
  const merged = (cm?.data as Record<string, string> | undefined)?.['merged-values'];
  if (!merged) return undefined;
  try {
    const v = JSON.parse(merged) as {
      profile?: string;
      components?: string[];
      global?: {tag?: string};
      revision?: string;
    };
    return {
      profile: v.profile ?? 'default',
      components: v.components ?? [],
      tag: v.global?.tag ?? '',
      revision: v.revision ?? '',
    };
  } catch {
    return undefined;
  }
}

/**
 * "apps/v1, Kind=Deployment/istiod.istio-system" as apimachinery prints a GVK (GroupVersionKind.String(): group, "/",
 * version; the core group's empty name leaves "/v1") and the pruner names objects
 */
export function prunedName(o: KubeObject): string {
  const gv = o.apiVersion.includes('/') ? o.apiVersion : `/${o.apiVersion}`;
  return `${gv}, Kind=${o.kind}/${o.metadata.name}.${o.metadata.namespace ?? ''}`;
}
