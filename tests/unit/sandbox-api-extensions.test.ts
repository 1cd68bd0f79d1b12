import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {startHarness, type Harness, NO_KUBECTL} from '../fixtures/sandbox/harness';

// The hooks the controllers/shims sitting builds on: extra subresources served beside the generic store.
describe('subresource hooks', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  const requests: string[] = [];
  before(async () => {
    h = await startHarness({onRequest: (e) => requests.push(`${e.method} ${e.url} ${e.status}`)});
    const sb = h.api.sandboxes.create('ext');
    const pods = sb.store.types.lookup('', 'v1', 'pods')!;
    sb.store.create(pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: 'sleep', namespace: 'default', labels: {app: 'sleep'}},
      spec: {containers: [{name: 'sleep', image: 'curlimages/curl'}]},
    });
    h.api.registerSubresource('/pods/log', (ctx) => {
      ctx.res.writeHead(200, {'Content-Type': 'text/plain'});
      ctx.res.end(
        `log of ${ctx.target.name} container=${ctx.query.get('container')} tail=${ctx.query.get('tailLines') ?? 'all'}\n`,
      );
    });
  });
  after(async () => h?.close());

  it('serves pods/log through a registered handler (kubectl logs, -l, --tail)', async () => {
    assert.equal((await h.kubectl('ext', ['logs', 'sleep'])).stdout, 'log of sleep container=sleep tail=all\n');
    assert.equal(
      (await h.kubectl('ext', ['logs', '-l', 'app=sleep', '--tail=5'])).stdout,
      'log of sleep container=sleep tail=5\n',
    );
  });

  it('answers access reviews and token requests for the k3d admin without storing them', async () => {
    assert.equal((await h.kubectl('ext', ['auth', 'can-i', 'delete', 'pods', '-A'])).stdout, 'yes\n');
    assert.match(
      (await h.kubectl('ext', ['auth', 'whoami'])).stdout,
      /Username +system:admin\nGroups +\[system:masters system:authenticated\]/,
    );
    await h.kubectl('ext', ['create', 'serviceaccount', 'bot']);
    assert.match((await h.kubectl('ext', ['create', 'token', 'bot'])).stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n?$/);
  });

  it('reports every request to onRequest', async () => {
    requests.length = 0;
    await h.kubectl('ext', ['get', 'ns', 'default']);
    assert.ok(requests.includes('GET /sandboxes/ext/api/v1/namespaces/default 200'), requests.join('\n'));
  });

  it('answers an upgrade nobody handles with a Status, which kubectl reports', async () => {
    const r = await h.kubectl('ext', ['exec', 'sleep', '--', 'true']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /the server could not find the requested resource|404/);
  });
});
