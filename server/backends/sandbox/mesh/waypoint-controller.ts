import type {KubeObject, ObjectStore, OwnerReference} from '../api';
import {attachedRoutes} from './route-status-controller';
import type {ControllerDef} from '../cluster/controller';
import {keyOf, splitKey} from '../kit/keys';
import type {Deployment} from 'kubernetes-types/apps/v1';
import type {Condition} from 'kubernetes-types/meta/v1';
import type {Typed} from '../api';
import type {Gateway, GatewayClass, GatewayStatus, HTTPRoute} from './gateway-api';
import {clusterIPOf, ISTIO_SYSTEM, nameOf, nsOf, readIstioInstall} from './world';
import type {Clock} from '../kit/clock';
import {getOf, listOf, typeOf} from '../api/kinds';

/**
 * istiod's gateway deployment controller for waypoints: a Gateway of class `istio-waypoint` becomes a ServiceAccount,
 * a Deployment and a Service of the same name (owned by the Gateway, so deleting it collects them), and its status
 * says Accepted and Programmed with the Service's ClusterIP as address (`kubectl get gtw` PROGRAMMED True, ADDRESS).
 * Shapes from manifests/charts/istio-control/istio-discovery/files/waypoint.yaml.
 */
export const WAYPOINT_CLASS = 'istio-waypoint';
const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** the GatewayClasses istiod creates once the Gateway API CRDs exist */
export const ISTIO_GATEWAY_CLASSES: {name: string; controllerName: string; description: string}[] = [
  {name: 'istio', controllerName: 'istio.io/gateway-controller', description: 'The default Istio GatewayClass'},
  {
    name: 'istio-remote',
    controllerName: 'istio.io/unmanaged-gateway',
    description: 'Remote to this cluster. Does not deploy or affect configuration.',
  },
  {
    name: WAYPOINT_CLASS,
    controllerName: 'istio.io/gateway-controller',
    description: 'The default Istio waypoint GatewayClass',
  },
];

function ownerRef(gw: KubeObject): OwnerReference {
  return {apiVersion: gw.apiVersion, kind: gw.kind, name: nameOf(gw), uid: String(gw.metadata.uid)};
}

export function waypointLabels(gw: KubeObject): Record<string, string> {
  return {
    'gateway.istio.io/managed': 'istio.io-mesh-controller',
    'gateway.networking.k8s.io/gateway-class-name': WAYPOINT_CLASS,
    'gateway.networking.k8s.io/gateway-name': nameOf(gw),
    'istio.io/gateway-name': nameOf(gw),
  };
}

/** the children of a waypoint Gateway, as plain objects (a golden test compares them) */
export function waypointChildren(
  gw: KubeObject,
  image: string,
): {serviceAccount: KubeObject; deployment: KubeObject; service: KubeObject} {
  const name = nameOf(gw);
  const namespace = nsOf(gw);
  const labels = waypointLabels(gw);
  const meta = {name, namespace, labels, ownerReferences: [ownerRef(gw)]};
  const selector = {'gateway.networking.k8s.io/gateway-name': name};
  const podLabels = {
    ...labels,
    // a waypoint is never captured itself nor injected: it speaks HBONE on its own
    'istio.io/dataplane-mode': 'none',
    'service.istio.io/canonical-name': name,
    'service.istio.io/canonical-revision': 'latest',
    'sidecar.istio.io/inject': 'false',
  };
  const env = (n: string, fieldPath: string) => ({name: n, valueFrom: {fieldRef: {apiVersion: 'v1', fieldPath}}});
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
            labels: podLabels,
            annotations: {
              'istio.io/rev': 'default',
              'prometheus.io/path': '/stats/prometheus',
              'prometheus.io/port': '15020',
              'prometheus.io/scrape': 'true',
            },
          },
          spec: {
            serviceAccountName: name,
            terminationGracePeriodSeconds: 2,
            containers: [
              {
                name: 'istio-proxy',
                image,
                args: [
                  'proxy',
                  'waypoint',
                  '--domain',
                  '$(POD_NAMESPACE).svc.cluster.local',
                  '--serviceCluster',
                  `${name}.$(POD_NAMESPACE)`,
                  '--proxyLogLevel',
                  'warning',
                  '--proxyComponentLogLevel',
                  'misc:error',
                  '--log_output_level',
                  'default:info',
                ],
                env: [
                  {name: 'ISTIO_META_SERVICE_ACCOUNT', valueFrom: {fieldRef: {fieldPath: 'spec.serviceAccountName'}}},
                  {name: 'ISTIO_META_NODE_NAME', valueFrom: {fieldRef: {fieldPath: 'spec.nodeName'}}},
                  {name: 'PILOT_CERT_PROVIDER', value: 'istiod'},
                  {name: 'CA_ADDR', value: 'istiod.istio-system.svc:15012'},
                  env('POD_NAME', 'metadata.name'),
                  env('POD_NAMESPACE', 'metadata.namespace'),
                  env('INSTANCE_IP', 'status.podIP'),
                  env('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
                  env('HOST_IP', 'status.hostIP'),
                  {name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes'},
                  {name: 'ISTIO_META_MESH_ID', value: 'cluster.local'},
                  {name: 'TRUST_DOMAIN', value: 'cluster.local'},
                ],
                ports: [
                  {containerPort: 15008, name: 'mesh', protocol: 'TCP'},
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
                resources: {limits: {cpu: '2', memory: '1Gi'}, requests: {cpu: '100m', memory: '128Mi'}},
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: {drop: ['ALL']},
                  privileged: false,
                  readOnlyRootFilesystem: true,
                  runAsGroup: 1337,
                  runAsNonRoot: true,
                  runAsUser: 1337,
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
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          {name: 'status-port', port: 15021, protocol: 'TCP', appProtocol: 'tcp', targetPort: 15021},
          {name: 'mesh', port: 15008, protocol: 'TCP', appProtocol: 'all', targetPort: 15008},
        ],
      },
    },
  };
}

const asDeployment = (o: KubeObject) => o as Typed<Deployment>;

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

/** the status istiod writes once the Service has its address */
export function waypointStatus(
  gw: KubeObject,
  clusterIP: string,
  now: string,
  previous?: GatewayStatus,
  routes = 0,
): GatewayStatus {
  const gen = gw.metadata.generation ?? 1;
  const keep = (type: string) =>
    (previous?.conditions ?? []).find((c) => c.type === type && c.status === 'True')?.lastTransitionTime ?? now;
  const host = `${nameOf(gw)}.${nsOf(gw)}.svc.cluster.local`;
  const listeners = ((gw as Gateway).spec?.listeners ?? []).map((l) => ({
    name: l.name,
    attachedRoutes: routes,
    supportedKinds: [],
    conditions: [
      cond('Accepted', 'True', 'Accepted', 'No errors found', gen, keep('Accepted')),
      cond('NoConflicts', 'False', 'NoConflicts', 'No errors found', gen, keep('Accepted')),
      cond('Programmed', 'True', 'Programmed', 'No errors found', gen, keep('Programmed')),
      cond('ResolvedRefs', 'True', 'ResolvedRefs', 'No errors found', gen, keep('Accepted')),
    ],
  }));
  return {
    addresses: [{type: 'IPAddress', value: clusterIP}],
    conditions: [
      cond('Accepted', 'True', 'Accepted', 'Resource accepted', gen, keep('Accepted')),
      cond(
        'Programmed',
        'True',
        'Programmed',
        `Resource programmed, assigned to service(s) ${host}:15008`,
        gen,
        keep('Programmed'),
      ),
    ],
    listeners,
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function waypointController(store: ObjectStore, clock: Clock): ControllerDef {
  return {
    name: 'istio-waypoint-controller',
    primary: {group: GATEWAY_GROUP, resource: 'gateways'},
    secondary: [
      // a child changing (the Service getting its ClusterIP, someone deleting the Deployment) wakes its Gateway
      {type: {group: '', resource: 'services'}, keys: ownedBy},
      {type: {group: '', resource: 'serviceaccounts'}, keys: ownedBy},
      {
        type: {group: 'apps', resource: 'deployments'},
        keys: (o) => [...ownedBy(o), ...(isIstiod(o) ? listOf(store, 'gateways').map(keyOf) : [])],
      },
      // routes attaching or leaving change the listeners' attachedRoutes
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
      if (!istio.installed) return; // nothing answers Gateways without istiod: their status stays "Waiting for controller"
      const {namespace, name} = splitKey(key);
      const gw = getOf(store, 'gateways', namespace, name);
      // gone: the garbage collector removes what it owned
      if (!gw || gw.metadata.deletionTimestamp || (gw as Gateway).spec?.gatewayClassName !== WAYPOINT_CLASS) return;
      const children = waypointChildren(gw, `${istio.hub}/proxyv2:${istio.tag}`);
      const ensure = (kind: 'serviceaccounts' | 'deployments' | 'services', want: KubeObject) => {
        const t = typeOf(store, kind)!;
        const have = store.get(t, namespace, name);
        if (!have) return store.create(t, want);
        // sample-controller's rule: never adopt or overwrite what another owner controls
        if (!(have.metadata.ownerReferences ?? []).some((r) => r.uid === gw.metadata.uid)) return have;
        if (
          kind === 'deployments' &&
          !same(
            asDeployment(have).spec?.template?.spec?.containers?.[0]?.image,
            asDeployment(want).spec?.template.spec?.containers[0]?.image,
          )
        )
          return store.update(t, {
            ...have,
            spec: {...asDeployment(have).spec, template: asDeployment(want).spec?.template},
          });
        return have;
      };
      ensure('serviceaccounts', children.serviceAccount);
      ensure('deployments', children.deployment);
      const svc = ensure('services', children.service);
      const ip = clusterIPOf(svc);
      if (!ip) return;
      const status = waypointStatus(gw, ip, rfc3339(clock), (gw as Gateway).status, attachedRoutes(store, gw));
      if (!same(status, gw.status)) store.updateStatus(typeOf(store, 'gateways')!, {...gw, status});
    },
  };
}

/**
 * istiod's GatewayClass controller: the three Istio GatewayClasses exist and are Accepted once istiod runs and the
 * Gateway API CRDs are served. Keys are the class names.
 */
export function gatewayClassController(store: ObjectStore, clock: Clock): ControllerDef {
  const all = () => ISTIO_GATEWAY_CLASSES.map((c) => c.name);
  return {
    name: 'istio-gatewayclass-controller',
    primary: {group: GATEWAY_GROUP, resource: 'gatewayclasses'},
    secondary: [
      {type: {group: 'apps', resource: 'deployments'}, keys: (o) => (isIstiod(o) ? all() : [])},
      {
        type: {group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions'},
        keys: (o) => (String(o.metadata.name).endsWith(`.${GATEWAY_GROUP}`) ? all() : []),
      },
    ],
    resyncKeys: all,
    reconcile(name) {
      const c = ISTIO_GATEWAY_CLASSES.find((x) => x.name === name);
      const t = typeOf(store, 'gatewayclasses');
      // not ours, or the Gateway API CRDs are not installed yet (the CRD watch brings us back)
      if (!c || !t || !readIstioInstall(store).installed) return;
      let gc = store.get(t, undefined, c.name);
      if (!gc)
        gc = store.create(t, {
          apiVersion: `${GATEWAY_GROUP}/${t.version}`,
          kind: 'GatewayClass',
          metadata: {name: c.name},
          spec: {controllerName: c.controllerName, description: c.description},
        });
      const cls = gc as GatewayClass;
      if (cls.spec?.controllerName !== c.controllerName) return;
      const accepted = (cls.status?.conditions ?? []).some((x) => x.type === 'Accepted' && x.status === 'True');
      if (!accepted)
        store.updateStatus(t, {
          ...gc,
          status: {
            conditions: [
              cond(
                'Accepted',
                'True',
                'Accepted',
                'Handled by Istio controller',
                gc.metadata.generation ?? 1,
                rfc3339(clock),
              ),
            ],
          },
        });
    },
  };
}

const isIstiod = (o: KubeObject) => nsOf(o) === ISTIO_SYSTEM && nameOf(o) === 'istiod';
const rfc3339 = (clock: Clock) =>
  clock
    .now()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');

function ownedBy(o: KubeObject): string[] {
  return (o.metadata.ownerReferences ?? []).filter((r) => r.kind === 'Gateway').map((r) => `${nsOf(o)}/${r.name}`);
}
