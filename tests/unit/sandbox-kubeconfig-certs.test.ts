import assert from 'node:assert/strict';
import {X509Certificate} from 'node:crypto';
import {after, before, describe, it} from 'node:test';
import {parse} from 'yaml';
import {NO_KUBECTL, startBackend, type BackendHarness} from '../fixtures/sandbox-backend/harness';

// `k3d kubeconfig get` hands out k3s' admin kubeconfig: a client certificate (CN=system:admin, O=system:masters,
// signed by the client CA) instead of a token; the sandbox API takes it through TLS client auth, for its own
// sandbox only, beside the bearer tokens the lab's kubeconfig keeps using.
interface Kubeconfig {
  clusters: {name: string; cluster: {server: string}}[];
  users: {name: string; user: Record<string, string>}[];
}

describe('k3d kubeconfig get: client certificates', {skip: NO_KUBECTL}, () => {
  let h: BackendHarness;
  before(async () => {
    h = await startBackend();
    for (const l of ['c1', 'c2']) {
      const r = await h.sh(l, `k3d cluster create demo-${l} --agents 1`);
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(async () => h?.close());

  it('prints a kubeconfig whose user is a client certificate, as k3s writes it', async () => {
    const r = await h.sh('c1', 'k3d kubeconfig get demo-c1');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.startsWith('---\n'));
    const kc = parse(r.stdout.slice(4)) as Kubeconfig;
    assert.equal(kc.users.length, 1);
    const {name, user} = kc.users[0]!;
    assert.equal(name, 'admin@k3d-demo-c1');
    assert.deepEqual(Object.keys(user).sort(), ['client-certificate-data', 'client-key-data']);
    const chain = Buffer.from(user['client-certificate-data']!, 'base64').toString();
    // k3s writes the client certificate followed by the client CA
    const pems = chain.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
    assert.equal(pems.length, 2);
    const [leaf, ca] = pems.map((p) => new X509Certificate(p));
    assert.equal(leaf!.subject, 'O=system:masters\nCN=system:admin');
    assert.match(leaf!.issuer, /^CN=k3s-client-ca@\d+$/);
    assert.ok(leaf!.checkIssued(ca!));
    assert.match(Buffer.from(user['client-key-data']!, 'base64').toString(), /^-----BEGIN EC PRIVATE KEY-----\n/);
  });

  it('authenticates the real kubectl with that certificate, as system:admin, for its own sandbox only', async () => {
    const get = 'k3d kubeconfig get demo-c1 > /tmp/kc-$$ && KUBECONFIG=/tmp/kc-$$ kubectl';
    const nodes = await h.sh('c1', `${get} get nodes -o name; rm -f /tmp/kc-$$`);
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.equal(nodes.stdout, 'node/k3d-demo-c1-agent-0\nnode/k3d-demo-c1-server-0\n');
    const who = await h.sh('c1', `${get} auth whoami -o jsonpath='{.status.userInfo.username}'; rm -f /tmp/kc-$$`);
    assert.equal(who.stdout, 'system:admin');

    // the same certificate presented to another learner's sandbox (its URL in c2's kubeconfig) is refused
    const c2Server = (parse((await h.sh('c2', 'k3d kubeconfig get demo-c2')).stdout.slice(4)) as Kubeconfig)
      .clusters[0]!.cluster.server;
    const other = await h.sh(
      'c1',
      `k3d kubeconfig get demo-c1 > /tmp/kc-$$ && KUBECONFIG=/tmp/kc-$$ kubectl --server '${c2Server}' get nodes; rc=$?; rm -f /tmp/kc-$$; exit $rc`,
    );
    assert.equal(other.code, 1);
    assert.match(other.stderr, /the server has asked for the client to provide credentials/);
  });

  it("keeps the lab's kubeconfig on its bearer token", async () => {
    const view = await h.sh('c1', 'kubectl config view --raw -o jsonpath="{.users[0].user}"');
    assert.deepEqual(Object.keys(JSON.parse(view.stdout) as object), ['token']);
    assert.equal((await h.sh('c1', 'kubectl get ns default -o name')).stdout, 'namespace/default\n');
  });
});
