import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {jsonPatch} from '../../server/backends/sandbox/api/patch-json';
import {mergePatch} from '../../server/backends/sandbox/api/patch-merge';
import {strategicMergePatch} from '../../server/backends/sandbox/api/patch-strategic';
import {labelMatcher} from '../../server/backends/sandbox/api/label-selector';

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
    assert.throws(() => jsonPatch(doc, [{op: 'remove', path: '/nope'}]), /doc is missing path/);
    assert.throws(() => jsonPatch(doc, [{op: 'test', path: '/spec/list/0', value: 5}]), /test failed/);
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
