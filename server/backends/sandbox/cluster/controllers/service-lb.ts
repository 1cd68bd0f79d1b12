import type {DaemonSet} from 'kubernetes-types/apps/v1';
import type {Container, Pod, PodTemplateSpec, Service} from 'kubernetes-types/core/v1';
import type {KubeObject, Typed} from '../../api';
import type {ControllerContext, ControllerDef} from '../controller';
import {stableJson} from '../json';
import {K3S_SYSTEM_IMAGES} from '../k3s-images';
import {nodeNetwork} from '../nodes';
import {isReady} from '../pod-state';
import {writeStatus} from '../status';
import {splitKey} from '../../kit/keys';

const NS = 'kube-system';
const SVC_NAME = 'svccontroller.k3s.cattle.io/svcname';
const SVC_NS = 'svccontroller.k3s.cattle.io/svcnamespace';

/**
 * k3s's ServiceLB (klipper-lb): every LoadBalancer Service gets a `svclb-<name>-<uid8>` DaemonSet in kube-system
 * whose pods hold the service ports as hostPorts on each node, and the Service's external IPs become the
 * InternalIPs of the nodes where those pods are Ready (what `kubectl get svc` shows as EXTERNAL-IP on k3d).
 */
export function serviceLbController(ctx: ControllerContext): ControllerDef {
  const {store, kinds} = ctx;
  const dsName = (svc: KubeObject) => `svclb-${svc.metadata.name}-${String(svc.metadata.uid).slice(0, 8)}`.slice(0, 63);
  return {
    name: 'servicelb',
    primary: kinds.services,
    secondary: [
      {
        type: kinds.pods,
        keys: (p) =>
          p.metadata.namespace === NS && p.metadata.labels?.[SVC_NAME]
            ? [`${p.metadata.labels[SVC_NS]}/${p.metadata.labels[SVC_NAME]}`]
            : [],
      },
    ],
    reconcile(key) {
      const {namespace, name} = splitKey(key);
      const svc = store.get(kinds.services, namespace, name);
      const mine = store.list(kinds.daemonsets, {
        namespace: NS,
        labelSelector: `${SVC_NAME}=${name},${SVC_NS}=${namespace}`,
      }).items;
      const s = svc && (svc as Typed<Service>);
      if (!svc || s!.spec?.type !== 'LoadBalancer' || svc.metadata.deletionTimestamp) {
        for (const ds of mine) store.delete(kinds.daemonsets, NS, ds.metadata.name!);
        return;
      }
      const appLabel = dsName(svc);
      const podLabels = {app: appLabel, [SVC_NAME]: name, [SVC_NS]: String(namespace)};
      const ports = s!.spec?.ports ?? [];
      const containers: Container[] = ports.map((p) => ({
        name: `lb-${String(p.protocol ?? 'TCP').toLowerCase()}-${p.port}`,
        image: K3S_SYSTEM_IMAGES.klipperLb,
        imagePullPolicy: 'IfNotPresent',
        ports: [
          {
            containerPort: p.port,
            hostPort: p.port,
            name: `lb-${String(p.protocol ?? 'TCP').toLowerCase()}-${p.port}`,
            protocol: p.protocol ?? 'TCP',
          },
        ],
        env: [
          {name: 'SRC_PORT', value: String(p.port)},
          {name: 'SRC_RANGES', value: '0.0.0.0/0'},
          {name: 'DEST_PROTO', value: p.protocol ?? 'TCP'},
          {name: 'DEST_PORT', value: String(p.nodePort ?? p.port)},
          {name: 'DEST_IPS', value: (s!.spec?.clusterIPs ?? [s!.spec?.clusterIP]).join(',')},
        ],
        securityContext: {capabilities: {add: ['NET_ADMIN']}},
      }));
      const template: PodTemplateSpec = {
        metadata: {labels: podLabels},
        spec: {
          serviceAccountName: 'svclb',
          automountServiceAccountToken: false,
          priorityClassName: 'system-node-critical',
          tolerations: [
            {key: 'CriticalAddonsOnly', operator: 'Exists'},
            {key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule'},
            {key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule'},
          ],
          containers,
        },
      };
      const existing = mine[0];
      if (!existing) {
        if (!store.get(kinds.serviceaccounts, NS, 'svclb'))
          store.create(kinds.serviceaccounts, {
            apiVersion: 'v1',
            kind: 'ServiceAccount',
            metadata: {name: 'svclb', namespace: NS},
          });
        store.create(kinds.daemonsets, {
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          metadata: {
            name: appLabel,
            namespace: NS,
            labels: {
              [SVC_NAME]: name,
              [SVC_NS]: String(namespace),
              'svccontroller.k3s.cattle.io/nodeselector': 'false',
            },
          },
          spec: {
            selector: {matchLabels: {app: appLabel}},
            template,
            updateStrategy: {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: 1, maxSurge: 0}},
          },
        });
      } else if (
        stableJson((existing as Typed<DaemonSet>).spec?.template?.spec?.containers?.map((c) => c.ports)) !==
        stableJson(containers.map((c) => c.ports))
      ) {
        const spec = (existing as Typed<DaemonSet>).spec!;
        store.update(kinds.daemonsets, {
          ...existing,
          spec: {...spec, template: {...spec.template, spec: {...spec.template.spec, containers}}},
        });
      }
      const ips = store
        .list(kinds.pods, {namespace: NS, labelSelector: `app=${appLabel}`})
        .items.flatMap((p) => {
          const node = (p as Typed<Pod>).spec?.nodeName;
          return isReady(p) && node ? [nodeNetwork(store.get(kinds.nodes, undefined, node) ?? p).ip] : [];
        })
        .filter(Boolean)
        .sort((a, b) => a.localeCompare(b, 'en', {numeric: true}));
      const ingress = [...new Set(ips)].map((ip) => ({ip, ipMode: 'VIP'}));
      writeStatus(store, kinds.services, svc, {...(s!.status ?? {}), loadBalancer: ingress.length ? {ingress} : {}});
    },
  };
}
