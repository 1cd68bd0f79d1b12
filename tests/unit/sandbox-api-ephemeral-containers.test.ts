import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {withEphemeralContainers} from '../../server/backends/sandbox/api/ephemeral-containers';
import {ApiError} from '../../server/backends/sandbox/api/status';
import type {KubeObject} from '../../server/backends/sandbox/api/types';

const pod = (ephemeralContainers?: object[]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {name: 'c', namespace: 't1', resourceVersion: '7'},
  spec: {containers: [{name: 'c', image: 'curlimages/curl'}], ...(ephemeralContainers ? {ephemeralContainers} : {})},
  status: {phase: 'Running'},
});
const debugger1 = {name: 'debugger-abcde', image: 'busybox', stdin: true, tty: true};

/** the 422's causes as kubectl prints them: field: message */
function causes(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 422);
    return (e.details?.causes ?? []).map((c) => `${c.field}: ${c.message}`);
  }
  assert.fail('expected a 422');
}

describe('pods/ephemeralcontainers: the strategy and ValidatePodEphemeralContainersUpdate', () => {
  it('takes only spec.ephemeralContainers from what the client sent', () => {
    const proposed = pod([debugger1]);
    (proposed.spec as {containers: object[]}).containers = [{name: 'c', image: 'nginx'}];
    proposed.metadata.labels = {x: 'y'};
    const next = withEphemeralContainers(pod(), proposed);
    assert.deepEqual((next.spec as {ephemeralContainers: object[]}).ephemeralContainers, [debugger1]);
    assert.deepEqual((next.spec as {containers: object[]}).containers, [{name: 'c', image: 'curlimages/curl'}]);
    assert.equal(next.metadata.labels, undefined);
  });

  it('keeps an existing one that comes back unchanged, defaults or not, and adds a new one', () => {
    const stored = pod([
      {
        ...debugger1,
        imagePullPolicy: 'Always',
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        resources: {},
      },
    ]);
    const next = withEphemeralContainers(stored, pod([debugger1, {name: 'debugger-fghij', image: 'alpine'}]));
    assert.deepEqual(
      (next.spec as {ephemeralContainers: {name: string}[]}).ephemeralContainers.map((c) => c.name),
      ['debugger-abcde', 'debugger-fghij'],
    );
  });

  it('refuses to remove or change an existing one', () => {
    assert.deepEqual(
      causes(() => withEphemeralContainers(pod([debugger1]), pod([]))),
      ['spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger-abcde" may not be removed\n'],
    );
    const [changed] = causes(() => withEphemeralContainers(pod([debugger1]), pod([{...debugger1, image: 'alpine'}])));
    assert.match(
      changed!,
      /^spec\.ephemeralContainers: Forbidden: existing ephemeral containers "debugger-abcde" may not be changed\n/,
    );
    assert.match(changed!, /- \t\tImage: "busybox",\n\+ \t\tImage: "alpine",/);
  });

  it('checks a new one: name, image, a name no other container has, no ports/probes/resources', () => {
    assert.deepEqual(
      causes(() =>
        withEphemeralContainers(
          pod(),
          pod([
            {image: 'busybox'},
            {name: 'c', image: 'busybox'},
            {name: 'x', ports: [{containerPort: 80}], resources: {limits: {cpu: '1'}}},
          ]),
        ),
      ),
      [
        'spec.ephemeralContainers[0].name: Required value',
        'spec.ephemeralContainers[1].name: Duplicate value: "c"',
        'spec.ephemeralContainers[2].image: Required value',
        'spec.ephemeralContainers[2].ports: Forbidden: cannot be set for an Ephemeral Container',
        'spec.ephemeralContainers[2].resources: Forbidden: cannot be set for an Ephemeral Container',
      ],
    );
  });
});
