/**
 * A namespace that was Terminating when the lab stopped goes on terminating after a restart, as the namespace
 * controller resumes on a real cluster (it lists every namespace when kube-controller-manager starts). Driven by the
 * real kubectl against a sandbox backend restarted on the same state dir.
 */
import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {NO_KUBECTL, startBackend, type BackendHarness} from '../fixtures/sandbox-backend/harness';

describe('a Terminating namespace across a lab restart', {skip: NO_KUBECTL}, () => {
  let h: BackendHarness;
  const sh = async (line: string) => {
    const r = await h.sh('nsr', line);
    assert.equal(r.code, 0, `${line}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    h = await startBackend();
    await sh('k3d cluster create lab >/dev/null');
  });
  after(async () => h?.close());

  it('is still Terminating after the restart, and goes once what held it lets go', async () => {
    // a ConfigMap with a finalizer nobody clears holds the namespace in Terminating
    await sh('kubectl create namespace held && kubectl -n held create configmap keep --from-literal=a=b');
    await sh(`kubectl -n held patch configmap keep --type=merge -p '{"metadata":{"finalizers":["example.com/hold"]}}'`);
    await sh('kubectl delete namespace held --wait=false');
    // the controller has made a pass: it reports the finalizer that holds the content
    await sh(
      `kubectl wait ns/held --timeout=60s --for=jsonpath='{.status.conditions[?(@.type=="NamespaceFinalizersRemaining")].status}'=True`,
    );

    await h.restart();

    assert.equal(await sh("kubectl get ns held -o jsonpath='{.status.phase}'"), 'Terminating');
    assert.match(await sh('kubectl -n held get configmap keep -o name'), /^configmap\/keep\n$/);
    await sh(`kubectl -n held patch configmap keep --type=merge -p '{"metadata":{"finalizers":null}}'`);
    await sh('kubectl wait --for=delete ns/held --timeout=60s');
    const gone = await h.sh('nsr', 'kubectl get ns held');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /namespaces "held" not found/);
  });
});
