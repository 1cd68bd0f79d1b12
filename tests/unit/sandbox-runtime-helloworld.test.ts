/** Istio's helloworld sample as the sandbox serves it: Flask routes, 405 for methods a route does not take. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {helloworld} from '../../server/backends/sandbox/runtime/net/apps/helloworld';
import type {AppRequest} from '../../server/backends/sandbox/runtime/net/apps/app';

function request(method: string, target: string): AppRequest {
  return {
    method,
    target,
    httpVersion: '1.1',
    headers: [],
    body: Buffer.alloc(0),
    remoteAddr: '10.42.1.5:40000',
    tls: false,
    podArgv: [],
    data: () => undefined,
    state: (_key, init) => init(),
    pod: {
      name: 'helloworld-v2-abc-xyz',
      containers: [{name: 'helloworld', image: 'docker.io/istio/examples-helloworld-v2:1.0'}],
    } as unknown as AppRequest['pod'],
    image: {} as AppRequest['image'],
    env: {SERVICE_VERSION: 'v2', HOSTNAME: 'helloworld-v2-abc-xyz'},
    now: new Date('2026-11-24T00:00:00Z'),
    sleep: async () => {},
  };
}

test('GET /hello names the version and the instance', async () => {
  const res = await helloworld(request('GET', '/hello'));
  assert.equal(res.status, 200);
  assert.equal(String(res.body), 'Hello version: v2, instance: helloworld-v2-abc-xyz\n');
});

test('POST /hello is 405 Method Not Allowed with an Allow header, as Flask answers', async () => {
  const res = await helloworld(request('POST', '/hello'));
  assert.equal(res.status, 405);
  assert.match(String(res.body), /<title>405 Method Not Allowed<\/title>/);
  assert.deepEqual(
    res.headers.find(([k]) => k === 'Allow'),
    ['Allow', 'OPTIONS, HEAD, GET'],
  );
});

test('an unknown path is 404 whatever the method', async () => {
  assert.equal((await helloworld(request('POST', '/nope'))).status, 404);
});
