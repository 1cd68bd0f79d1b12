/** Component → the objects the install applies for it, stamped with the installer's labels. */
import type {KubeObject} from '../../../api/types';
import {baseObjects} from './base-objects';
import {egressObjects, ingressObjects} from './gateway-objects';
import type {ComponentName, InstallConfig} from './install-config';
import {cniObjects, ztunnelObjects} from './node-agent-objects';
import {installerLabels, stamp} from './object-labels';
import {pilotObjects} from './pilot-objects';

export function componentObjects(cfg: InstallConfig, component: ComponentName, istioMinor: number): KubeObject[] {
  const objects: Record<ComponentName, () => KubeObject[]> = {
    Base: () => baseObjects(cfg, istioMinor),
    Pilot: () => pilotObjects(cfg),
    Cni: () => cniObjects(cfg),
    Ztunnel: () => ztunnelObjects(cfg),
    IngressGateways: () => ingressObjects(cfg),
    EgressGateways: () => egressObjects(cfg),
  };
  const labels = installerLabels(cfg, component);
  return objects[component]().map((o) => stamp(o, labels));
}
