/**
 * metrics-server's `metrics.k8s.io/v1beta1` (kubernetes-sigs/metrics-server pkg/api: node.go, pod.go, table.go),
 * served by the sandbox API as kube-aggregator serves the `v1beta1.metrics.k8s.io` APIService: listed in discovery
 * only while the kube-system metrics-server pod is Ready. NodeMetrics for every Ready node, PodMetrics for running
 * pods whose containers have been scraped (`FIRST_METRICS_MS`), numbers from resource-usage.ts. What `kubectl top`
 * and the HPA controller read.
 */
import type {Node} from 'kubernetes-types/core/v1';
import type {AggregatedApi} from '../../api/api-server';
import {sendJson} from '../../api/http-io';
import type {ResourceContext} from '../../api/rest-handler';
import {labelMatcher} from '../../api/label-selector';
import {errors} from '../../api/status';
import type {ObjectStore} from '../../api/store';
import type {KubeObject, ResourceType, Typed} from '../../api/types';
import {listOf} from '../../api/kinds';
import {podView, type PodView} from '../pod-view';
import type {SandboxRuntime} from '../sandbox-runtime';
import {
  containerUsage,
  cpuQuantity,
  FIRST_METRICS_MS,
  memoryQuantity,
  nodeUsage,
  scrapeOf,
  SCRAPE_MS,
  windowOf,
  type Usage,
} from './resource-usage';

const GROUP = 'metrics.k8s.io';
const VERSION = 'v1beta1';

const metricsType = (resource: string, kind: string, namespaced: boolean, singular: string): ResourceType => ({
  group: GROUP,
  version: VERSION,
  resource,
  singular,
  kind,
  listKind: `${kind}List`,
  namespaced,
  shortNames: [],
  categories: [],
  verbs: ['get', 'list'],
  subresources: [],
});

export const NODE_METRICS = metricsType('nodes', 'NodeMetrics', false, 'node');
export const POD_METRICS = metricsType('pods', 'PodMetrics', true, '');

const isReady = (o: KubeObject) =>
  (((o.status ?? {}) as {conditions?: {type: string; status: string}[]}).conditions ?? []).some(
    (c) => c.type === 'Ready' && c.status === 'True',
  );

/** the APIService's Available condition: metrics-server runs and is Ready */
export function metricsServerAvailable(store: ObjectStore): boolean {
  return listOf(store, 'pods', {namespace: 'kube-system', labelSelector: 'k8s-app=metrics-server'}).some(
    (p) => !p.metadata.deletionTimestamp && isReady(p),
  );
}

export interface PodUsage {
  pod: PodView;
  labels: Record<string, string>;
  containers: {name: string; usage: Usage}[];
  /** when the sample was taken */
  timestamp: Date;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** one pod's usage at the last scrape, or undefined when metrics-server has none (not running, too new) */
export function podUsage(rt: SandboxRuntime, pod: KubeObject, nowMs: number): PodUsage | undefined {
  const v = podView(pod);
  if (v.phase !== 'Running' || v.deleting || !v.nodeName) return undefined;
  const scrape = scrapeOf(nowMs);
  const containers: PodUsage['containers'] = [];
  for (const c of v.containers) {
    const st = v.statuses.find((s) => s.name === c.name);
    if (st?.state !== 'running' || !st.startedAt) return undefined;
    if (Date.parse(st.startedAt) + FIRST_METRICS_MS > nowMs) return undefined;
    const rps = rt.load.rate(v.namespace, v.name, c.name, nowMs, SCRAPE_MS);
    containers.push({
      name: c.name,
      usage: containerUsage({imageId: rt.imageSpec(c.image).id, seed: `${v.uid}/${c.name}`, rps}, scrape),
    });
  }
  if (!containers.length) return undefined;
  return {pod: v, labels: v.labels, containers, timestamp: new Date(Math.max(scrape * SCRAPE_MS, nowMs - SCRAPE_MS))};
}

/** a node's usage: its k3s process plus what its pods use */
export function nodeUsageOf(rt: SandboxRuntime, node: KubeObject, pods: KubeObject[], nowMs: number): Usage {
  const name = String(node.metadata.name);
  const role = node.metadata.labels?.['node-role.kubernetes.io/control-plane'] === 'true' ? 'server' : 'agent';
  const onNode = pods.filter((p) => ((p.spec ?? {}) as {nodeName?: string}).nodeName === name);
  const usages = onNode.flatMap((p) => podUsage(rt, p, nowMs)?.containers.map((c) => c.usage) ?? []);
  return nodeUsage(role, String(node.metadata.uid ?? name), usages, scrapeOf(nowMs));
}

function podMetricsObject(u: PodUsage, nowMs: number): KubeObject {
  return {
    kind: 'PodMetrics',
    apiVersion: `${GROUP}/${VERSION}`,
    metadata: {
      name: u.pod.name,
      namespace: u.pod.namespace,
      creationTimestamp: iso(nowMs),
      labels: u.labels,
    },
    timestamp: iso(u.timestamp.getTime()),
    window: windowOf(u.pod.uid),
    containers: u.containers.map((c) => ({
      name: c.name,
      usage: {cpu: cpuQuantity(c.usage.cpu), memory: memoryQuantity(c.usage.memory)},
    })),
  };
}

function nodeMetricsObject(node: KubeObject, usage: Usage, nowMs: number): KubeObject {
  return {
    kind: 'NodeMetrics',
    apiVersion: `${GROUP}/${VERSION}`,
    metadata: {name: node.metadata.name, creationTimestamp: iso(nowMs), labels: node.metadata.labels ?? {}},
    timestamp: iso(Math.max(scrapeOf(nowMs) * SCRAPE_MS, nowMs - SCRAPE_MS)),
    window: windowOf(String(node.metadata.uid ?? node.metadata.name)),
    usage: {cpu: cpuQuantity(usage.cpu), memory: memoryQuantity(usage.memory)},
  };
}

/** Kubernetes' canonical quantity text (resource.Quantity.String()) of "1234567n" / "12345Ki", as the table shows */
function canonical(q: string): string {
  const m = /^(\d+)(n|Ki)$/.exec(q);
  if (!m) return q;
  const v = Number(m[1]);
  if (m[2] === 'Ki') {
    if (v % (1024 * 1024) === 0) return `${v / (1024 * 1024)}Gi`;
    if (v % 1024 === 0) return `${v / 1024}Mi`;
    return q;
  }
  if (v === 0) return '0';
  for (const [div, suffix] of [
    [1e9, ''],
    [1e6, 'm'],
    [1e3, 'u'],
  ] as const)
    if (v % div === 0) return `${v / div}${suffix}`;
  return q;
}

/** metrics-server's table: Name, one column per resource (cpu, memory), Window */
function table(items: KubeObject[], resourceVersion: string) {
  const usageOf = (o: KubeObject): Record<string, string> => {
    if (o.kind === 'NodeMetrics') return (o as unknown as {usage: Record<string, string>}).usage;
    const sum: Record<string, number> = {};
    for (const c of (o as unknown as {containers: {usage: Record<string, string>}[]}).containers)
      for (const [k, v] of Object.entries(c.usage)) {
        const n = Number(/^\d+/.exec(v)![0]);
        sum[k] = (sum[k] ?? 0) + n;
      }
    return {cpu: `${sum.cpu ?? 0}n`, memory: `${sum.memory ?? 0}Ki`};
  };
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {resourceVersion},
    columnDefinitions: items.length
      ? [
          {name: 'Name', type: 'string', format: 'name', description: 'Name of the resource', priority: 0},
          {name: 'cpu', type: 'string', format: 'quantity', description: '', priority: 0},
          {name: 'memory', type: 'string', format: 'quantity', description: '', priority: 0},
          {name: 'Window', type: 'string', format: 'duration', description: '', priority: 0},
        ]
      : [],
    rows: items.map((o) => {
      const u = usageOf(o);
      return {
        cells: [o.metadata.name, canonical(u.cpu!), canonical(u.memory!), (o as {window?: string}).window ?? ''],
        object: {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata},
      };
    }),
  };
}

function respond(ctx: ResourceContext, type: ResourceType, items: KubeObject[], single: boolean): void {
  const rv = String(ctx.store.resourceVersion);
  const wantsTable = /as=Table/.test(ctx.req.headers.accept ?? '');
  if (wantsTable) return sendJson(ctx.res, 200, table(items, rv));
  if (single) return sendJson(ctx.res, 200, items[0]);
  return sendJson(ctx.res, 200, {
    kind: type.listKind,
    apiVersion: `${GROUP}/${VERSION}`,
    metadata: {},
    items,
  });
}

export function metricsApi(forStore: (store: ObjectStore) => SandboxRuntime): AggregatedApi {
  return {
    group: GROUP,
    version: VERSION,
    types: [NODE_METRICS, POD_METRICS],
    available: metricsServerAvailable,
    handle(ctx) {
      const rt = forStore(ctx.store);
      const now = rt.clock.now().getTime();
      const {target, type} = ctx;
      const selector = labelMatcher(ctx.query.get('labelSelector') ?? undefined);
      const pods = listOf(ctx.store, 'pods');
      if (type === NODE_METRICS) {
        const nodes = listOf(ctx.store, 'nodes')
          .filter((n) => (target.name ? n.metadata.name === target.name : selector(n.metadata.labels)))
          .filter((n) => isReady(n as Typed<Node>))
          .sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));
        // one pass over the pods, not one per node
        const byNode = new Map<string, KubeObject[]>();
        for (const p of pods) {
          const node = ((p.spec ?? {}) as {nodeName?: string}).nodeName;
          if (!node) continue;
          const list = byNode.get(node);
          if (list) list.push(p);
          else byNode.set(node, [p]);
        }
        const items = nodes.map((n) =>
          nodeMetricsObject(n, nodeUsageOf(rt, n, byNode.get(String(n.metadata.name)) ?? [], now), now),
        );
        if (target.name && !items.length) throw errors.notFound({group: GROUP, resource: 'nodemetrics'}, target.name);
        return respond(ctx, type, items, !!target.name);
      }
      const ns = target.namespace;
      const items = pods
        .filter((p) => (!ns || p.metadata.namespace === ns) && (target.name ? p.metadata.name === target.name : true))
        .filter((p) => target.name || selector(p.metadata.labels))
        .flatMap((p) => {
          const u = podUsage(rt, p, now);
          return u ? [podMetricsObject(u, now)] : [];
        })
        .sort(
          (a, b) =>
            String(a.metadata.namespace).localeCompare(String(b.metadata.namespace)) ||
            String(a.metadata.name).localeCompare(String(b.metadata.name)),
        );
      if (target.name && !items.length)
        throw errors.notFound({group: GROUP, resource: 'podmetrics'}, `${ns}/${target.name}`);
      return respond(ctx, type, items, !!target.name);
    },
  };
}
