import type {KubeObject} from '../api';
import {
  evaluatePolicies,
  policiesAt,
  type AuthzRequest,
  type EnforcementPoint,
  type PolicyDecision,
} from './authorization';
import {isIngressGateway, podDataplane, waypointFor, type DataplaneMode} from './dataplane';
import {strictMtlsDenial} from './peer-authentication';
import {routeRequest, type HeaderList, type HeaderModifier, type Rng} from './routing';
import {
  asPod,
  asService,
  clusterIPOf,
  endpointsOf,
  isRunning,
  ISTIO_SYSTEM,
  labelsOf,
  nameOf,
  namespaceLabels,
  nodeOf,
  nsOf,
  podIP,
  spiffeOf,
  type MeshWorld,
} from './world';

/**
 * The path a request from a pod takes through the mesh, computed from a MeshWorld (pure): which proxies it crosses
 * (client sidecar → client ztunnel → waypoint → server ztunnel → server sidecar → app, or any subset), where policy
 * is enforced and with what outcome, and which backend pod answers. Follows Istio's data paths:
 * - a sidecar client originates HBONE itself, straight to the destination's ztunnel: no client ztunnel, and no
 *   waypoint (it applies the Service's HTTPRoutes itself);
 * - an ambient client's traffic leaves through the ztunnel on its node;
 * - a waypoint is used by ambient clients (and by an ingress gateway that opts in) for a destination labelled
 *   `istio.io/use-waypoint`;
 * - the destination's ztunnel enforces L4 policy, seeing the waypoint's identity when the waypoint is in the path
 *   (https://istio.io/latest/docs/ambient/usage/l4-policy/); the waypoint and sidecars enforce L7 policy.
 */
export type HopKind =
  'sidecar-outbound' | 'ztunnel-outbound' | 'waypoint' | 'ztunnel-inbound' | 'sidecar-inbound' | 'app';

export interface Hop {
  kind: HopKind;
  /** the pod doing the work: the ztunnel of the node, the waypoint, or the workload itself */
  pod: KubeObject;
  container: string;
  node?: string;
  /** the policy checked here, if any applies */
  decision?: PolicyDecision;
}

export interface Destination {
  host: string;
  port: number;
  ip: string;
  service?: KubeObject;
  /** the pod addressed directly by IP */
  pod?: KubeObject;
}

export type Outcome =
  | {
      kind: 'deliver';
      pod: KubeObject;
      /** the pod port the app listens on */
      port: number;
      /** the Service actually routed to (an HTTPRoute may pick another) */
      service?: KubeObject;
      servicePort?: number;
      route?: {namespace: string; name: string; rule: number};
      requestHeaders: HeaderModifier[];
      responseHeaders: HeaderModifier[];
    }
  | {kind: 'reset'; at: Hop; error: string; pod?: KubeObject; port?: number}
  | {kind: 'forbidden'; at: Hop; decision: PolicyDecision}
  | {kind: 'no-route'; at: Hop}
  | {kind: 'no-healthy-upstream'; at?: Hop}
  | {kind: 'refused'}
  | {kind: 'timeout'}
  | {kind: 'dns'};

export interface PlannedRequest {
  source: KubeObject;
  sourceMode: DataplaneMode;
  destination?: Destination;
  destinationMode?: DataplaneMode;
  waypoint?: {gateway?: KubeObject; pod: KubeObject};
  hops: Hop[];
  outcome: Outcome;
}

export interface PlanInput {
  fromPod: KubeObject;
  method: string;
  url: string;
  headers: HeaderList;
}

const CLUSTER_DOMAIN = 'cluster.local';

/** CoreDNS's answer for a name from a pod in `namespace` (ndots:5 search list, as the runtime's resolver) */
export function resolveDestination(
  world: Pick<MeshWorld, 'services' | 'pods'>,
  namespace: string,
  host: string,
  port: number,
): Destination | undefined {
  const h = host.replace(/\.$/, '').toLowerCase();
  if (/^\d+\.\d+\.\d+\.\d+$/.test(h)) {
    const service = world.services.find((s) => clusterIPOf(s) === h);
    const pod = service ? undefined : world.pods.find((p) => podIP(p) === h && !p.metadata.deletionTimestamp);
    return {host, port, ip: h, service, pod};
  }
  const parts = h.split('.');
  const candidates: [string, string][] = [];
  if (parts.length === 1) candidates.push([parts[0]!, namespace]);
  if (
    parts.length === 2 ||
    (parts.length === 3 && parts[2] === 'svc') ||
    (parts.length === 5 && parts.slice(2).join('.') === `svc.${CLUSTER_DOMAIN}`)
  )
    candidates.push([parts[0]!, parts[1]!]);
  for (const [name, ns] of candidates) {
    const service = world.services.find((s) => nameOf(s) === name && nsOf(s) === ns);
    const ip = service && clusterIPOf(service);
    if (service && ip && ip !== 'None') return {host, port, ip, service};
  }
  return undefined;
}

export function targetPortOf(svc: KubeObject, port: number, pod: KubeObject): number | undefined {
  const sp = (asService(svc).spec?.ports ?? []).find((p) => p.port === port);
  if (!sp) return undefined;
  const t = sp.targetPort ?? sp.port;
  if (typeof t === 'number') return t;
  if (/^\d+$/.test(String(t))) return Number(t);
  for (const c of asPod(pod).spec?.containers ?? [])
    for (const p of c.ports ?? []) if (p.name === t) return Number(p.containerPort);
  return undefined;
}

/** the ztunnel pod on a node (DaemonSet pod, label app=ztunnel) */
export function ztunnelOn(world: Pick<MeshWorld, 'pods'>, node: string | undefined): KubeObject | undefined {
  return world.pods.find(
    (p) => nsOf(p) === ISTIO_SYSTEM && labelsOf(p).app === 'ztunnel' && nodeOf(p) === node && isRunning(p),
  );
}

function waypointPod(
  world: Pick<MeshWorld, 'pods'>,
  name: string,
  namespace: string,
  rng: Rng,
): KubeObject | undefined {
  const pods = world.pods.filter(
    (p) =>
      nsOf(p) === namespace &&
      labelsOf(p)['gateway.networking.k8s.io/gateway-name'] === name &&
      isRunning(p) &&
      podIP(p),
  );
  return pods.length ? pods[Math.floor(rng() * pods.length)] : undefined;
}

export function planRequest(world: MeshWorld, input: PlanInput, rng: Rng): PlannedRequest {
  const source = input.fromPod;
  const sourceMode = podDataplane(source);
  const hops: Hop[] = [];
  const plan = (outcome: Outcome, extra: Partial<PlannedRequest> = {}): PlannedRequest => ({
    source,
    sourceMode,
    hops,
    outcome,
    ...extra,
  });
  const url = new URL(input.url);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const destination = resolveDestination(world, nsOf(source), url.hostname.replace(/^\[|\]$/g, ''), port);
  if (!destination) return plan({kind: 'dns'});
  if (!destination.service && !destination.pod) return plan({kind: 'timeout'}, {destination});
  if (destination.service && !(asService(destination.service).spec?.ports ?? []).some((p) => p.port === port))
    return plan({kind: 'timeout'}, {destination});

  const inMesh = sourceMode !== 'none';
  const clientIdentity = inMesh ? spiffeOf(source) : undefined;
  const path = url.pathname + url.search;
  const host = input.headers.find(([k]) => k.toLowerCase() === 'host')?.[1] ?? url.host;
  const http = {method: input.method, path, host, headers: input.headers};

  if (sourceMode === 'sidecar')
    hops.push({kind: 'sidecar-outbound', pod: source, container: 'istio-proxy', node: nodeOf(source)});
  if (sourceMode === 'ambient') {
    const zt = ztunnelOn(world, nodeOf(source));
    if (zt) hops.push({kind: 'ztunnel-outbound', pod: zt, container: 'istio-proxy', node: nodeOf(zt)});
  }

  // Who sends to a waypoint (Istio 1.23–1.29, pilot/pkg/xds/endpoints/endpoint_builder.go):
  // - an ambient client: its ztunnel sends Service traffic to the Service's waypoint (and pod-IP traffic to a
  //   workload waypoint);
  // - an ingress gateway: only when the Service or its namespace says istio.io/ingress-use-waypoint=true
  //   (findServiceWaypoint: routers opt in);
  // - a sidecar: never. findServiceWaypoint returns early unless the proxy is a router or an east-west gateway, and
  //   buildEnvoyLbEndpoint says why: the sidecar already applied the Service's routes, a waypoint would apply them a
  //   second time; it tunnels over HBONE straight to the Pod it picked (istio.io "traffic from sidecars and gateways
  //   won't go through any waypoint proxy", istio/istio#51445). Nor does it use workload waypoints.
  // - a plaintext client goes straight to the pod.
  const viaWaypoint = isIngressGateway(source)
    ? [labelsOf(destination.service), namespaceLabels(world, nsOf(destination.service ?? destination.pod!))].some(
        (l) => l['istio.io/ingress-use-waypoint'] === 'true',
      )
    : sourceMode === 'ambient';
  const choice = viaWaypoint ? waypointFor(world, {service: destination.service, pod: destination.pod}) : undefined;
  let waypoint: PlannedRequest['waypoint'];
  if (choice) {
    const wp = waypointPod(world, choice.name, choice.namespace, rng);
    if (!wp) {
      // the waypoint has no ready pod: a client sidecar answers 503, a client ztunnel drops the connection
      const last = hops[hops.length - 1];
      if (!last) return plan({kind: 'refused'}, {destination});
      return plan(
        last.kind === 'sidecar-outbound'
          ? {kind: 'no-healthy-upstream', at: last}
          : {kind: 'reset', at: last, error: `no healthy upstream for waypoint ${choice.namespace}/${choice.name}`},
        {destination},
      );
    }
    waypoint = {gateway: choice.gateway, pod: wp};
    const hop: Hop = {kind: 'waypoint', pod: wp, container: 'istio-proxy', node: nodeOf(wp)};
    hops.push(hop);
    const policies = policiesAt(world, 'waypoint', {gateway: choice.gateway, service: destination.service});
    if (policies.length) {
      hop.decision = evaluatePolicies(policies, 'waypoint', {
        principal: clientIdentity,
        sourceNamespace: inMesh ? nsOf(source) : undefined,
        sourceIp: podIP(source) ?? '',
        destinationIp: destination.ip,
        port,
        http,
      });
      if (!hop.decision.allowed)
        return plan({kind: 'forbidden', at: hop, decision: hop.decision}, {destination, waypoint});
    }
  }

  // routing: the waypoint, else the client sidecar (GAMMA routes apply to sidecars too), else kube-proxy's pick
  let service = destination.service;
  let servicePort = port;
  let mods: {
    route?: {namespace: string; name: string; rule: number};
    requestHeaders: HeaderModifier[];
    responseHeaders: HeaderModifier[];
  } = {requestHeaders: [], responseHeaders: []};
  if (service && (waypoint || sourceMode === 'sidecar')) {
    const d = routeRequest(
      world,
      {service, port, waypoint: waypoint?.gateway},
      {method: input.method, target: path, headers: input.headers},
      rng,
    );
    const at = hops[hops.length - 1]!;
    if (d.kind === 'no-route') return plan({kind: 'no-route', at}, {destination, waypoint});
    if (d.kind === 'no-backend') return plan({kind: 'no-healthy-upstream', at}, {destination, waypoint});
    service = d.service;
    servicePort = d.port;
    mods = {route: d.route, requestHeaders: d.requestHeaders, responseHeaders: d.responseHeaders};
  }

  let backend = destination.pod;
  if (service) {
    const eps = endpointsOf(world, service);
    if (!eps.length)
      return plan(
        waypoint || sourceMode === 'sidecar'
          ? {kind: 'no-healthy-upstream', at: hops[hops.length - 1]}
          : {kind: 'refused'},
        {destination, waypoint},
      );
    backend = eps[Math.floor(rng() * eps.length)]!;
  }
  const pod = backend!;
  const podPort = service ? (targetPortOf(service, servicePort, pod) ?? servicePort) : port;
  const destinationMode = podDataplane(pod);

  if (destinationMode === 'ambient') {
    const zt = ztunnelOn(world, nodeOf(pod));
    if (zt) {
      const hop: Hop = {kind: 'ztunnel-inbound', pod: zt, container: 'istio-proxy', node: nodeOf(zt)};
      hops.push(hop);
      // PeerAuthentication STRICT reaches ztunnel as a converted DENY policy: plaintext peers are refused first
      const strict = strictMtlsDenial(world, pod, podPort, waypoint?.pod ? spiffeOf(waypoint.pod) : clientIdentity);
      if (strict) {
        hop.decision = strict;
        return plan({kind: 'reset', at: hop, error: '', pod, port: podPort}, {destination, destinationMode, waypoint});
      }
      const policies = policiesAt(world, 'ztunnel', {pod});
      if (policies.length) {
        // behind a waypoint, the destination ztunnel sees the waypoint's identity, not the original client's
        const peer = waypoint?.pod;
        const r: AuthzRequest = peer
          ? {
              principal: spiffeOf(peer),
              sourceNamespace: nsOf(peer),
              sourceIp: podIP(peer) ?? '',
              destinationIp: podIP(pod),
              port: podPort,
            }
          : {
              principal: clientIdentity,
              sourceNamespace: inMesh ? nsOf(source) : undefined,
              sourceIp: podIP(source) ?? '',
              destinationIp: podIP(pod),
              port: podPort,
            };
        hop.decision = evaluatePolicies(policies, 'ztunnel', r);
        if (!hop.decision.allowed)
          return plan(
            {kind: 'reset', at: hop, error: '', pod, port: podPort},
            {destination, destinationMode, waypoint},
          );
      }
    }
  }
  if (destinationMode === 'sidecar') {
    const hop: Hop = {kind: 'sidecar-inbound', pod, container: 'istio-proxy', node: nodeOf(pod)};
    hops.push(hop);
    const policies = policiesAt(world, 'sidecar', {pod});
    if (policies.length) {
      const peer = waypoint?.pod;
      hop.decision = evaluatePolicies(policies, 'sidecar', {
        principal: peer ? spiffeOf(peer) : clientIdentity,
        sourceNamespace: peer ? nsOf(peer) : inMesh ? nsOf(source) : undefined,
        sourceIp: podIP(peer ?? source) ?? '',
        destinationIp: podIP(pod),
        port: podPort,
        http,
      });
      if (!hop.decision.allowed)
        return plan({kind: 'forbidden', at: hop, decision: hop.decision}, {destination, destinationMode, waypoint});
    }
  }
  const app = String((asPod(pod).spec?.containers ?? []).find((c) => c.name !== 'istio-proxy')?.name ?? '');
  hops.push({kind: 'app', pod, container: app, node: nodeOf(pod)});
  return plan(
    {kind: 'deliver', pod, port: podPort, service, servicePort, ...mods},
    {destination, destinationMode, waypoint},
  );
}

/** which enforcement point a hop is, for messages */
export const enforcementOf = (h: Hop): EnforcementPoint | undefined =>
  h.kind === 'ztunnel-inbound'
    ? 'ztunnel'
    : h.kind === 'waypoint'
      ? 'waypoint'
      : h.kind === 'sidecar-inbound'
        ? 'sidecar'
        : undefined;
