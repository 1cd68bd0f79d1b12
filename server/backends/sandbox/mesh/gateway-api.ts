import type {Condition, LabelSelector} from 'kubernetes-types/meta/v1';
import type {Typed} from '../api';

/**
 * The Gateway API objects the mesh reads and writes (gateway.networking.k8s.io/v1, kubernetes-sigs/gateway-api
 * apis/v1: gateway_types.go, gatewayclass_types.go, httproute_types.go, shared_types.go), as far as it uses them.
 * Views of what the API server stored after validating it against the CRD schema, as kubernetes-types are for
 * built-in kinds.
 */
export interface ParentReference {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface Listener {
  name: string;
  hostname?: string;
  port: number;
  protocol: string;
  allowedRoutes?: {
    namespaces?: {from?: string; selector?: LabelSelector};
    kinds?: {group?: string; kind: string}[];
  };
}

export interface GatewayAddress {
  type?: string;
  value: string;
}

export interface ListenerStatus {
  name: string;
  supportedKinds: {group?: string; kind: string}[];
  attachedRoutes: number;
  conditions: Condition[];
}

export interface GatewaySpec {
  gatewayClassName: string;
  listeners?: Listener[];
  addresses?: GatewayAddress[];
}

export interface GatewayStatus {
  addresses?: GatewayAddress[];
  conditions?: Condition[];
  listeners?: ListenerStatus[];
}

export type Gateway = Typed<{spec?: GatewaySpec; status?: GatewayStatus}>;

export type GatewayClass = Typed<{spec?: {controllerName: string}; status?: {conditions?: Condition[]}}>;

export interface HTTPPathMatch {
  /** Exact | PathPrefix (default) | RegularExpression */
  type?: string;
  value?: string;
}

/** a header or query parameter match: type Exact (default) | RegularExpression */
export interface HTTPValueMatch {
  type?: string;
  name: string;
  value: string;
}

export interface HTTPRouteMatch {
  path?: HTTPPathMatch;
  headers?: HTTPValueMatch[];
  queryParams?: HTTPValueMatch[];
  method?: string;
}

export interface HTTPHeaderFilter {
  set?: {name: string; value: string}[];
  add?: {name: string; value: string}[];
  remove?: string[];
}

export interface HTTPRouteFilter {
  type: string;
  requestHeaderModifier?: HTTPHeaderFilter;
  responseHeaderModifier?: HTTPHeaderFilter;
}

export interface HTTPBackendRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
  weight?: number;
}

export interface HTTPRouteRule {
  name?: string;
  matches?: HTTPRouteMatch[];
  filters?: HTTPRouteFilter[];
  backendRefs?: HTTPBackendRef[];
}

export interface HTTPRouteSpec {
  parentRefs?: ParentReference[];
  hostnames?: string[];
  rules?: HTTPRouteRule[];
}

export interface RouteParentStatus {
  parentRef: ParentReference;
  controllerName: string;
  conditions?: Condition[];
}

export type HTTPRoute = Typed<{spec?: HTTPRouteSpec; status?: {parents?: RouteParentStatus[]}}>;
