import type {ServerResponse} from 'node:http';
import {errors} from './status';
import type {ObjectStore} from './store';

/**
 * The non-resource URLs `kubectl get --raw` reaches: /healthz, /livez, /readyz (with ?verbose, ?exclude= and one
 * check by name, as k8s.io/apiserver/pkg/server/healthz answers them) and /metrics.
 *
 * The checks are kube-apiserver 1.31's: the generic server's ping, log and etcd (healthz, livez, readyz), readyz's own
 * etcd-readiness, informer-sync and shutdown, and the post-start hooks of kube-apiserver with the apiextensions and
 * aggregator servers, in their registration order. The list follows a 1.35 `readyz?verbose` transcript (search index
 * file 65935133397) without what came after 1.31: the service-CIDR controller hook (MultiCIDRServiceAllocator, off
 * by default in 1.31) and the split of apiservice-status-available-controller into local and remote (kubernetes
 * commit 834cd7c, July 2024, 1.32).
 */
const HOOKS = [
  'start-apiserver-admission-initializer',
  'generic-apiserver-start-informers',
  'priority-and-fairness-config-consumer',
  'priority-and-fairness-filter',
  'storage-object-count-tracker-hook',
  'start-apiextensions-informers',
  'start-apiextensions-controllers',
  'crd-informer-synced',
  'start-system-namespaces-controller',
  'start-cluster-authentication-info-controller',
  'start-kube-apiserver-identity-lease-controller',
  'start-kube-apiserver-identity-lease-garbage-collector',
  'start-legacy-token-tracking-controller',
  'start-service-ip-repair-controllers',
  'rbac/bootstrap-roles',
  'scheduling/bootstrap-system-priority-classes',
  'priority-and-fairness-config-producer',
  'bootstrap-controller',
  'aggregator-reload-proxy-client-cert',
  'start-kube-aggregator-informers',
  'apiservice-status-available-controller',
  'apiservice-registration-controller',
  'apiservice-discovery-controller',
  'kube-apiserver-autoregistration',
].map((h) => `poststarthook/${h}`);

const TAIL = [
  'autoregister-completion',
  'poststarthook/apiservice-openapi-controller',
  'poststarthook/apiservice-openapiv3-controller',
];

export type HealthEndpoint = 'healthz' | 'livez' | 'readyz';

export function healthChecks(endpoint: HealthEndpoint): string[] {
  const base = ['ping', 'log', 'etcd'];
  if (endpoint !== 'readyz') return [...base, ...HOOKS, ...TAIL];
  return [...base, 'etcd-readiness', 'informer-sync', ...HOOKS, ...TAIL, 'shutdown'];
}

function sendText(res: ServerResponse, code: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(code, {
    'Content-Type': contentType,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache, private',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** /healthz, /livez, /readyz and /<endpoint>/<check>: every check passes in the sandbox */
export function serveHealth(
  endpoint: HealthEndpoint,
  check: string | undefined,
  query: URLSearchParams,
  res: ServerResponse,
): void {
  const checks = healthChecks(endpoint);
  if (check !== undefined) {
    // /readyz/etcd, /livez/ping, /readyz/poststarthook/rbac/bootstrap-roles
    if (!checks.includes(check)) throw errors.pathNotFound();
    return sendText(res, 200, 'ok');
  }
  const excluded = new Set(query.getAll('exclude').flatMap((e) => e.split(',')));
  const unknown = [...excluded].filter((e) => e && !checks.includes(e));
  if (!query.has('verbose')) return sendText(res, 200, 'ok');
  const lines = checks.map((c) => (excluded.has(c) ? `[+]${c} excluded: ok` : `[+]${c} ok`));
  // healthz.handleRootHealth: excluding a check that does not exist is reported, not an error
  if (unknown.length > 0)
    lines.push(`warn: some health checks cannot be excluded: no matches for "${unknown.join('","')}"`);
  sendText(res, 200, `${lines.join('\n')}\n${endpoint} check passed\n`);
}

/** per-sandbox request counts, for apiserver_request_total */
export class RequestCounter {
  private readonly counts = new Map<string, number>();

  count(verb: string, group: string, version: string, resource: string, scope: string, code: number): void {
    const k = JSON.stringify([verb, group, version, resource, scope, String(code)]);
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }

  lines(): string[] {
    return [...this.counts]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, n]) => {
        const [verb, group, version, resource, scope, code] = JSON.parse(k) as string[];
        return `apiserver_request_total{code="${code}",component="apiserver",dry_run="",group="${group}",resource="${resource}",scope="${scope}",subresource="",verb="${verb}",version="${version}"} ${n}`;
      });
  }
}

/**
 * /metrics in the Prometheus text format: a few of kube-apiserver's families, from what the sandbox knows —
 * requests served (this sandbox's, since the API started), objects stored per resource (apiserver_storage_objects),
 * and the health checks as kubernetes_healthcheck. Real servers export hundreds of families more.
 */
export function serveMetrics(
  store: ObjectStore,
  requests: RequestCounter,
  startedAt: number,
  res: ServerResponse,
): void {
  const perResource = new Map<string, number>();
  for (const o of store.snapshot().objects) {
    const key = o.group ? `${o.resource}.${o.group}` : o.resource;
    perResource.set(key, (perResource.get(key) ?? 0) + 1);
  }
  const out: string[] = [
    '# HELP apiserver_request_total [STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
    '# TYPE apiserver_request_total counter',
    ...requests.lines(),
    '# HELP apiserver_storage_objects [STABLE] Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.',
    '# TYPE apiserver_storage_objects gauge',
    ...[...perResource]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([r, n]) => `apiserver_storage_objects{resource="${r}"} ${n}`),
    '# HELP kubernetes_healthcheck [ALPHA] This metric records the result of a single healthcheck.',
    '# TYPE kubernetes_healthcheck gauge',
    ...(['healthz', 'livez', 'readyz'] as const).flatMap((e) =>
      healthChecks(e).map((c) => `kubernetes_healthcheck{name="${c}",type="${e}"} 1`),
    ),
    '# HELP process_start_time_seconds [ALPHA] Start time of the process since unix epoch in seconds.',
    '# TYPE process_start_time_seconds gauge',
    `process_start_time_seconds ${(startedAt / 1000).toFixed(2)}`,
  ];
  sendText(res, 200, `${out.join('\n')}\n`, 'text/plain; version=0.0.4; charset=utf-8');
}
