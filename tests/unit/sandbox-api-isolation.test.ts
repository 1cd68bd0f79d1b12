import assert from 'node:assert/strict';
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {request} from 'node:https';
import {join} from 'node:path';
import {after, describe, it} from 'node:test';
import {startHarness, type Harness, NO_KUBECTL} from '../fixtures/sandbox/harness';

/** raw HTTPS GET against the API, trusting its self-signed certificate */
function get(h: Harness, path: string, token?: string, method = 'GET'): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${h.api.url}${path}`,
      {method, ca: h.api.caCert, headers: token ? {Authorization: `Bearer ${token}`} : {}},
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({status: res.statusCode ?? 0, body}));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('sandboxes on one API process', {skip: NO_KUBECTL}, () => {
  const harnesses: Harness[] = [];
  after(async () => {
    for (const h of harnesses) await h.close();
  });

  it('keeps sandboxes apart: objects, tokens and kubeconfigs', async () => {
    const h = await startHarness();
    harnesses.push(h);
    h.api.sandboxes.create('one');
    h.api.sandboxes.create('two');
    assert.equal((await h.kubectl('one', ['create', 'ns', 'only-in-one'])).code, 0);
    assert.equal(
      (await h.kubectl('two', ['get', 'ns', 'only-in-one'])).stderr,
      'Error from server (NotFound): namespaces "only-in-one" not found\n',
    );
    const kc = readFileSync(h.kubeconfig('two'), 'utf8');
    assert.match(kc, /name: k3d-two/);
    assert.match(kc, /user: admin@k3d-two/);
    assert.match(kc, new RegExp(`server: ${h.api.url}/sandboxes/two`));
    // a token is valid only for its own sandbox; /version is open like a real cluster's
    const one = h.api.sandboxes.get('one')!;
    assert.equal((await get(h, '/sandboxes/one/api/v1/namespaces', one.token)).status, 200);
    const wrong = await get(h, '/sandboxes/two/api/v1/namespaces', one.token);
    assert.equal(wrong.status, 401);
    assert.deepEqual(JSON.parse(wrong.body), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
    assert.equal((await get(h, '/sandboxes/two/api/v1/namespaces')).status, 401);
    assert.equal((await get(h, '/sandboxes/two/version')).status, 200);
    assert.equal((await get(h, '/sandboxes/three/version')).status, 404);
    const notAllowed = await get(h, '/sandboxes/one/api/v1/namespaces', one.token, 'PUT');
    assert.equal(notAllowed.status, 405);
    assert.equal(JSON.parse(notAllowed.body).reason, 'MethodNotAllowed');
    const unknown = await get(h, '/sandboxes/one/apis/nope.example.com/v1/things', one.token);
    // as the apiserver's NewGenericServerResponse writes it: details present and empty (kubectl reads them)
    assert.deepEqual(JSON.parse(unknown.body), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server could not find the requested resource',
      reason: 'NotFound',
      details: {},
      code: 404,
    });
  });

  it('serves a sandbox on its own port too, like k3d --api-port, with the kubeconfig pointing there', async () => {
    const h = await startHarness();
    harnesses.push(h);
    h.api.sandboxes.create('own');
    const url = await h.api.exposeSandbox('own', {port: 0, advertiseHost: '0.0.0.0'});
    assert.match(url, /^https:\/\/0\.0\.0\.0:\d+$/);
    assert.match(readFileSync(h.kubeconfig('own'), 'utf8'), new RegExp(`server: ${url.replace(/\./g, '\\.')}\n`));
    assert.equal((await h.kubectl('own', ['create', 'ns', 'via-own-port'])).stdout, 'namespace/via-own-port created\n');
    assert.match(
      (await h.kubectl('own', ['cluster-info'])).stdout,
      new RegExp(`is running at .*${url.replace(/\./g, '\\.')}`),
    );
    assert.ok(
      h.api.sandboxes
        .get('own')!
        .store.get(h.api.sandboxes.get('own')!.store.types.lookup('', 'v1', 'namespaces')!, undefined, 'via-own-port'),
    );
  });

  it('keeps state across a restart, and sets a corrupt state file aside with a report', async () => {
    const h1 = await startHarness();
    harnesses.push(h1);
    h1.api.sandboxes.create('keep');
    h1.api.sandboxes.create('broken');
    assert.equal((await h1.kubectl('keep', ['create', 'ns', 'persisted'])).code, 0);
    assert.equal(
      (await h1.kubectl('keep', ['create', 'configmap', 'cfg', '-n', 'persisted', '--from-literal=k=v'])).code,
      0,
    );
    const rvBefore = h1.api.sandboxes.get('keep')!.store.resourceVersion;
    await h1.stop();
    const statePath = join(h1.stateDir, 'sandboxes', 'keep', 'state.json');
    assert.ok(existsSync(statePath));
    writeFileSync(join(h1.stateDir, 'sandboxes', 'broken', 'state.json'), '{"version":1, trunc');

    const problems: string[] = [];
    const h2 = await startHarness({stateDir: h1.stateDir, onProblem: (m) => problems.push(m)});
    harnesses.push(h2);
    assert.deepEqual(
      h2.api.sandboxes.list().map((s) => s.name),
      ['keep'],
    );
    assert.match(problems.join('\n'), /sandbox "broken": state file is unreadable and was set aside/);
    const r = await h2.kubectl('keep', ['get', 'cm', 'cfg', '-n', 'persisted', '-o', 'jsonpath={.data.k}']);
    assert.equal(r.stdout, 'v', r.stderr);
    // the token survived too (the kubeconfig written by the first process still works) and versions keep rising
    const old = await h2.kubectl('keep', ['get', 'ns', 'persisted', '-o', 'name']);
    assert.equal(old.stdout, 'namespace/persisted\n');
    await h2.kubectl('keep', ['create', 'ns', 'after-restart']);
    assert.ok(h2.api.sandboxes.get('keep')!.store.resourceVersion > rvBefore);
  });
});
