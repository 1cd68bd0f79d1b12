import type {KubeObject} from '../api';
import type {Gateway, HTTPPathMatch, HTTPRoute, HTTPRouteMatch, HTTPRouteRule} from './gateway-api';
import {asService, nameOf, nsOf, type MeshWorld} from './world';

/**
 * HTTPRoute (gateway.networking.k8s.io/v1) as a mesh route: parentRefs to a Service (GAMMA) or to the waypoint
 * Gateway that serves it. Matches (path, headers, method, query) pick a rule by the Gateway API precedence, weighted
 * backendRefs pick a backend with an injected random source (tests seed it), header filters modify the request and
 * the response. No route for the service → its own endpoints (the default route).
 */
export type {HeaderList} from '../runtime/net/network-model';
import type {HeaderList} from '../runtime/net/network-model';
export type Rng = () => number;

export interface RouteTarget {
  service: KubeObject;
  port: number;
  /** the waypoint Gateway in the path, if any (routes may attach to it) */
  waypoint?: KubeObject;
}

export interface RouteRequest {
  method: string;
  /** path and query: /get?x=1 */
  target: string;
  headers: HeaderList;
}

export interface HeaderModifier {
  set?: {name: string; value: string}[];
  add?: {name: string; value: string}[];
  remove?: string[];
}

export type RouteDecision =
  | {
      kind: 'backend';
      /** the HTTPRoute and rule that matched; undefined for the default route */
      route?: {namespace: string; name: string; rule: number};
      service: KubeObject;
      port: number;
      requestHeaders: HeaderModifier[];
      responseHeaders: HeaderModifier[];
    }
  /** routes exist for the service but none matches: Envoy's 404 (response flag NR, route_not_found) */
  | {kind: 'no-route'}
  /** the chosen backend does not exist or every weight is 0: Gateway API says 500 */
  | {kind: 'no-backend'; route: {namespace: string; name: string; rule: number}};

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

function servicePort(svc: KubeObject, port: number): boolean {
  return (asService(svc).spec?.ports ?? []).some((p) => p.port === port);
}

/** the routes attached to the service (GAMMA) or to its waypoint, filtered by hostnames for Gateway parents */
export function routesFor(world: Pick<MeshWorld, 'httpRoutes'>, target: RouteTarget): KubeObject[] {
  const svc = target.service;
  const hosts = [
    nameOf(svc),
    `${nameOf(svc)}.${nsOf(svc)}`,
    `${nameOf(svc)}.${nsOf(svc)}.svc`,
    `${nameOf(svc)}.${nsOf(svc)}.svc.cluster.local`,
  ];
  return world.httpRoutes.filter((r) => {
    const spec = routeSpec(r);
    return (spec.parentRefs ?? []).some((p) => {
      const ns = String(p.namespace ?? nsOf(r));
      const kind = String(p.kind ?? 'Gateway');
      const group = String(p.group ?? GATEWAY_GROUP);
      if (kind === 'Service' && (group === '' || group === 'core'))
        return ns === nsOf(svc) && p.name === nameOf(svc) && (p.port === undefined || p.port === target.port);
      if (kind === 'Gateway' && group === GATEWAY_GROUP && target.waypoint) {
        if (ns !== nsOf(target.waypoint) || p.name !== nameOf(target.waypoint)) return false;
        const names = spec.hostnames ?? [];
        return !names.length || names.some((h) => hosts.includes(h.toLowerCase()));
      }
      return false;
    });
  });
}

interface Candidate {
  route: KubeObject;
  rule: number;
  match: HTTPRouteMatch;
}

function pathMatches(m: HTTPPathMatch | undefined, path: string): boolean {
  const type = String(m?.type ?? 'PathPrefix');
  const value = String(m?.value ?? '/');
  if (type === 'Exact') return path === value;
  if (type === 'RegularExpression') return new RegExp(`^(?:${value})$`).test(path);
  // PathPrefix matches whole path elements: /foo matches /foo and /foo/bar, not /foobar
  const prefix = value.replace(/\/$/, '');
  return prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
}

function matchMatches(m: HTTPRouteMatch, req: RouteRequest): boolean {
  const [path, query = ''] = req.target.split('?') as [string, string?];
  if (!pathMatches(m.path, path)) return false;
  if (m.method && String(m.method) !== req.method) return false;
  for (const h of m.headers ?? []) {
    const v = req.headers.find(([k]) => k.toLowerCase() === String(h.name).toLowerCase())?.[1];
    if (v === undefined) return false;
    if ((h.type ?? 'Exact') === 'RegularExpression' ? !new RegExp(`^(?:${h.value})$`).test(v) : v !== h.value)
      return false;
  }
  const params = new URLSearchParams(query);
  for (const q of m.queryParams ?? []) {
    const v = params.get(String(q.name));
    if (v === null) return false;
    if ((q.type ?? 'Exact') === 'RegularExpression' ? !new RegExp(`^(?:${q.value})$`).test(v) : v !== q.value)
      return false;
  }
  return true;
}

/** Gateway API precedence: Exact path, longest path, method, most headers, most query params, oldest route, name */
function precedence(a: Candidate, b: Candidate): number {
  const pa = a.match.path ?? {};
  const pb = b.match.path ?? {};
  const exact = (p: HTTPPathMatch) => ((p.type ?? 'PathPrefix') === 'Exact' ? 1 : 0);
  return (
    exact(pb) - exact(pa) ||
    String(pb.value ?? '/').length - String(pa.value ?? '/').length ||
    (b.match.method ? 1 : 0) - (a.match.method ? 1 : 0) ||
    (b.match.headers ?? []).length - (a.match.headers ?? []).length ||
    (b.match.queryParams ?? []).length - (a.match.queryParams ?? []).length ||
    String(a.route.metadata.creationTimestamp ?? '').localeCompare(String(b.route.metadata.creationTimestamp ?? '')) ||
    `${nsOf(a.route)}/${nameOf(a.route)}`.localeCompare(`${nsOf(b.route)}/${nameOf(b.route)}`) ||
    a.rule - b.rule
  );
}

function filtersOf(rule: HTTPRouteRule, type: 'RequestHeaderModifier' | 'ResponseHeaderModifier'): HeaderModifier[] {
  const key = type === 'RequestHeaderModifier' ? 'requestHeaderModifier' : 'responseHeaderModifier';
  return (rule.filters ?? []).filter((f) => f.type === type).map((f) => f[key] ?? {});
}

const routeSpec = (r: KubeObject) => (r as HTTPRoute).spec ?? {};

/** pick a backendRef by weight (default 1); rng() in [0, 1) */
export function pickWeighted<T extends {weight?: number}>(refs: T[], rng: Rng): T | undefined {
  const total = refs.reduce((n, r) => n + (r.weight ?? 1), 0);
  if (total <= 0) return undefined;
  let x = rng() * total;
  for (const r of refs) {
    x -= r.weight ?? 1;
    if (x < 0 && (r.weight ?? 1) > 0) return r;
  }
  return refs.filter((r) => (r.weight ?? 1) > 0).pop();
}

export function routeRequest(
  world: Pick<MeshWorld, 'httpRoutes' | 'services'>,
  target: RouteTarget,
  req: RouteRequest,
  rng: Rng,
): RouteDecision {
  const routes = routesFor(world, target);
  const fallback: RouteDecision = {
    kind: 'backend',
    service: target.service,
    port: target.port,
    requestHeaders: [],
    responseHeaders: [],
  };
  if (!routes.length) return fallback;
  return pickRoute(world, routes, req, rng, target.port);
}

/**
 * An ingress Gateway's routing: the HTTPRoutes attached to the Gateway (and to the listener on `port`, when the
 * parentRef names a port or section), whose hostnames match the Host header; none matching is Envoy's 404.
 */
export function routeAtGateway(
  world: Pick<MeshWorld, 'httpRoutes' | 'services'>,
  gateway: KubeObject,
  port: number,
  req: RouteRequest,
  rng: Rng,
): RouteDecision {
  const listeners = (gateway as Gateway).spec?.listeners ?? [];
  const host = (req.headers.find(([k]) => k.toLowerCase() === 'host')?.[1] ?? '').replace(/:\d+$/, '').toLowerCase();
  const hostMatches = (pattern: string) => {
    const p = pattern.toLowerCase();
    return p.startsWith('*.') ? host.endsWith(p.slice(1)) : p === host;
  };
  const routes = world.httpRoutes.filter((r) => {
    const spec = routeSpec(r);
    const names = spec.hostnames ?? [];
    if (names.length && !names.some(hostMatches)) return false;
    return (spec.parentRefs ?? []).some((p) => {
      if (String(p.kind ?? 'Gateway') !== 'Gateway' || String(p.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP) return false;
      if (String(p.namespace ?? nsOf(r)) !== nsOf(gateway) || p.name !== nameOf(gateway)) return false;
      if (p.port !== undefined && Number(p.port) !== port) return false;
      if (p.sectionName !== undefined && !listeners.some((l) => l.name === p.sectionName && Number(l.port) === port))
        return false;
      return true;
    });
  });
  if (!routes.length) return {kind: 'no-route'};
  return pickRoute(world, routes, req, rng, port);
}

function pickRoute(
  world: Pick<MeshWorld, 'services'>,
  routes: KubeObject[],
  req: RouteRequest,
  rng: Rng,
  defaultPort: number,
): RouteDecision {
  const candidates: Candidate[] = [];
  for (const route of routes)
    (routeSpec(route).rules ?? []).forEach((rule, i) => {
      const matches: HTTPRouteMatch[] = rule.matches?.length
        ? rule.matches
        : [{path: {type: 'PathPrefix', value: '/'}}];
      for (const match of matches) candidates.push({route, rule: i, match});
    });
  const hit = candidates.filter((c) => matchMatches(c.match, req)).sort(precedence)[0];
  if (!hit) return {kind: 'no-route'};
  const rule = routeSpec(hit.route).rules?.[hit.rule] ?? {};
  const routeRef = {namespace: nsOf(hit.route), name: nameOf(hit.route), rule: hit.rule};
  const refs = rule.backendRefs ?? [];
  // a rule without backendRefs routes nowhere (Gateway API: 500)
  const ref = pickWeighted(refs, rng);
  if (!ref || (ref.kind && ref.kind !== 'Service')) return {kind: 'no-backend', route: routeRef};
  const svc = world.services.find((s) => nameOf(s) === ref.name && nsOf(s) === (ref.namespace ?? nsOf(hit.route)));
  const port = ref.port ?? defaultPort;
  if (!svc || !servicePort(svc, port)) return {kind: 'no-backend', route: routeRef};
  return {
    kind: 'backend',
    route: routeRef,
    service: svc,
    port,
    requestHeaders: filtersOf(rule, 'RequestHeaderModifier'),
    responseHeaders: filtersOf(rule, 'ResponseHeaderModifier'),
  };
}

/** apply Gateway API header modifiers in order: set replaces, add appends, remove drops (case-insensitive names) */
export function applyHeaderModifiers(headers: HeaderList, mods: HeaderModifier[]): HeaderList {
  let out = [...headers];
  for (const m of mods) {
    for (const s of m.set ?? []) {
      const i = out.findIndex(([k]) => k.toLowerCase() === s.name.toLowerCase());
      out = out.filter(([k], j) => j === i || k.toLowerCase() !== s.name.toLowerCase());
      if (i >= 0) out[out.findIndex(([k]) => k.toLowerCase() === s.name.toLowerCase())] = [s.name, s.value];
      else out.push([s.name, s.value]);
    }
    for (const a of m.add ?? []) out.push([a.name, a.value]);
    for (const r of m.remove ?? []) out = out.filter(([k]) => k.toLowerCase() !== r.toLowerCase());
  }
  return out;
}

/** a seeded generator (mulberry32) so a traffic split is reproducible in tests */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
