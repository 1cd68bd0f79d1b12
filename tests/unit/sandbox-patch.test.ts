import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {jsonPatch} from '../../server/backends/sandbox/api/patch-json';
import {mergePatch} from '../../server/backends/sandbox/api/patch-merge';
import {strategicMergePatch} from '../../server/backends/sandbox/api/patch-strategic';
import {labelMatcher} from '../../server/backends/sandbox/api/label-selector';
import type {ApiError} from '../../server/backends/sandbox/api/status';

const pod = () => ({
  metadata: {name: 'p', labels: {a: '1'}, finalizers: ['x']},
  spec: {
    containers: [
      {
        name: 'app',
        image: 'nginx:1',
        env: [
          {name: 'A', value: '1'},
          {name: 'B', value: '2'},
        ],
        ports: [{containerPort: 80, protocol: 'TCP'}],
      },
      {name: 'side', image: 'envoy'},
    ],
    volumes: [{name: 'v1', emptyDir: {}}],
    tolerations: [{key: 't1'}],
  },
});

describe('strategic merge patch', () => {
  it('merges containers and env by name, keeps what the patch does not mention', () => {
    const out = strategicMergePatch(pod(), {
      spec: {containers: [{name: 'app', image: 'nginx:2', env: [{name: 'A', value: '9'}]}]},
    }) as ReturnType<typeof pod>;
    assert.equal(out.spec.containers.length, 2);
    assert.equal(out.spec.containers[0]!.image, 'nginx:2');
    assert.deepEqual(out.spec.containers[0]!.env, [
      {name: 'A', value: '9'},
      {name: 'B', value: '2'},
    ]);
    assert.equal(out.spec.containers[1]!.image, 'envoy');
  });

  it('honours $patch: delete, $patch: replace, $setElementOrder, $deleteFromPrimitiveList and $retainKeys', () => {
    const del = strategicMergePatch(pod(), {spec: {containers: [{name: 'side', $patch: 'delete'}]}}) as ReturnType<
      typeof pod
    >;
    assert.deepEqual(
      del.spec.containers.map((c) => c.name),
      ['app'],
    );
    const rep = strategicMergePatch(pod(), {
      spec: {volumes: [{name: 'v2', configMap: {name: 'c'}}, {$patch: 'replace'}]},
    }) as ReturnType<typeof pod>;
    assert.deepEqual(rep.spec.volumes, [{name: 'v2', configMap: {name: 'c'}}]);
    const mapRep = strategicMergePatch(pod(), {metadata: {labels: {b: '2', $patch: 'replace'}}}) as ReturnType<
      typeof pod
    >;
    assert.deepEqual(mapRep.metadata.labels, {b: '2'});
    const ordered = strategicMergePatch(pod(), {
      spec: {
        '$setElementOrder/containers': [{name: 'side'}, {name: 'app'}],
        containers: [{name: 'side', image: 'envoy:2'}],
      },
    }) as ReturnType<typeof pod>;
    assert.deepEqual(
      ordered.spec.containers.map((c) => `${c.name}:${c.image}`),
      ['side:envoy:2', 'app:nginx:1'],
    );
    const prim = strategicMergePatch(pod(), {metadata: {'$deleteFromPrimitiveList/finalizers': ['x']}}) as ReturnType<
      typeof pod
    >;
    assert.deepEqual(prim.metadata.finalizers, []);
    const retained = strategicMergePatch(
      {spec: {strategy: {type: 'RollingUpdate', rollingUpdate: {maxSurge: 1}}}},
      {spec: {strategy: {$retainKeys: ['type'], type: 'Recreate'}}},
    );
    assert.deepEqual(retained, {spec: {strategy: {type: 'Recreate'}}});
  });

  it('replaces lists without a merge key, deletes with null, merges ports by containerPort and finalizers as a set', () => {
    const out = strategicMergePatch(pod(), {
      metadata: {labels: {a: null}, finalizers: ['y']},
      spec: {tolerations: [{key: 't2'}], containers: [{name: 'app', ports: [{containerPort: 8080}]}]},
    }) as ReturnType<typeof pod>;
    assert.deepEqual(out.metadata.labels, {});
    assert.deepEqual(out.metadata.finalizers, ['x', 'y']);
    assert.deepEqual(out.spec.tolerations, [{key: 't2'}]);
    assert.deepEqual(
      out.spec.containers[0]!.ports!.map((p) => p.containerPort),
      [80, 8080],
    );
  });
});

describe('JSON merge patch and JSON patch', () => {
  it('merge patch replaces lists and deletes with null (RFC 7386)', () => {
    assert.deepEqual(mergePatch({a: {b: 1, c: [1, 2]}, d: 1}, {a: {c: [3]}, d: null}), {a: {b: 1, c: [3]}});
  });

  it('json patch supports add/remove/replace/move/copy/test and fails like the server on a missing path', () => {
    const doc = {metadata: {labels: {a: '1'}}, spec: {list: [1, 2]}};
    const out = jsonPatch(doc, [
      {op: 'add', path: '/metadata/labels/b~1c', value: '2'},
      {op: 'replace', path: '/spec/list/0', value: 9},
      {op: 'add', path: '/spec/list/-', value: 3},
      {op: 'copy', from: '/metadata/labels/a', path: '/metadata/labels/copied'},
      {op: 'move', from: '/metadata/labels/a', path: '/metadata/labels/moved'},
      {op: 'test', path: '/spec/list/1', value: 2},
      {op: 'remove', path: '/spec/list/1'},
    ]);
    assert.deepEqual(out, {metadata: {labels: {'b/c': '2', copied: '1', moved: '1'}}, spec: {list: [9, 3]}});
    assert.deepEqual(doc.spec.list, [1, 2], 'the input is not changed');
    assert.throws(() => jsonPatch(doc, [{op: 'remove', path: '/nope'}]), INVALID);
    assert.throws(() => jsonPatch(doc, [{op: 'test', path: '/spec/list/0', value: 5}]), INVALID);
  });
});

/**
 * What the API server answers, from k8s.io/apiserver/pkg/endpoints/handlers/patch.go (jsonPatcher.applyJSPatch:
 * a strict decode into []jsonPatchOp, then gopkg.in/evanphx/json-patch.v4's DecodePatch and Apply, whose errors
 * become errors.NewGenericServerResponse(422, …) in k8s.io/apimachinery/pkg/api/errors/errors.go) and from
 * evanphx/json-patch's patch.go (v4) for what applies.
 */
const INVALID = (e: ApiError) =>
  e.code === 422 &&
  e.reason === 'Invalid' &&
  e.message === 'the server rejected our request due to an error in our request' &&
  JSON.stringify(e.details) === '{}';

describe('JSON patch as the API server answers it', () => {
  const doc = () => ({metadata: {name: 'c', labels: {a: '1'}}, data: {k: 'v'}, spec: {list: [1, 2, 3]}});

  it('a failed test, a missing path or parent, a bad index or op: 422 Invalid with the generic message', () => {
    const failing: unknown[][] = [
      [{op: 'test', path: '/data/k', value: 'other'}],
      [{op: 'test', path: '/data/nope', value: 'x'}],
      [{op: 'remove', path: '/data/nope'}],
      [{op: 'remove', path: '/spec/list/3'}],
      [{op: 'add', path: '/metadata/annotations/x', value: 'y'}], // no annotations map to add into
      [{op: 'replace', path: '/metadata/annotations/x', value: 'y'}],
      [{op: 'add', path: '/spec/list/9', value: 0}],
      [{op: 'move', from: '/data/nope', path: '/data/k2'}],
      [{op: 'copy', from: '', path: '/data/all'}],
      [{op: 'add', path: '', value: {}}],
      [{op: 'add', path: 'data/k', value: 'no leading slash'}],
      [{op: 'frobnicate', path: '/data/k'}],
      [{path: '/data/k', value: 'no op'}],
      [null],
    ];
    for (const ops of failing) assert.throws(() => jsonPatch(doc(), ops), INVALID, JSON.stringify(ops));
  });

  it('is atomic: a later failing operation leaves nothing of the earlier ones', () => {
    const d = doc();
    assert.throws(
      () =>
        jsonPatch(d, [
          {op: 'add', path: '/data/new', value: 'x'},
          {op: 'test', path: '/data/k', value: 'other'},
        ]),
      INVALID,
    );
    assert.deepEqual(d, doc());
  });

  it('replace of a missing object member adds it (evanphx v4), unlike RFC 6902', () => {
    assert.deepEqual(
      (jsonPatch(doc(), [{op: 'replace', path: '/metadata/labels/b', value: '2'}]) as ReturnType<typeof doc>).metadata,
      {
        name: 'c',
        labels: {a: '1', b: '2'},
      },
    );
  });

  it('negative array indices count from the end; "01" is index 1', () => {
    const list = (ops: unknown[]) => (jsonPatch(doc(), ops) as ReturnType<typeof doc>).spec.list;
    assert.deepEqual(list([{op: 'remove', path: '/spec/list/-1'}]), [1, 2]);
    assert.deepEqual(list([{op: 'replace', path: '/spec/list/-3', value: 0}]), [0, 2, 3]);
    assert.deepEqual(list([{op: 'add', path: '/spec/list/-1', value: 4}]), [1, 2, 3, 4]);
    assert.deepEqual(list([{op: 'add', path: '/spec/list/-', value: 4}]), [1, 2, 3, 4]);
    assert.deepEqual(list([{op: 'remove', path: '/spec/list/01'}]), [1, 3]);
    assert.throws(() => list([{op: 'remove', path: '/spec/list/-4'}]), INVALID);
  });

  it('test of a missing member against null passes; replace of the root takes an object', () => {
    assert.deepEqual(jsonPatch(doc(), [{op: 'test', path: '/data/nope', value: null}]), doc());
    assert.deepEqual(jsonPatch(doc(), [{op: 'test', path: '', value: doc()}]), doc());
    assert.deepEqual(jsonPatch(doc(), [{op: 'replace', path: '', value: {metadata: {name: 'x'}}}]), {
      metadata: {name: 'x'},
    });
    assert.throws(() => jsonPatch(doc(), [{op: 'replace', path: '', value: 'scalar'}]), INVALID);
  });

  it('a body that is not a list of operations: 400 in Go encoding/json words; null is no operation', () => {
    const decodeError = (what: string) => (e: ApiError) =>
      e.code === 400 &&
      e.reason === 'BadRequest' &&
      e.message === `error decoding patch: json: cannot unmarshal ${what}`;
    assert.throws(
      () => jsonPatch(doc(), {op: 'add'}),
      decodeError('object into Go value of type []handlers.jsonPatchOp'),
    );
    assert.throws(() => jsonPatch(doc(), [1]), decodeError('number into Go value of type handlers.jsonPatchOp'));
    assert.throws(
      () => jsonPatch(doc(), [{op: 'add', path: ['data'], value: 1}]),
      decodeError('array into Go struct field jsonPatchOp.path of type string'),
    );
    assert.deepEqual(jsonPatch(doc(), null), doc());
  });

  it('more than 10000 operations: 413', () => {
    const ops = Array.from({length: 10001}, () => ({op: 'test', path: '/data/k', value: 'v'}));
    assert.throws(
      () => jsonPatch(doc(), ops),
      (e: ApiError) =>
        e.code === 413 &&
        e.message === 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
    );
  });
});

describe('label selectors', () => {
  const labels = {app: 'web', tier: 'front', v: '3'};
  const cases: [string, boolean][] = [
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app in (web, api)', true],
    ['app notin (web)', false],
    ['tier', true],
    ['!tier', false],
    ['missing', false],
    ['!missing', true],
    ['missing!=x', true],
    ['app=web,tier=back', false],
    ['v>2', true],
    ['v<2', false],
    ['', true],
  ];
  for (const [sel, want] of cases) it(`"${sel}" → ${want}`, () => assert.equal(labelMatcher(sel)(labels), want));
  it('rejects a malformed selector with a 400', () =>
    assert.throws(
      () => labelMatcher('a in b'),
      (e: {code: number}) => e.code === 400,
    ));
});
