import type {KubeObject} from '../api';
import type {AuthorizationPolicy, AuthzCondition, AuthzOperation, AuthzRule, AuthzSource} from './istio-api';
import type {Gateway} from './gateway-api';
import {labelsOf, nameOf, nsOf, TRUST_DOMAIN, type MeshWorld} from './world';

/**
 * AuthorizationPolicy (security.istio.io/v1) evaluated as Istio does (https://istio.io/latest/docs/reference/config/
 * security/authorization-policy/): CUSTOM first (not simulated), then DENY, then ALLOW — no ALLOW policy means
 * allow, ALLOW policies present and none matching means deny. A rule matches when any of its `from` sources, any of
 * its `to` operations and all of its `when` conditions match; a field left out matches everything.
 */
export type EnforcementPoint = 'ztunnel' | 'waypoint' | 'sidecar';

export interface AuthzRequest {
  /** the peer identity, "spiffe://cluster.local/ns/foo/sa/curl"; absent for plaintext (out-of-mesh) clients */
  principal?: string;
  sourceNamespace?: string;
  sourceIp: string;
  destinationIp?: string;
  port: number;
  /** present where the enforcement point parses HTTP (waypoint, sidecar) */
  http?: {method: string; path: string; host: string; headers: [string, string][]};
}

export interface PolicyDecision {
  allowed: boolean;
  reason: 'no-policy' | 'allowed' | 'denied' | 'no-allow-match';
  /** the policy that decided, "ns/name", with the rule index (Envoy's rbac_access_denied_matched_policy names it) */
  policy?: {namespace: string; name: string; rule: number};
  /** what the sandbox did not evaluate (AUDIT, CUSTOM), for a debugging learner */
  notes: string[];
}

/** fields only a proxy that parses HTTP can check (Istio's L7 attributes) */
const L7_SOURCE: readonly (keyof AuthzSource)[] = [
  'requestPrincipals',
  'notRequestPrincipals',
  'remoteIpBlocks',
  'notRemoteIpBlocks',
];
const L7_OPERATION: readonly (keyof AuthzOperation)[] = [
  'methods',
  'notMethods',
  'paths',
  'notPaths',
  'hosts',
  'notHosts',
];
const isL7Condition = (key: string) =>
  key.startsWith('request.') || key.startsWith('remote.') || key === 'experimental.envoy.filters.http';

export function ruleHasL7(rule: AuthzRule): boolean {
  return (
    (rule.from ?? []).some((f) => L7_SOURCE.some((k) => f.source?.[k] !== undefined)) ||
    (rule.to ?? []).some((t) => L7_OPERATION.some((k) => t.operation?.[k] !== undefined)) ||
    (rule.when ?? []).some((w) => isL7Condition(String(w.key)))
  );
}

/** Istio's string match: exact, "*", "prefix*" or "*suffix" */
export function stringMatch(pattern: string, value: string | undefined, caseInsensitive = false): boolean {
  if (value === undefined) return false;
  const p = caseInsensitive ? pattern.toLowerCase() : pattern;
  const v = caseInsensitive ? value.toLowerCase() : value;
  if (p === '*') return true;
  if (p.startsWith('*')) return v.endsWith(p.slice(1));
  if (p.endsWith('*')) return v.startsWith(p.slice(0, -1));
  return p === v;
}

export function cidrMatch(cidr: string, ip: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const toInt = (a: string) => a.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip) || !/^\d+\.\d+\.\d+\.\d+$/.test(base ?? '')) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (toInt(base!) & mask) === (toInt(ip) & mask);
}

/** principals are written without the spiffe:// scheme in policies: cluster.local/ns/foo/sa/curl */
const principalOf = (r: AuthzRequest) => r.principal?.replace(/^spiffe:\/\//, '');
const headerOf = (r: AuthzRequest, name: string) =>
  r.http?.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

/** `values` must hit (if given) and `notValues` must miss */
function positiveNegative(
  pos: string[] | undefined,
  neg: string[] | undefined,
  test: (pattern: string) => boolean,
): boolean {
  if (pos && !pos.some(test)) return false;
  if (neg && neg.some(test)) return false;
  return true;
}

function sourceMatches(s: AuthzSource, r: AuthzRequest): boolean {
  return (
    positiveNegative(s.principals, s.notPrincipals, (p) => stringMatch(p, principalOf(r))) &&
    positiveNegative(s.namespaces, s.notNamespaces, (p) => stringMatch(p, r.sourceNamespace)) &&
    positiveNegative(s.ipBlocks, s.notIpBlocks, (c) => cidrMatch(c, r.sourceIp)) &&
    positiveNegative(s.remoteIpBlocks, s.notRemoteIpBlocks, (c) =>
      cidrMatch(c, headerOf(r, 'x-forwarded-for')?.split(',')[0]?.trim() ?? r.sourceIp),
    ) &&
    // no JWT is ever validated in the sandbox: a requestPrincipals rule never matches
    positiveNegative(s.requestPrincipals, s.notRequestPrincipals, () => false)
  );
}

function hostMatches(pattern: string, host: string): boolean {
  // Istio matches the Host header with and without its port
  return stringMatch(pattern, host, true) || stringMatch(pattern, host.replace(/:\d+$/, ''), true);
}

function operationMatches(o: AuthzOperation, r: AuthzRequest): boolean {
  const path = r.http?.path.split('?')[0];
  return (
    positiveNegative(o.ports, o.notPorts, (p) => String(p) === String(r.port)) &&
    positiveNegative(o.methods, o.notMethods, (m) => stringMatch(m, r.http?.method)) &&
    positiveNegative(o.paths, o.notPaths, (p) => stringMatch(p, path)) &&
    positiveNegative(o.hosts, o.notHosts, (h) => (r.http ? hostMatches(h, r.http.host) : false))
  );
}

function conditionValue(key: string, r: AuthzRequest): string | undefined {
  const header = /^request\.headers\[(.+)\]$/.exec(key);
  if (header) return headerOf(r, header[1]!);
  switch (key) {
    case 'source.ip':
      return r.sourceIp;
    case 'source.namespace':
      return r.sourceNamespace;
    case 'source.principal':
      return principalOf(r);
    case 'destination.port':
      return String(r.port);
    case 'destination.ip':
      return r.destinationIp;
    default:
      return undefined;
  }
}

function conditionMatches(w: AuthzCondition, r: AuthzRequest): boolean {
  const key = String(w.key);
  const v = conditionValue(key, r);
  const ipKey = key === 'source.ip' || key === 'destination.ip';
  const test = (p: string) => (ipKey ? v !== undefined && cidrMatch(p, v) : stringMatch(p, v));
  return positiveNegative(w.values, w.notValues, test);
}

export function ruleMatches(rule: AuthzRule, r: AuthzRequest): boolean {
  const from = rule.from ?? [];
  const to = rule.to ?? [];
  const when = rule.when ?? [];
  return (
    (!from.length || from.some((f) => sourceMatches(f.source ?? {}, r))) &&
    (!to.length || to.some((t) => operationMatches(t.operation ?? {}, r))) &&
    when.every((w) => conditionMatches(w, r))
  );
}

/**
 * What a ztunnel makes of a rule. ztunnel cannot see HTTP: per istio.io "Use Layer 4 security policy"
 * (https://istio.io/latest/docs/ambient/usage/l4-policy/), a policy with L7 attributes enforced by a receiving
 * ztunnel "will fail safe by becoming a DENY policy". So an ALLOW rule with L7 attributes allows nothing, and a DENY
 * rule with L7 attributes denies on its L4 parts alone.
 */
function ztunnelRule(rule: AuthzRule, action: string): AuthzRule | undefined {
  if (!ruleHasL7(rule)) return rule;
  if (action === 'ALLOW') return undefined;
  const strip = <T extends object>(o: T | undefined, keys: readonly (keyof T)[]): T => {
    const copy = {...o} as T;
    for (const k of keys) delete copy[k];
    return copy;
  };
  return {
    ...(rule.from ? {from: rule.from.map((f) => ({source: strip(f.source, L7_SOURCE)}))} : {}),
    ...(rule.to ? {to: rule.to.map((t) => ({operation: strip(t.operation, L7_OPERATION)}))} : {}),
    ...(rule.when ? {when: rule.when.filter((w) => !isL7Condition(String(w.key)))} : {}),
  };
}

const specOf = (p: KubeObject) => (p as AuthorizationPolicy).spec ?? {};

const targetRefsOf = (p: KubeObject) => {
  const spec = specOf(p);
  return [...(spec.targetRefs ?? []), ...(spec.targetRef ? [spec.targetRef] : [])];
};

function selectorMatches(p: KubeObject, labels: Record<string, string>): boolean {
  const sel = specOf(p).selector?.matchLabels;
  return !sel || Object.entries(sel).every(([k, v]) => labels[k] === v);
}

/**
 * The policies an enforcement point applies. ztunnel and sidecars take selector-based (or namespace-wide)
 * policies of the destination workload's namespace and the root namespace; a waypoint takes those whose targetRefs
 * name it (Gateway), its GatewayClass (root namespace), or the Service being called.
 */
export function policiesAt(
  world: Pick<MeshWorld, 'authorizationPolicies' | 'istio'>,
  point: EnforcementPoint,
  target: {pod?: KubeObject; gateway?: KubeObject; service?: KubeObject},
): KubeObject[] {
  const root = world.istio.rootNamespace;
  return world.authorizationPolicies.filter((p) => {
    const refs = targetRefsOf(p);
    if (point !== 'waypoint') {
      if (refs.length || !target.pod) return false;
      return (nsOf(p) === nsOf(target.pod) || nsOf(p) === root) && selectorMatches(p, labelsOf(target.pod));
    }
    return refs.some((ref) => {
      const kind = String(ref.kind);
      const ns = nsOf(p);
      if (kind === 'Gateway' && target.gateway)
        return ns === nsOf(target.gateway) && ref.name === nameOf(target.gateway);
      if (kind === 'GatewayClass')
        return (
          ns === root &&
          ref.name === String((target.gateway as Gateway | undefined)?.spec?.gatewayClassName ?? 'istio-waypoint')
        );
      if (kind === 'Service' && target.service)
        return ns === nsOf(target.service) && ref.name === nameOf(target.service);
      return false;
    });
  });
}

export function evaluatePolicies(policies: KubeObject[], point: EnforcementPoint, r: AuthzRequest): PolicyDecision {
  const notes: string[] = [];
  const byAction = (a: string) => policies.filter((p) => String(specOf(p).action ?? 'ALLOW') === a);
  for (const p of byAction('CUSTOM'))
    notes.push(`${nsOf(p)}/${nameOf(p)}: CUSTOM (external authorization) is not simulated; ignored`);
  for (const p of byAction('AUDIT')) notes.push(`${nsOf(p)}/${nameOf(p)}: AUDIT only logs; ignored`);
  const firstMatch = (p: KubeObject, action: string): number => {
    const rules = specOf(p).rules ?? [];
    for (let i = 0; i < rules.length; i++) {
      const rule = point === 'ztunnel' ? ztunnelRule(rules[i] ?? {}, action) : (rules[i] ?? {});
      if (rule && ruleMatches(rule, r)) return i;
    }
    return -1;
  };
  for (const p of byAction('DENY')) {
    const i = firstMatch(p, 'DENY');
    if (i >= 0)
      return {allowed: false, reason: 'denied', policy: {namespace: nsOf(p), name: nameOf(p), rule: i}, notes};
  }
  const allows = byAction('ALLOW');
  if (!allows.length) return {allowed: true, reason: 'no-policy', notes};
  for (const p of allows) {
    const i = firstMatch(p, 'ALLOW');
    if (i >= 0)
      return {allowed: true, reason: 'allowed', policy: {namespace: nsOf(p), name: nameOf(p), rule: i}, notes};
  }
  return {allowed: false, reason: 'no-allow-match', notes};
}

/** the SPIFFE identity of a workload in the trust domain */
export const spiffeId = (ns: string, sa: string) => `spiffe://${TRUST_DOMAIN}/ns/${ns}/sa/${sa}`;

/** how each point reports a denial */
export function denialText(point: EnforcementPoint, d: PolicyDecision): string {
  if (point === 'ztunnel')
    return d.reason === 'denied'
      ? `connection closed due to policy rejection: explicitly denied by: ${d.policy!.namespace}/${d.policy!.name}`
      : 'connection closed due to policy rejection: allow policies exist, but none allowed';
  return d.reason === 'denied'
    ? `rbac_access_denied_matched_policy[ns[${d.policy!.namespace}]-policy[${d.policy!.name}]-rule[${d.policy!.rule}]]`
    : 'rbac_access_denied_matched_policy[none]';
}

export interface PolicyPlacement {
  /** where the policy takes effect now, given the pods it selects and the waypoints it names */
  points: EnforcementPoint[];
  /** it has L7 rules but some selected pods are ambient without a waypoint: ztunnel enforces it fail-safe */
  l7OnZtunnel: boolean;
}

/** where a policy is enforced (for analyzers and `istioctl ztunnel-config policy`-like views) */
export function policyPlacement(
  world: Pick<MeshWorld, 'pods' | 'istio'>,
  p: KubeObject,
  modeOf: (pod: KubeObject) => 'sidecar' | 'ambient' | 'none',
): PolicyPlacement {
  if (targetRefsOf(p).length) return {points: ['waypoint'], l7OnZtunnel: false};
  const root = world.istio.rootNamespace;
  const selected = world.pods.filter(
    (pod) => (nsOf(pod) === nsOf(p) || nsOf(p) === root) && selectorMatches(p, labelsOf(pod)),
  );
  const modes = new Set(selected.map(modeOf));
  const points: EnforcementPoint[] = [];
  if (modes.has('ambient')) points.push('ztunnel');
  if (modes.has('sidecar')) points.push('sidecar');
  const l7 = (specOf(p).rules ?? []).some(ruleHasL7);
  return {points, l7OnZtunnel: l7 && modes.has('ambient')};
}
