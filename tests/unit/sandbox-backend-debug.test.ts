import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {NO_KUBECTL, startBackend, type BackendHarness} from '../fixtures/sandbox-backend/harness';

/**
 * What a curious learner types after the walkthrough to debug a pod (issue #13), driven by the real kubectl against
 * a sandbox cluster: kubectl debug (ephemeral containers), attach and cp.
 */
describe('kubectl debug, attach and cp in the sandbox', {skip: NO_KUBECTL}, () => {
  const L = 'dbg';
  let h: BackendHarness;
  const sh = (line: string, input?: string) => h.sh(L, line, {input});
  const ephemeralNames = async () =>
    (await sh("kubectl get pod -n t1 c -o jsonpath='{.spec.ephemeralContainers[*].name}'")).stdout.split(' ');

  before(async () => {
    h = await startBackend();
    const c = await sh("k3d cluster create dbg --agents 0 --k3s-arg '--disable=traefik@server:*'");
    assert.equal(c.code, 0, c.stderr);
    const r = await sh(
      'kubectl create ns t1 && kubectl run c -n t1 --image=curlimages/curl -- sleep infinity && ' +
        'kubectl wait -n t1 --for=condition=Ready pod/c',
    );
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await h?.close();
  });

  it('adds an ephemeral container that runs its command: status, events and logs as the kubelet reports them', async () => {
    const r = await sh('kubectl debug -n t1 c --image=busybox -- echo hi');
    assert.equal(r.code, 0, r.stderr);
    const name = /^Defaulting debug container name to (debugger-[a-z0-9]{5})\.$/m.exec(r.stdout)?.[1];
    assert.ok(name, r.stdout);
    assert.deepEqual(await ephemeralNames(), [name]);
    // the container ran `echo hi` and exited: wait for the kubelet to report it
    const w = await sh(
      `kubectl wait -n t1 pod/c --for=jsonpath='{.status.ephemeralContainerStatuses[0].state.terminated.reason}'=Completed`,
    );
    assert.equal(w.code, 0, w.stderr);
    assert.equal((await sh(`kubectl logs -n t1 c -c ${name}`)).stdout, 'hi\n');
    const events = await sh(
      `kubectl get events -n t1 --field-selector involvedObject.fieldPath='spec.ephemeralContainers{${name}}' -o jsonpath='{.items[*].reason}'`,
    );
    assert.deepEqual(events.stdout.split(' '), ['Pulling', 'Pulled', 'Created', 'Started']);
    const image = await sh("kubectl get pod -n t1 c -o jsonpath='{.spec.ephemeralContainers[0].imagePullPolicy}'");
    assert.equal(image.stdout, 'Always');
  });

  it('refuses to change an existing ephemeral container with the apiserver’s 422 (PUT pods/c/ephemeralcontainers)', async () => {
    const [name] = await ephemeralNames();
    // kubectl debug cannot send such a change (its merge patch keys on the name); a PUT of the subresource can
    const r = await sh(
      'kubectl get pod -n t1 c -o json | sed \'s/"image": "busybox"/"image": "alpine"/\' | ' +
        'kubectl replace --raw /api/v1/namespaces/t1/pods/c/ephemeralcontainers -f -',
    );
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(
        `Pod "c" is invalid: spec\\.ephemeralContainers: Forbidden: existing ephemeral containers "${name}" may not be changed`,
      ),
    );
    assert.deepEqual(await ephemeralNames(), [name]);
    const image = await sh("kubectl get pod -n t1 c -o jsonpath='{.spec.ephemeralContainers[0].image}'");
    assert.equal(image.stdout, 'busybox');
  });
});
