import type {KubeObject} from '../api';
import type {HeaderList} from '../runtime/net/network-model';
import {isIngressGateway} from './dataplane';
import {targetPortOf} from './request-path';
import {routeAtGateway, type Rng} from './routing';
import {asService, endpointsOf, labelsOf, nameOf, nsOf, type MeshWorld} from './world';

/**
 * Where a request that arrives on a node port from outside the cluster goes (pure): k3d's load balancer forwards a
 * published port (`-p 9080:80@loadbalancer`) to that port on the nodes, where k3s's ServiceLB pods hold it for the
 * LoadBalancer Service that asked for it, which sends it to one of its Pods. When that Pod is an Istio ingress gateway,
 * the gateway's HTTPRoutes pick a backend Service, and the request continues from the gateway's Envoy.
 */
export interface IngressRequest {
  /** the node port the request reached (the container side of the k3d mapping) */
  nodePort: number;
  method: string;
  /** path and query */
  target: string;
  headers: HeaderList;
}

export type IngressPlan =
  /** nothing listens there: the load balancer's upstream refuses, the client sees the connection close */
  | {kind: 'closed'}
  /** the gateway answers itself: 404 when no route matches, 500 when the route's backend is missing */
  | {kind: 'local-reply'; status: number; gateway: KubeObject}
  /** the request goes on from the gateway pod to a Service */
  | {kind: 'forward'; gateway: KubeObject; url: string};

/** the LoadBalancer Services holding a node port, the oldest first (ServiceLB gives a port to the first claimant) */
function loadBalancerFor(world: Pick<MeshWorld, 'services'>, port: number): KubeObject | undefined {
  return world.services
    .filter((s) => {
      const spec = asService(s).spec ?? {};
      const ingress = asService(s).status?.loadBalancer?.ingress ?? [];
      return (
        spec.type === 'LoadBalancer' &&
        ingress.length > 0 &&
        !s.metadata.deletionTimestamp &&
        (spec.ports ?? []).some((p) => p.port === port)
      );
    })
    .sort((a, b) =>
      String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')),
    )[0];
}

export function planIngress(world: MeshWorld, req: IngressRequest, rng: Rng): IngressPlan {
  const lb = loadBalancerFor(world, req.nodePort);
  if (!lb) return {kind: 'closed'};
  const pods = endpointsOf(world, lb);
  const pod = pods[Math.floor(rng() * pods.length)];
  if (!pod || !isIngressGateway(pod)) return {kind: 'closed'};
  const gateway = world.gateways.find(
    (g) => nsOf(g) === nsOf(pod) && nameOf(g) === labelsOf(pod)['gateway.networking.k8s.io/gateway-name'],
  );
  if (!gateway) return {kind: 'closed'};
  const listenerPort = targetPortOf(lb, req.nodePort, pod) ?? req.nodePort;
  const d = routeAtGateway(world, gateway, listenerPort, req, rng);
  if (d.kind === 'no-route') return {kind: 'local-reply', status: 404, gateway: pod};
  if (d.kind === 'no-backend') return {kind: 'local-reply', status: 500, gateway: pod};
  return {
    kind: 'forward',
    gateway: pod,
    url: `http://${nameOf(d.service)}.${nsOf(d.service)}.svc.cluster.local:${d.port}${req.target}`,
  };
}
