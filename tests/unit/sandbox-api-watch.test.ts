import assert from 'node:assert/strict';
import {request} from 'node:https';
import {after, before, describe, it} from 'node:test';
import type {KubeObject} from '../../server/backends/sandbox/api/index';
import {startHarness, type Harness} from '../fixtures/sandbox/harness';

/** GET a watch URL and collect its lines until the server ends the stream */
function watchLines(
  h: Harness,
  token: string,
  path: string,
  during?: () => void,
): Promise<{status: number; contentType: string; events: {type: string; object: KubeObject}[]; ms: number}> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const req = request(
      `${h.api.url}${path}`,
      {ca: h.api.caCert, headers: {Authorization: `Bearer ${token}`}},
      (res) => {
        let buf = '';
        res.on('data', (c) => (buf += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type']),
            events: buf
              .split('\n')
              .filter(Boolean)
              .map((l) => JSON.parse(l)),
            ms: Date.now() - start,
          }),
        );
        // headers arrive before any event: kubectl blocks until it sees them
        setTimeout(() => during?.(), 50);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('watch streams over HTTP', () => {
  let h: Harness;
  let token = '';
  before(async () => {
    h = await startHarness({store: {historySize: 5}});
    token = h.api.sandboxes.create('w').token;
  });
  after(async () => h?.close());

  const store = () => h.api.sandboxes.get('w')!.store;
  const nsType = () => store().types.lookup('', 'v1', 'namespaces')!;
  const createNs = (name: string, labels?: Record<string, string>) =>
    store().create(nsType(), {apiVersion: 'v1', kind: 'Namespace', metadata: {name, labels}});

  it('resumes after a resourceVersion, follows label selectors in and out, and ends at timeoutSeconds', async () => {
    const rv = store().resourceVersion;
    const w = await watchLines(
      h,
      token,
      `/sandboxes/w/api/v1/namespaces?watch=true&labelSelector=team%3Da&resourceVersion=${rv}&timeoutSeconds=1`,
      () => {
        createNs('x', {team: 'a'});
        createNs('y', {team: 'b'});
        const x = store().get(nsType(), undefined, 'x')!;
        store().update(nsType(), {...x, metadata: {...x.metadata, labels: {team: 'c'}}});
      },
    );
    assert.equal(w.status, 200);
    assert.equal(w.contentType, 'application/json');
    assert.deepEqual(
      w.events.map((e) => `${e.type} ${e.object.metadata.name}`),
      ['ADDED x', 'DELETED x'],
    );
    // the server ends it at timeoutSeconds, not before (how much later depends on the machine's load)
    assert.ok(w.ms >= 900, `ended after ${w.ms} ms`);
  });

  it('starts with the current state as ADDED events without a resourceVersion', async () => {
    const w = await watchLines(
      h,
      token,
      '/sandboxes/w/api/v1/namespaces?watch=1&fieldSelector=metadata.name%3Ddefault&timeoutSeconds=1',
    );
    assert.deepEqual(
      w.events.map((e) => `${e.type} ${e.object.metadata.name}`),
      ['ADDED default'],
    );
  });

  it('answers a resourceVersion older than the kept history with an ERROR event (410 Expired)', async () => {
    for (const n of ['h1', 'h2', 'h3', 'h4', 'h5', 'h6']) createNs(n);
    const w = await watchLines(h, token, '/sandboxes/w/api/v1/namespaces?watch=true&resourceVersion=1');
    assert.equal(w.events.length, 1);
    assert.equal(w.events[0]!.type, 'ERROR');
    assert.match(JSON.stringify(w.events[0]!.object), /"code":410.*|"reason":"Expired"/);
  });
});
