import type {Typed} from '../api';

/**
 * Istio's API objects as far as the mesh reads them, after istio.io/api (security/v1beta1/peer_authentication.proto,
 * type/v1beta1/selector.proto). The CRDs are served by the sandbox's API server, which validated the body when it
 * was written; these are views of it, as kubernetes-types are for built-in kinds.
 */
export interface WorkloadSelector {
  matchLabels?: Record<string, string>;
}

/** PeerAuthentication.MutualTLS: mode UNSET | DISABLE | PERMISSIVE | STRICT */
export interface MutualTls {
  mode?: string;
}

export interface PeerAuthenticationSpec {
  selector?: WorkloadSelector;
  mtls?: MutualTls;
  /** by port number */
  portLevelMtls?: Record<string, MutualTls>;
}

export type PeerAuthentication = Typed<{spec?: PeerAuthenticationSpec}>;

/** type/v1beta1/selector.proto PolicyTargetReference */
export interface PolicyTargetReference {
  group?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

/** security/v1beta1/authorization.proto Source */
export interface AuthzSource {
  principals?: string[];
  notPrincipals?: string[];
  requestPrincipals?: string[];
  notRequestPrincipals?: string[];
  namespaces?: string[];
  notNamespaces?: string[];
  serviceAccounts?: string[];
  notServiceAccounts?: string[];
  ipBlocks?: string[];
  notIpBlocks?: string[];
  remoteIpBlocks?: string[];
  notRemoteIpBlocks?: string[];
}

/** security/v1beta1/authorization.proto Operation (ports are strings in the API) */
export interface AuthzOperation {
  hosts?: string[];
  notHosts?: string[];
  ports?: string[];
  notPorts?: string[];
  methods?: string[];
  notMethods?: string[];
  paths?: string[];
  notPaths?: string[];
}

/** security/v1beta1/authorization.proto Condition */
export interface AuthzCondition {
  key: string;
  values?: string[];
  notValues?: string[];
}

/** security/v1beta1/authorization.proto Rule */
export interface AuthzRule {
  from?: {source?: AuthzSource}[];
  to?: {operation?: AuthzOperation}[];
  when?: AuthzCondition[];
}

/** security/v1beta1/authorization.proto AuthorizationPolicy; action ALLOW (default) | DENY | AUDIT | CUSTOM */
export interface AuthorizationPolicySpec {
  selector?: WorkloadSelector;
  targetRef?: PolicyTargetReference;
  targetRefs?: PolicyTargetReference[];
  rules?: AuthzRule[];
  action?: string;
  provider?: {name?: string};
}

export type AuthorizationPolicy = Typed<{spec?: AuthorizationPolicySpec}>;

/** telemetry/v1/telemetry.proto Telemetry, as far as the mesh reads it: whether it turns access logging on */
export interface TelemetrySpec {
  selector?: WorkloadSelector;
  targetRefs?: PolicyTargetReference[];
  accessLogging?: {providers?: {name?: string}[]; disabled?: boolean}[];
}

export type Telemetry = Typed<{spec?: TelemetrySpec}>;
