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
