import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import type {DeploymentCondition} from 'kubernetes-types/apps/v1';
import type {PodCondition} from 'kubernetes-types/core/v1';
import {clone, stableJson} from '../../server/backends/sandbox/cluster/json';
import {conditionTrue, setCondition} from '../../server/backends/sandbox/cluster/status';

// The status helpers every controller writes through, typed per condition kind (PodCondition, DeploymentCondition …)
// since the loose J type went: what they write must not have changed with the types.

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:01:00Z';

describe('setCondition', () => {
  it('writes a pod condition with lastProbeTime null, as the kubelet serializes the zero time', () => {
    const list = setCondition<PodCondition>(undefined, {type: 'Ready', status: 'False', reason: 'X'}, T0, 'pod');
    assert.deepEqual(list, [
      {type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: T0, reason: 'X'},
    ]);
  });

  it('returns the same conditions when nothing changed, and keeps lastTransitionTime unless status flips', () => {
    const first = setCondition<PodCondition>([], {type: 'Ready', status: 'False', reason: 'A'}, T0, 'pod');
    assert.deepEqual(setCondition(first, {type: 'Ready', status: 'False', reason: 'A'}, T1, 'pod'), first);
    const reworded = setCondition(first, {type: 'Ready', status: 'False', reason: 'B'}, T1, 'pod');
    assert.equal(reworded[0]!.lastTransitionTime, T0);
    assert.equal(reworded[0]!.reason, 'B');
    const flipped = setCondition(reworded, {type: 'Ready', status: 'True'}, T1, 'pod');
    assert.equal(flipped[0]!.lastTransitionTime, T1);
    assert.equal(flipped[0]!.reason, undefined);
  });

  it('gives deployments lastUpdateTime and jobs a lastProbeTime of now, and appends new types in order', () => {
    const d = setCondition<DeploymentCondition>(
      [{type: 'Available', status: 'True', lastTransitionTime: T0}],
      {type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable'},
      T1,
      'deployment',
    );
    assert.deepEqual(
      d.map((c) => c.type),
      ['Available', 'Progressing'],
    );
    assert.equal(d[1]!.lastUpdateTime, T1);
    const j = setCondition([], {type: 'Complete', status: 'True'}, T1, 'job');
    assert.deepEqual(j, [{type: 'Complete', status: 'True', lastProbeTime: T1, lastTransitionTime: T1}]);
  });

  it('conditionTrue reads status.conditions of any object', () => {
    const pod = {status: {conditions: [{type: 'Ready', status: 'True'}]}};
    assert.equal(conditionTrue(pod, 'Ready'), true);
    assert.equal(conditionTrue(pod, 'Initialized'), false);
    assert.equal(conditionTrue(undefined, 'Ready'), false);
  });
});

describe('stableJson', () => {
  it('sorts keys at every depth and drops undefined members, as JSON.stringify does', () => {
    assert.equal(
      stableJson({b: 1, a: {d: [2, {z: 1, y: null}], c: undefined}}),
      '{"a":{"d":[2,{"y":null,"z":1}]},"b":1}',
    );
    assert.equal(stableJson({a: 1, b: 2}), stableJson({b: 2, a: 1}));
    assert.equal(stableJson('x'), '"x"');
    assert.equal(stableJson(null), 'null');
  });

  it('clone copies through JSON and leaves undefined alone', () => {
    const o = {a: [1, {b: 2}]};
    const c = clone(o);
    assert.deepEqual(c, o);
    assert.notEqual(c.a, o.a);
    assert.equal(clone(undefined), undefined);
  });
});
