/**
 * Bad input gets a Status, never a 500: seeded random requests against the sandbox's real HTTPS API — objects of
 * every shape (metadata a string, arrays for objects, wrong scalar types, bad names), patches of every content
 * type on present and missing objects, deep nesting, garbage, huge bodies — must never be answered with a 5xx,
 * and the sandbox must still serve `kubectl get ns` afterwards. Deterministic per seed (FUZZ_SEED), bounded in
 * count (FUZZ_REQUESTS).
 */
import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import fc from 'fast-check';
import {stringify as toYaml} from 'yaml';
import {apiClient, type ApiClient} from '../fixtures/sandbox/api-process';
import {NO_KUBECTL, startHarness, type Harness} from '../fixtures/sandbox/harness';

const SEED = Number(process.env.FUZZ_SEED ?? 424242);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 3000);

interface Kind {
  collection: string;
  kind: string;
  apiVersion: string;
  base: (name: string) => Record<string, unknown>;
  sub?: string[];
}

const meta = (name: string, ns?: string) => ({name, ...(ns ? {namespace: ns} : {}), labels: {app: 'fz'}});
const podSpec = {
  containers: [{name: 'c', image: 'nginx:1.27', ports: [{containerPort: 80}], env: [{name: 'A', value: '1'}]}],
};
const KINDS: Kind[] = [
  {
    collection: '/api/v1/namespaces',
    kind: 'Namespace',
    apiVersion: 'v1',
    base: (n) => ({metadata: meta(n)}),
    sub: ['status', 'finalize'],
  },
  {
    collection: '/api/v1/namespaces/default/configmaps',
    kind: 'ConfigMap',
    apiVersion: 'v1',
    base: (n) => ({metadata: meta(n, 'default'), data: {a: 'b'}}),
  },
  {
    collection: '/api/v1/namespaces/default/secrets',
    kind: 'Secret',
    apiVersion: 'v1',
    base: (n) => ({metadata: meta(n, 'default'), stringData: {a: 'b'}, data: {c: 'ZA=='}}),
  },
  {
    collection: '/api/v1/namespaces/default/serviceaccounts',
    kind: 'ServiceAccount',
    apiVersion: 'v1',
    base: (n) => ({metadata: meta(n, 'default')}),
    sub: ['token'],
  },
  {
    collection: '/api/v1/namespaces/default/pods',
    kind: 'Pod',
    apiVersion: 'v1',
    base: (n) => ({metadata: meta(n, 'default'), spec: podSpec}),
    sub: ['status', 'log'],
  },
  {
    collection: '/api/v1/namespaces/default/services',
    kind: 'Service',
    apiVersion: 'v1',
    base: (n) => ({metadata: meta(n, 'default'), spec: {selector: {app: 'fz'}, ports: [{port: 80, targetPort: 80}]}}),
    sub: ['status'],
  },
  {
    collection: '/apis/apps/v1/namespaces/default/deployments',
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    base: (n) => ({
      metadata: meta(n, 'default'),
      spec: {
        replicas: 1,
        selector: {matchLabels: {app: 'fz'}},
        template: {metadata: {labels: {app: 'fz'}}, spec: podSpec},
      },
    }),
    sub: ['status', 'scale'],
  },
  {
    collection: '/api/v1/nodes',
    kind: 'Node',
    apiVersion: 'v1',
    base: (n) => ({metadata: meta(n), spec: {}}),
    sub: ['status'],
  },
  {
    collection: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    apiVersion: 'apiextensions.k8s.io/v1',
    base: () => ({
      metadata: {name: 'widgets.fz.example.com'},
      spec: {
        group: 'fz.example.com',
        scope: 'Namespaced',
        names: {plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList'},
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {spec: {type: 'object', properties: {size: {type: 'integer'}}}},
              },
            },
          },
        ],
      },
    }),
  },
  {
    collection: '/apis/fz.example.com/v1/namespaces/default/widgets',
    kind: 'Widget',
    apiVersion: 'fz.example.com/v1',
    base: (n) => ({metadata: meta(n, 'default'), spec: {size: 1}}),
  },
];

const NAMES = [
  'a',
  'b',
  'fz-1',
  'default',
  'widgets.fz.example.com',
  'Bad_Name',
  'x'.repeat(300),
  '',
  'a/b',
  'with space',
  'ünï',
  '..',
  '-a',
  'a.b.c',
];
const CONTENT_TYPES = [
  'application/json',
  'application/yaml',
  'application/merge-patch+json',
  'application/json-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
  'application/vnd.kubernetes.protobuf',
  'text/plain',
];
const QUERIES = [
  '',
  '?dryRun=All',
  '?fieldValidation=Ignore',
  '?fieldValidation=Strict',
  '?fieldManager=fz&force=true',
  '?gracePeriodSeconds=x',
  '?propagationPolicy=Foreground',
  '?labelSelector=a%20in%20(',
  '?fieldSelector=metadata.name%3D%3D',
];

const json = fc.jsonValue({maxDepth: 3});
/** a value of a shape the field does not have, often */
const weird = fc.oneof(json, fc.constantFrom('x', 1, true, null, [], {}, [1, 'a'], {a: {b: [null]}}, -1, 1e308, ''));
/** paths worth breaking: what the sandbox reads */
const FIELDS = [
  'metadata',
  'metadata.name',
  'metadata.namespace',
  'metadata.labels',
  'metadata.labels.app',
  'metadata.annotations',
  'metadata.ownerReferences',
  'metadata.finalizers',
  'metadata.generateName',
  'metadata.resourceVersion',
  'metadata.uid',
  'metadata.creationTimestamp',
  'metadata.deletionTimestamp',
  'metadata.generation',
  'spec',
  'spec.replicas',
  'spec.selector',
  'spec.selector.matchLabels',
  'spec.template',
  'spec.template.metadata',
  'spec.template.spec',
  'spec.template.spec.containers',
  'spec.containers',
  'spec.containers.0',
  'spec.containers.0.ports',
  'spec.containers.0.env',
  'spec.containers.0.name',
  'spec.ports',
  'spec.ports.0',
  'spec.ports.0.port',
  'spec.type',
  'spec.clusterIP',
  'spec.nodeName',
  'spec.versions',
  'spec.names',
  'spec.group',
  'spec.size',
  'status',
  'status.phase',
  'status.conditions',
  'data',
  'data.a',
  'stringData',
  'kind',
  'apiVersion',
];

function setPath(o: Record<string, unknown>, path: string, v: unknown): void {
  const keys = path.split('.');
  let cur: unknown = o;
  for (const k of keys.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object') return;
    const c = cur as Record<string, unknown>;
    if (c[k] === undefined) c[k] = {};
    cur = c[k];
  }
  if (cur !== null && typeof cur === 'object') (cur as Record<string, unknown>)[keys.at(-1)!] = structuredClone(v); // constants are shared between samples
}

const mutated = (k: Kind) =>
  fc
    .record({
      name: fc.constantFrom(...NAMES),
      edits: fc.array(fc.tuple(fc.constantFrom(...FIELDS), fc.oneof(weird, fc.constant(undefined))), {maxLength: 3}),
      typeMeta: fc.boolean(),
    })
    .map(({name, edits, typeMeta}) => {
      const o: Record<string, unknown> = {
        ...(typeMeta ? {apiVersion: k.apiVersion, kind: k.kind} : {}),
        ...structuredClone(k.base(name)),
      };
      for (const [path, v] of edits) setPath(o, path, v);
      return o;
    });

const jsonPatchOps = fc.array(
  fc.record(
    {
      op: fc.oneof(fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test'), weird),
      path: fc.oneof(
        fc.constantFrom(
          ...FIELDS.map((f) => '/' + f.replaceAll('.', '/')),
          '',
          '/',
          '/metadata/labels/-',
          '/spec/containers/-',
          '/spec/containers/9',
        ),
        weird,
      ),
      from: fc.constantFrom('/metadata/labels', '/spec', '/x'),
      value: weird,
    },
    {requiredKeys: ['op']},
  ),
  {maxLength: 4},
);

const nested = (depth: number, open: string, close: string, inner = '1') =>
  open.repeat(depth) + inner + close.repeat(depth);
const special = fc.oneof(
  fc.integer({min: 200, max: 20_000}).map((d) => nested(d, '[', ']')),
  fc.integer({min: 200, max: 20_000}).map((d) => nested(d, '{"a":', '}')),
  fc
    .integer({min: 200, max: 5_000})
    .map((d) => `{"metadata":{"name":"deep","labels":${nested(d, '{"a":', '}', '"x"')}}}`),
  fc.integer({min: 200, max: 5_000}).map((d) => nested(d, '- ', '', 'x')),
  fc.constantFrom(
    '',
    '{',
    '}',
    'null',
    '[]',
    '"x"',
    '1',
    'true',
    '{"kind":1}',
    '{"apiVersion":["v1"]}',
    '\u0000\u0001',
    'k8s\u0000garbage',
    '---\n---\n',
    'a: [',
    ': :',
  ),
  fc.uint8Array({maxLength: 48}).map((b) => Buffer.from(b).toString('latin1')),
);

/** one time in `oneIn` this arbitrary's value, null otherwise */
const rarely = <T>(arb: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | null> =>
  fc.oneof({arbitrary: fc.constant(null), weight: oneIn - 1}, {arbitrary: arb, weight: 1});

interface Req {
  method: string;
  path: string;
  contentType?: string;
  body?: string;
}

const request: fc.Arbitrary<Req> = fc
  .record({
    k: fc.constantFrom(...KINDS),
    name: fc.constantFrom('a', 'b', 'missing', 'widgets.fz.example.com', 'default', 'Bad_Name'),
    verb: fc.constantFrom('create', 'create', 'update', 'patch', 'patch', 'patch', 'delete', 'get', 'sub'),
    patchType: fc.constantFrom(...CONTENT_TYPES.slice(2, 6)),
    q: fc.constantFrom(...QUERIES),
    wrongType: rarely(fc.constantFrom(...CONTENT_TYPES), 8),
    special: rarely(special, 6),
    huge: rarely(fc.constantFrom(3 * 1024 * 1024 + 1, 2 * 1024 * 1024), 300),
    seed: fc.integer(),
    rawName: rarely(
      fc.oneof(
        fc.constantFrom('%zz', '%', '%E0%A4%A', '..', '%00', 'a%2Fb', '%2e%2e'),
        fc.stringMatching(/^[%A-Za-z0-9._~-]{1,12}$/),
      ),
      10,
    ),
  })
  .chain((r) =>
    fc.record({obj: mutated(r.k), patch: fc.oneof(mutated(r.k), jsonPatchOps, weird)}).map(({obj, patch}) => {
      // names as a client escapes them, or now and then a raw path segment (broken %-escapes among them)
      const named = `${r.k.collection}/${r.rawName ?? encodeURIComponent(r.name)}`;
      let req: Req;
      switch (r.verb) {
        case 'create':
          req = {
            method: 'POST',
            path: r.k.collection + r.q,
            contentType: 'application/json',
            body: JSON.stringify(obj),
          };
          break;
        case 'update':
          req = {method: 'PUT', path: named + r.q, contentType: 'application/json', body: JSON.stringify(obj)};
          break;
        case 'patch': {
          const body = r.patchType === 'application/apply-patch+yaml' ? toYaml(patch) : JSON.stringify(patch);
          req = {method: 'PATCH', path: named + r.q, contentType: r.patchType, body};
          break;
        }
        case 'delete':
          req = {method: 'DELETE', path: named + r.q, contentType: 'application/json', body: JSON.stringify(patch)};
          break;
        case 'get':
          req = {method: 'GET', path: (r.seed % 2 ? named : r.k.collection) + r.q};
          break;
        default: {
          const sub = r.k.sub?.[Math.abs(r.seed) % r.k.sub.length] ?? 'status';
          const method = ['GET', 'PUT', 'PATCH', 'POST'][Math.abs(r.seed) % 4]!;
          req = {
            method,
            path: `${named}/${sub}${r.q}`,
            contentType: method === 'PATCH' ? r.patchType : 'application/json',
            body: JSON.stringify(method === 'PATCH' ? patch : obj),
          };
        }
      }
      if (r.wrongType && req.body !== undefined) req.contentType = r.wrongType;
      if (r.special !== null && req.body !== undefined) req.body = r.special;
      if (r.huge !== null && req.body !== undefined)
        req.body = `{"metadata":{"name":"huge"},"data":{"a":"${'x'.repeat(r.huge)}"}}`;
      return req;
    }),
  );

describe('the sandbox API answers bad input with a Status, never a 5xx', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  let client: ApiClient;
  before(async () => {
    h = await startHarness();
    const sb = h.api.sandboxes.ensure('fz');
    client = apiClient({url: h.api.serverUrl('fz'), token: sb.token, ca: h.api.caCert}, 4);
  });
  after(async () => {
    client?.close();
    await h?.close();
  });

  it(`${REQUESTS} seeded requests (seed ${SEED}): no 5xx, every error a Status; kubectl get ns works after`, async (t) => {
    const requests = fc.sample(request, {numRuns: REQUESTS, seed: SEED});
    const failures: string[] = [];
    const codes = new Map<number, number>();
    for (const r of requests) {
      const res = await client.call(r.method, r.path, r.body, r.contentType);
      codes.set(res.status, (codes.get(res.status) ?? 0) + 1);
      const status = res.json as {kind?: string; code?: number} | undefined;
      const isStatus = status?.kind === 'Status' && status.code === res.status;
      if (res.status >= 500 || (res.status >= 400 && !isStatus && !r.path.includes('/log')))
        failures.push(
          `${r.method} ${r.path} [${r.contentType}] ${(r.body ?? '').slice(0, 200)}\n  -> ${res.status} ${res.body.slice(0, 300)}`,
        );
    }
    t.diagnostic(
      `answers: ${[...codes]
        .sort(([a], [b]) => a - b)
        .map(([c, n]) => `${c}×${n}`)
        .join(' ')}`,
    );
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} bad answers`);
    // the API still serves, and the objects it kept can all be listed and printed
    const ns = await h.kubectl('fz', ['get', 'ns']);
    assert.equal(ns.code, 0, ns.stderr);
    assert.match(ns.stdout, /^default\s+Active/m);
    for (const k of KINDS) {
      const list = await client.call('GET', k.collection);
      assert.ok(
        list.status === 200 || (k.kind === 'Widget' && list.status === 404),
        `${k.collection}: ${list.status} ${list.body.slice(0, 200)}`,
      );
    }
    const all = await h.kubectl('fz', ['get', 'all,cm,secrets,sa,nodes,crd', '-A']);
    assert.equal(all.code, 0, all.stderr);
  });
});
