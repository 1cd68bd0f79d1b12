/**
 * The labels the installer stamps on everything it applies (operator/pkg/manifest: owning resource and component).
 * uninstall finds its objects by `operator.istio.io/component`, as the real pruner does.
 */
import type {KubeObject} from '../../../api/types';
import type {ComponentName, InstallConfig} from './install-config';

export const COMPONENT_LABEL = 'operator.istio.io/component';
export const OWNING_RESOURCE_LABEL = 'install.operator.istio.io/owning-resource';

export function installerLabels(cfg: InstallConfig, component: ComponentName): Record<string, string> {
  return {
    [OWNING_RESOURCE_LABEL]: 'unknown',
    'install.operator.istio.io/owning-resource-namespace': cfg.namespace,
    'istio.io/rev': cfg.revision || 'default',
    [COMPONENT_LABEL]: component,
    'operator.istio.io/managed': 'Reconcile',
    'operator.istio.io/version': cfg.tag,
  };
}

/** the object with the installer's labels merged over the chart's */
export function stamp(o: KubeObject, labels: Record<string, string>): KubeObject {
  return {...o, metadata: {...o.metadata, labels: {...(o.metadata.labels ?? {}), ...labels}}};
}

export const meta = (
  name: string,
  namespace: string | undefined,
  labels: Record<string, string> = {},
  annotations?: Record<string, string>,
) => ({
  name,
  ...(namespace ? {namespace} : {}),
  labels,
  ...(annotations ? {annotations} : {}),
});

/** tolerations the node agents carry (istio-cni and ztunnel charts): every taint */
export const TOLERATE_ALL = [
  {effect: 'NoSchedule', operator: 'Exists'},
  {key: 'CriticalAddonsOnly', operator: 'Exists'},
  {effect: 'NoExecute', operator: 'Exists'},
];
