import type {KubeObject, ObjectStore} from '../api';
import type {ControllerDef} from '../cluster/controller';
import {keyOf, splitKey} from '../kit/keys';
import type {Gateway, HTTPRoute, ParentReference, RouteParentStatus} from './gateway-api';
import {nameOf, nsOf, readIstioInstall} from './world';
import type {Clock} from '../kit/clock';
import {getOf, listOf, typeOf} from '../api/kinds';

/**
 * istiod's status for HTTPRoutes it programs: one `parents` entry per parentRef it owns — a Service (GAMMA, the
 * mesh controller) or an istio GatewayClass Gateway such as a waypoint — with Accepted and ResolvedRefs (False with
 * BackendNotFound when a backendRef names a missing Service). Wording from pilot/pkg/config/kube/gateway conditions.
 */
const GATEWAY_CONTROLLER = 'istio.io/gateway-controller';
/** istiod writes every parent's status as the gateway controller, Service parents too (conditions.go, 1.29.6) */
const MESH_CONTROLLER = GATEWAY_CONTROLLER;
const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const ISTIO_CLASSES = ['istio', 'istio-waypoint'];

const asRoute = (r: KubeObject) => r as HTTPRoute;

function parentController(store: ObjectStore, route: KubeObject, ref: ParentReference): string | undefined {
  const kind = String(ref.kind ?? 'Gateway');
  const ns = String(ref.namespace ?? nsOf(route));
  if (kind === 'Service' && (ref.group === '' || ref.group === 'core' || ref.group === undefined))
    return getOf(store, 'services', ns, String(ref.name)) ? MESH_CONTROLLER : undefined;
  if (kind === 'Gateway' && (ref.group ?? GATEWAY_GROUP) === GATEWAY_GROUP) {
    const gw = getOf(store, 'gateways', ns, String(ref.name));
    return gw && ISTIO_CLASSES.includes(String((gw as Gateway).spec?.gatewayClassName))
      ? GATEWAY_CONTROLLER
      : undefined;
  }
  return undefined;
}

function missingBackends(store: ObjectStore, route: KubeObject): string[] {
  const out: string[] = [];
  for (const rule of asRoute(route).spec?.rules ?? [])
    for (const b of rule.backendRefs ?? []) {
      if ((b.kind ?? 'Service') !== 'Service') continue;
      const ns = String(b.namespace ?? nsOf(route));
      if (!getOf(store, 'services', ns, String(b.name))) out.push(`${b.name}.${ns}.svc.cluster.local`);
    }
  return out;
}

/** the status.parents istiod would write now, keeping transition times of unchanged conditions */
export function routeParents(store: ObjectStore, route: KubeObject, now: string): RouteParentStatus[] {
  const previous = asRoute(route).status?.parents ?? [];
  const missing = missingBackends(store, route);
  const gen = route.metadata.generation ?? 1;
  const out: RouteParentStatus[] = [];
  for (const ref of asRoute(route).spec?.parentRefs ?? []) {
    const controllerName = parentController(store, route, ref);
    if (!controllerName) continue;
    const prev = previous.find((p) => JSON.stringify(p.parentRef) === JSON.stringify(ref));
    const at = (type: string, status: string) =>
      (prev?.conditions ?? []).find((c) => c.type === type && c.status === status)?.lastTransitionTime ?? now;
    const resolved = missing.length
      ? {
          type: 'ResolvedRefs',
          status: 'False',
          reason: 'BackendNotFound',
          message: `backend(${missing[0]}) not found`,
          observedGeneration: gen,
          lastTransitionTime: at('ResolvedRefs', 'False'),
        }
      : {
          type: 'ResolvedRefs',
          status: 'True',
          reason: 'ResolvedRefs',
          message: 'All references resolved',
          observedGeneration: gen,
          lastTransitionTime: at('ResolvedRefs', 'True'),
        };
    out.push({
      parentRef: ref,
      controllerName,
      conditions: [
        {
          type: 'Accepted',
          status: 'True',
          reason: 'Accepted',
          message: 'Route was valid',
          observedGeneration: gen,
          lastTransitionTime: at('Accepted', 'True'),
        },
        resolved,
      ],
    });
  }
  return out;
}

/** how many routes attach to a Gateway (its listeners' attachedRoutes) */
export function attachedRoutes(store: ObjectStore, gw: KubeObject): number {
  return listOf(store, 'httproutes').filter((r) =>
    (asRoute(r).spec?.parentRefs ?? []).some(
      (p) =>
        (p.kind ?? 'Gateway') === 'Gateway' && p.name === nameOf(gw) && String(p.namespace ?? nsOf(r)) === nsOf(gw),
    ),
  ).length;
}

export function routeStatusController(store: ObjectStore, clock: Clock): ControllerDef {
  const routesIn = (ns: string | undefined) => listOf(store, 'httproutes', {namespace: ns}).map(keyOf);
  return {
    name: 'istiod-httproute-status',
    primary: {group: GATEWAY_GROUP, resource: 'httproutes'},
    secondary: [
      // a backend Service appearing or going changes ResolvedRefs of the routes of its namespace
      {type: {group: '', resource: 'services'}, keys: (o) => routesIn(o.metadata.namespace)},
      {type: {group: GATEWAY_GROUP, resource: 'gateways'}, keys: () => routesIn(undefined)},
      {
        type: {group: 'apps', resource: 'deployments'},
        keys: (o) => (nameOf(o) === 'istiod' ? routesIn(undefined) : []),
      },
    ],
    reconcile(key) {
      if (!readIstioInstall(store).installed) return;
      const {namespace, name} = splitKey(key);
      const route = getOf(store, 'httproutes', namespace, name);
      if (!route || route.metadata.deletionTimestamp) return;
      const parents = routeParents(
        store,
        route,
        clock
          .now()
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z'),
      );
      const status = asRoute(route).status;
      if (JSON.stringify(parents) === JSON.stringify(status?.parents ?? [])) return;
      store.updateStatus(typeOf(store, 'httproutes')!, {...route, status: {...status, parents}});
    },
  };
}
