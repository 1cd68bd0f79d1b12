import type {KubeObject} from '../api';
import type {PolicyDecision} from './authorization';
import type {MutualTls, PeerAuthentication} from './istio-api';
import {labelsOf, nameOf, nsOf, type MeshWorld} from './world';

/**
 * PeerAuthentication as ztunnel enforces it (pure). istiod never sends PeerAuthentication to ztunnel: it converts it
 * into L4 authorization policies (pilot/pkg/serviceregistry/kube/controller/ambient/policies.go, 1.2x–1.30):
 * a workload whose effective mode is STRICT gets the static DENY policy `istio-system/istio_converted_static_strict`
 * ("deny when the peer has no principal"), and a port-level STRICT becomes `<ns>/converted_peer_authentication_<name>`.
 * ztunnel then refuses a plaintext connection with
 * `connection closed due to policy rejection: explicitly denied by: istio-system/istio_converted_static_strict`,
 * as field reports of real clusters show. Precedence is Istio's: the workload's own policy (selector), then its
 * namespace's, then the mesh-wide one (root namespace); UNSET inherits, and DISABLE is ignored in ambient (istio.io
 * "ambient and PeerAuthentication": "it is not possible to use the DISABLE mode").
 */
export const STATIC_STRICT_POLICY = 'istio_converted_static_strict';
const CONVERTED_PREFIX = 'converted_peer_authentication_';

type Mode = 'STRICT' | 'PERMISSIVE';

const modeOf = (mtls: MutualTls | undefined): Mode | undefined => {
  const m = String(mtls?.mode ?? 'UNSET');
  return m === 'STRICT' || m === 'PERMISSIVE' ? m : undefined;
};

const specOf = (p: KubeObject) => (p as PeerAuthentication).spec;
const selectorOf = (p: KubeObject) => specOf(p)?.selector?.matchLabels;

/** oldest first, as Istio breaks ties between policies at the same level */
const byAge = (a: KubeObject, b: KubeObject) =>
  String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')) ||
  nameOf(a).localeCompare(nameOf(b));

export interface EffectiveMtls {
  mode: Mode;
  /** the converted policy that enforces STRICT for this port */
  policy?: {namespace: string; name: string};
}

/** the mTLS mode a pod's port accepts, and the converted policy that enforces it when STRICT */
export function effectiveMtls(
  world: Pick<MeshWorld, 'peerAuthentications' | 'istio'>,
  pod: KubeObject,
  port: number,
): EffectiveMtls {
  const root = world.istio.rootNamespace;
  const all = [...world.peerAuthentications].sort(byAge);
  const podLabels = labelsOf(pod);
  const workload = all.find((p) => {
    const sel = selectorOf(p);
    return (
      nsOf(p) === nsOf(pod) &&
      sel &&
      Object.keys(sel).length > 0 &&
      Object.entries(sel).every(([k, v]) => podLabels[k] === v)
    );
  });
  const nsWide = all.find((p) => nsOf(p) === nsOf(pod) && !Object.keys(selectorOf(p) ?? {}).length);
  const meshWide = all.find((p) => nsOf(p) === root && !Object.keys(selectorOf(p) ?? {}).length);
  const portLevel = workload ? modeOf(specOf(workload)?.portLevelMtls?.[String(port)]) : undefined;
  if (portLevel && workload)
    return portLevel === 'STRICT'
      ? {mode: 'STRICT', policy: {namespace: nsOf(workload), name: CONVERTED_PREFIX + nameOf(workload)}}
      : {mode: 'PERMISSIVE'};
  const mode =
    (workload && modeOf(specOf(workload)?.mtls)) ??
    (nsWide && modeOf(specOf(nsWide)?.mtls)) ??
    (meshWide && modeOf(specOf(meshWide)?.mtls)) ??
    'PERMISSIVE';
  return mode === 'STRICT' ? {mode, policy: {namespace: root, name: STATIC_STRICT_POLICY}} : {mode};
}

/**
 * The converted DENY policy's verdict on a connection to a pod's port: a peer without a principal (plaintext, from
 * outside the mesh) is refused where the effective mode is STRICT. Undefined when it lets the connection through.
 */
export function strictMtlsDenial(
  world: Pick<MeshWorld, 'peerAuthentications' | 'istio'>,
  pod: KubeObject,
  port: number,
  principal: string | undefined,
): PolicyDecision | undefined {
  if (principal) return undefined;
  const m = effectiveMtls(world, pod, port);
  if (m.mode !== 'STRICT' || !m.policy) return undefined;
  return {allowed: false, reason: 'denied', policy: {...m.policy, rule: 0}, notes: []};
}
