import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {startHarness, type Harness, NO_KUBECTL} from '../fixtures/sandbox/harness';

// kubectl reads every list in chunks (`--chunk-size`, 500 by default) and follows `metadata.continue`; the sandbox
// answers with the apiserver's token and ListMeta (server/backends/sandbox/api/list-chunks.ts).
interface ListBody {
  metadata: {resourceVersion: string; continue?: string; remainingItemCount?: number};
  items: Array<{metadata: {name: string}}>;
}

describe('chunked lists (limit and continue)', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  const k = (args: string[], input?: string) => h.kubectl('chunks', args, {input});
  const raw = async (p: string) => {
    const r = await k(['get', '--raw', p]);
    return {...r, body: r.code === 0 ? (JSON.parse(r.stdout) as ListBody) : undefined};
  };
  before(async () => {
    h = await startHarness();
    h.api.sandboxes.create('chunks');
    const cms = Array.from(
      {length: 7},
      (_, i) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}, namespace: default, labels: {odd: "${i % 2 === 1}"}}\n`,
    );
    assert.equal((await k(['apply', '-f', '-'], cms.join('---\n'))).code, 0);
  });
  after(async () => h?.close());

  it('kubectl get follows continue: every object once, the header once, in name order', async () => {
    const r = await k(['get', 'cm', '--chunk-size=2', '-v=6']);
    assert.equal(r.code, 0, r.stderr);
    const names = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('cm-'))
      .map((l) => l.split(/\s+/)[0]);
    assert.deepEqual(names, ['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4', 'cm-5', 'cm-6']);
    assert.equal(r.stdout.match(/^NAME/gm)?.length, 1);
    // seven objects: four requests of two, each after the first with the token the one before handed out
    const gets = r.stderr.split('\n').filter((l) => /GET .*\/configmaps\?.*limit=2/.test(l));
    assert.equal(gets.length, 4, r.stderr);
    assert.equal(gets.filter((l) => l.includes('continue=')).length, 3);
  });

  it('a chunk carries continue and remainingItemCount; the last chunk neither', async () => {
    const first = (await raw('/api/v1/namespaces/default/configmaps?limit=3')).body!;
    assert.deepEqual(
      first.items.map((o) => o.metadata.name),
      ['cm-0', 'cm-1', 'cm-2'],
    );
    assert.equal(first.metadata.remainingItemCount, 4);
    const token = JSON.parse(Buffer.from(first.metadata.continue!, 'base64url').toString()) as Record<string, unknown>;
    assert.deepEqual(token, {v: 'meta.k8s.io/v1', rv: Number(first.metadata.resourceVersion), start: 'cm-2\u0000'});
    const rest = (await raw(`/api/v1/namespaces/default/configmaps?limit=10&continue=${first.metadata.continue}`))
      .body!;
    assert.deepEqual(
      rest.items.map((o) => o.metadata.name),
      ['cm-3', 'cm-4', 'cm-5', 'cm-6'],
    );
    assert.equal(rest.metadata.resourceVersion, first.metadata.resourceVersion);
    assert.equal(rest.metadata.continue, undefined);
    assert.equal(rest.metadata.remainingItemCount, undefined);
    // across namespaces the key is <namespace>/<name>
    const all = (await raw('/api/v1/configmaps?limit=1')).body!;
    const start = JSON.parse(Buffer.from(all.metadata.continue!, 'base64url').toString()).start as string;
    assert.match(start, /^default\/cm-0\u0000$/);
  });

  it('with a selector the chunk is filled from matching objects, without a count', async () => {
    const r = (await raw('/api/v1/namespaces/default/configmaps?limit=2&labelSelector=odd%3Dtrue')).body!;
    assert.deepEqual(
      r.items.map((o) => o.metadata.name),
      ['cm-1', 'cm-3'],
    );
    assert.ok(r.metadata.continue);
    assert.equal(r.metadata.remainingItemCount, undefined);
    const names = (await k(['get', 'cm', '-l', 'odd=true', '--chunk-size=1', '-o', 'name'])).stdout;
    assert.equal(names, 'configmap/cm-1\nconfigmap/cm-3\nconfigmap/cm-5\n');
  });

  it('refuses a token it did not write, and a resourceVersion beside a token, as 400 BadRequest', async () => {
    const bad = await raw('/api/v1/namespaces/default/configmaps?limit=1&continue=not-json');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Error from server \(BadRequest\): invalid continue token: continue key is not valid: /);
    const escape = Buffer.from(JSON.stringify({v: 'meta.k8s.io/v1', rv: 5, start: '../kube-system/x'})).toString(
      'base64url',
    );
    const out = await raw(`/api/v1/namespaces/default/configmaps?limit=1&continue=${escape}`);
    assert.match(out.stderr, /invalid continue token: continue key is not valid: \.\.\/kube-system\/x/);
    const version = Buffer.from(JSON.stringify({v: 'v2', rv: 5, start: 'a'})).toString('base64url');
    assert.match(
      (await raw(`/api/v1/namespaces/default/configmaps?continue=${version}`)).stderr,
      /server does not recognize this encoded version "v2"/,
    );
    const first = (await raw('/api/v1/namespaces/default/configmaps?limit=1')).body!;
    const both = await raw(
      `/api/v1/namespaces/default/configmaps?limit=1&resourceVersion=5&continue=${first.metadata.continue}`,
    );
    assert.match(both.stderr, /specifying resource version is not allowed when using continue/);
  });
});
