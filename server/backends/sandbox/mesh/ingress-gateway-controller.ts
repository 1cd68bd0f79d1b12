import type {KubeObject, ObjectStore, OwnerReference} from '../api';
import type {ControllerDef} from '../cluster/controller';
import type {Clock} from '../kit/clock';
import {splitKey} from '../kit/keys';
import {getOf, typeOf} from '../api/kinds';
import {attachedRoutes} from './route-status-controller';
import type {ServicePort} from 'kubernetes-types/core/v1';
import type {Condition} from 'kubernetes-types/meta/v1';
import type {Gateway, GatewayStatus, HTTPRoute} from './gateway-api';
import {asService, nameOf, nsOf, readIstioInstall} from './world';

/**
 * istiod's gateway deployment controller for ingress: a Gateway of class `istio` becomes a ServiceAccount, a
 * Deployment and a Service named `<gateway>-istio` (owned by the Gateway), the Service of type LoadBalancer with the
 * status port 15021 and one port per listener. On k3s, ServiceLB (klipper) then holds those ports on every node and
 * writes the nodes' IPs into the Service's status; istiod copies them into the Gateway's `status.addresses` and says
 * Programmed. Shapes from manifests/charts/istio-control/istio-discovery/files/kube-gateway.yaml and
 * pilot/pkg/config/kube/gateway (deploymentcontroller.go, conditions.go); istio.io's ingress task shows
 * `kubectl get gateway` with the LoadBalancer's address and PROGRAMMED True. The annotation
 * `networking.istio.io/service-type` picks another Service type (deploymentcontroller.go); a Service without a
 * load balancer gives the Gateway its cluster hostname as a `Hostname` address, Programmed at once (istio.io's ambient
 * getting-started annotates `ClusterIP` and shows ADDRESS `bookinfo-gateway-istio.default.svc.cluster.local`).
 */
export const INGRESS_CLASS = 'istio';
const GATEWAY_GROUP = 'gateway.networking.k8s.io';
export const CLASS_LABEL = 'gateway.networking.k8s.io/gateway-class-name';

export const ingressName = (gw: KubeObject): string => `${nameOf(gw)}-istio`;

const SERVICE_TYPE_ANNOTATION = 'networking.istio.io/service-type';

/** the Service type istiod gives the gateway: LoadBalancer unless the Gateway's annotation says otherwise */
export const ingressServiceType = (gw: KubeObject): string =>
  gw.metadata.annotations?.[SERVICE_TYPE_ANNOTATION] ?? 'LoadBalancer';

function ownerRef(gw: KubeObject): OwnerReference {
  return {apiVersion: gw.apiVersion, kind: gw.kind, name: nameOf(gw), uid: String(gw.metadata.uid)};
}

/** the Service ports: status-port, then a port per listener named after it */
function servicePorts(gw: KubeObject): ServicePort[] {
  const seen = new Set<number>();
  const listeners = ((gw as Gateway).spec?.listeners ?? []).filter((l) => {
    const p = Number(l.port);
    if (seen.has(p)) return false;
    seen.add(p);
    return true;
  });
  return [
    {name: 'status-port', port: 15021, protocol: 'TCP', appProtocol: 'tcp', targetPort: 15021},
    ...listeners.map((l) => ({
      name: String(l.name ?? `${String(l.protocol ?? 'http').toLowerCase()}-${l.port}`),
      port: Number(l.port),
      protocol: 'TCP',
      appProtocol: String(l.protocol ?? 'HTTP').toLowerCase(),
      targetPort: Number(l.port),
    })),
  ];
}

/** the children of an ingress Gateway, as plain objects */
export function ingressChildren(
  gw: KubeObject,
  image: string,
): {serviceAccount: KubeObject; deployment: KubeObject; service: KubeObject} {
  const name = ingressName(gw);
  const namespace = nsOf(gw);
  const labels = {
    'gateway.istio.io/managed': 'istio.io-gateway-controller',
    [CLASS_LABEL]: INGRESS_CLASS,
    'gateway.networking.k8s.io/gateway-name': nameOf(gw),
    'istio.io/gateway-name': nameOf(gw),
  };
  const meta = {name, namespace, labels, ownerReferences: [ownerRef(gw)]};
  const selector = {'gateway.networking.k8s.io/gateway-name': nameOf(gw)};
  const containerPorts = servicePorts(gw)
    .filter((p) => p.port !== 15021)
    .map((p) => ({containerPort: p.port, protocol: 'TCP'}));
  return {
    serviceAccount: {apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta},
    deployment: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta,
      spec: {
        replicas: 1,
        selector: {matchLabels: selector},
        template: {
          metadata: {
            labels: {
              ...labels,
              // the gateway is its own proxy: never injected, never captured by ztunnel
              'istio.io/dataplane-mode': 'none',
              'service.istio.io/canonical-name': name,
              'service.istio.io/canonical-revision': 'latest',
              'sidecar.istio.io/inject': 'false',
            },
            annotations: {
              'istio.io/rev': 'default',
              'prometheus.io/path': '/stats/prometheus',
              'prometheus.io/port': '15020',
              'prometheus.io/scrape': 'true',
            },
          },
          spec: {
            serviceAccountName: name,
            containers: [
              {
                name: 'istio-proxy',
                image,
                args: ['proxy', 'router', '--domain', '$(POD_NAMESPACE).svc.cluster.local'],
                ports: [
                  ...containerPorts,
                  {containerPort: 15020, name: 'metrics', protocol: 'TCP'},
                  {containerPort: 15021, name: 'status-port', protocol: 'TCP'},
                  {containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP'},
                ],
                readinessProbe: {
                  failureThreshold: 4,
                  httpGet: {path: '/healthz/ready', port: 15021, scheme: 'HTTP'},
                  periodSeconds: 15,
                  successThreshold: 1,
                  timeoutSeconds: 1,
                },
              },
            ],
          },
        },
      },
    },
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta,
      spec: {type: ingressServiceType(gw), selector, ports: servicePorts(gw)},
    },
  };
}

const cond = (
  type: string,
  status: string,
  reason: string,
  message: string,
  generation: number,
  at: string,
): Condition => ({
  type,
  status,
  reason,
  message,
  observedGeneration: generation,
  lastTransitionTime: at,
});

/** Accepted, and Programmed once the LoadBalancer has an address (AddressNotAssigned before) */
export function ingressStatus(
  gw: KubeObject,
  addresses: string[],
  now: string,
  previous?: GatewayStatus,
  routes = 0,
  addressType: 'IPAddress' | 'Hostname' = 'IPAddress',
): GatewayStatus {
  const gen = gw.metadata.generation ?? 1;
  const keep = (type: string, status: string) =>
    (previous?.conditions ?? []).find((c) => c.type === type && c.status === status)?.lastTransitionTime ?? now;
  const host = `${ingressName(gw)}.${nsOf(gw)}.svc.cluster.local`;
  const programmed = addresses.length
    ? cond(
        'Programmed',
        'True',
        'Programmed',
        `Resource programmed, assigned to service(s) ${host}:${(gw as Gateway).spec?.listeners?.[0]?.port ?? 80}`,
        gen,
        keep('Programmed', 'True'),
      )
    : cond(
        'Programmed',
        'False',
        'AddressNotAssigned',
        `Assigned to service(s) ${host}, but failed to assign to all requested addresses: address pending for hostname "${host}"`,
        gen,
        keep('Programmed', 'False'),
      );
  return {
    addresses: addresses.map((value) => ({type: addressType, value})),
    conditions: [cond('Accepted', 'True', 'Accepted', 'Resource accepted', gen, keep('Accepted', 'True')), programmed],
    listeners: ((gw as Gateway).spec?.listeners ?? []).map((l) => ({
      name: l.name,
      attachedRoutes: routes,
      supportedKinds: [
        {group: GATEWAY_GROUP, kind: 'HTTPRoute'},
        {group: GATEWAY_GROUP, kind: 'GRPCRoute'},
      ],
      conditions: [
        cond('Accepted', 'True', 'Accepted', 'No errors found', gen, keep('Accepted', 'True')),
        cond('NoConflicts', 'False', 'NoConflicts', 'No errors found', gen, keep('Accepted', 'True')),
        cond('Programmed', 'True', 'Programmed', 'No errors found', gen, keep('Accepted', 'True')),
        cond('ResolvedRefs', 'True', 'ResolvedRefs', 'No errors found', gen, keep('Accepted', 'True')),
      ],
    })),
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const ownedBy = (o: KubeObject): string[] =>
  (o.metadata.ownerReferences ?? []).filter((r) => r.kind === 'Gateway').map((r) => `${nsOf(o)}/${r.name}`);

export function ingressGatewayController(store: ObjectStore, clock: Clock): ControllerDef {
  return {
    name: 'istio-ingress-gateway-controller',
    primary: {group: GATEWAY_GROUP, resource: 'gateways'},
    secondary: [
      // the Service getting its LoadBalancer addresses wakes its Gateway
      {type: {group: '', resource: 'services'}, keys: ownedBy},
      {type: {group: 'apps', resource: 'deployments'}, keys: ownedBy},
      {
        type: {group: GATEWAY_GROUP, resource: 'httproutes'},
        keys: (o) =>
          ((o as HTTPRoute).spec?.parentRefs ?? [])
            .filter((p) => (p.kind ?? 'Gateway') === 'Gateway')
            .map((p) => `${String(p.namespace ?? nsOf(o))}/${p.name}`),
      },
    ],
    reconcile(key) {
      const istio = readIstioInstall(store);
      if (!istio.installed) return;
      const {namespace, name} = splitKey(key);
      const gw = getOf(store, 'gateways', namespace, name);
      if (!gw || gw.metadata.deletionTimestamp || (gw as Gateway).spec?.gatewayClassName !== INGRESS_CLASS) return;
      const children = ingressChildren(gw, `${istio.hub}/proxyv2:${istio.tag}`);
      const ensure = (kind: 'serviceaccounts' | 'deployments' | 'services', want: KubeObject) => {
        const t = typeOf(store, kind)!;
        const have = store.get(t, namespace, ingressName(gw));
        if (!have) return store.create(t, want);
        if (!(have.metadata.ownerReferences ?? []).some((r) => r.uid === gw.metadata.uid)) return have;
        // listeners changed: the Service follows them
        const portsOf = (o: KubeObject) => (asService(o).spec?.ports ?? []).map((p) => `${p.name}:${p.port}`);
        if (
          kind === 'services' &&
          (!same(portsOf(have), portsOf(want)) || asService(have).spec?.type !== asService(want).spec?.type)
        )
          return store.update(t, {
            ...have,
            spec: {
              ...asService(have).spec,
              type: asService(want).spec?.type,
              ports: (asService(want).spec?.ports ?? []).map((p) => ({...p})),
            },
          });
        return have;
      };
      ensure('serviceaccounts', children.serviceAccount);
      ensure('deployments', children.deployment);
      const svc = ensure('services', children.service);
      const loadBalanced = asService(svc).spec?.type === 'LoadBalancer';
      const addresses = loadBalanced
        ? (asService(svc).status?.loadBalancer?.ingress ?? [])
            .map((i) => String(i.ip ?? i.hostname ?? ''))
            .filter(Boolean)
        : [`${ingressName(gw)}.${namespace}.svc.cluster.local`];
      const now = clock
        .now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z');
      const status = ingressStatus(
        gw,
        addresses,
        now,
        (gw as Gateway).status,
        attachedRoutes(store, gw),
        loadBalanced ? 'IPAddress' : 'Hostname',
      );
      if (!same(status, gw.status)) store.updateStatus(typeOf(store, 'gateways')!, {...gw, status});
    },
  };
}
