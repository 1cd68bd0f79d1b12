import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import * as pty from 'node-pty';
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

  /** a command line under a real pseudo-terminal in the learner's shell environment, as the lab's xterm runs it */
  const tty = async (line: string) => {
    const {env, cwd} = await h.backend.shellEnvironment(L);
    const p = pty.spawn('bash', ['-c', line], {
      cols: 100,
      rows: 30,
      cwd,
      env: {...process.env, ...env} as Record<string, string>,
    });
    let screen = '';
    p.onData((d) => (screen += d));
    const exited = new Promise<number>((resolve) => p.onExit((e) => resolve(e.exitCode)));
    const waitFor = async (re: RegExp) => {
      // no deadline of its own: the suite's per-test timeout is the safety net
      while (!re.test(screen)) await new Promise((r) => setTimeout(r, 25));
    };
    return {p, exited, waitFor, screen: () => screen};
  };

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

  it('kubectl debug -i attaches to the ephemeral shell; its exit ends the container', async () => {
    const r = await sh('kubectl debug -n t1 c -i --image=busybox -- sh', 'echo from-debug $HOSTNAME\nexit 3\n');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Defaulting debug container name to debugger-[a-z0-9]{5}\.\nfrom-debug c\n$/);
    assert.equal(r.stderr, "If you don't see a command prompt, try pressing enter.\n");
    const names = await ephemeralNames();
    assert.equal(names.length, 2);
    const w = await sh(
      `kubectl wait -n t1 pod/c --for=jsonpath='{.status.ephemeralContainerStatuses[1].state.terminated.exitCode}'=3`,
    );
    assert.equal(w.code, 0, w.stderr);
    // PID 1's output is the container's log
    assert.equal((await sh(`kubectl logs -n t1 c -c ${names[1]}`)).stdout, 'from-debug c\n');
  });

  it('kubectl attach -i talks to the container’s own shell (kubectl run -i: stdinOnce)', async () => {
    const run = await sh(
      'kubectl run a -n t1 --image=busybox -i --attach=false -- sh && kubectl wait -n t1 --for=condition=Ready pod/a',
    );
    assert.equal(run.code, 0, run.stderr);
    const r = await sh('kubectl attach -n t1 a -i', 'echo attached; hostname\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'attached\na\n');
  });

  it('kubectl run -i --rm --restart=Never: the shell’s exit completes the pod, which kubectl then deletes', async () => {
    const r = await sh(
      'kubectl run t -n t1 -i --rm --image=busybox --restart=Never -- sh',
      'echo hi from $HOSTNAME\nexit\n',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hi from t\npod "t" deleted\n');
  });

  it('kubectl debug node/… runs a node-debugger pod on the node, in its network namespace', async () => {
    const r = await sh('kubectl debug node/k3d-dbg-server-0 -i --image=busybox -- sh', 'echo on $HOSTNAME\nexit\n');
    assert.equal(r.code, 0, r.stderr);
    const pod =
      /^Creating debugging pod (node-debugger-k3d-dbg-server-0-[a-z0-9]{5}) with container debugger on node k3d-dbg-server-0\.\n/.exec(
        r.stdout,
      )?.[1];
    assert.ok(pod, r.stdout);
    assert.match(r.stdout, /\non k3d-dbg-server-0\n$/);
    const spec = await sh(
      `kubectl get pod ${pod} -o jsonpath='{.spec.nodeName} {.spec.hostNetwork} {.spec.containers[0].name}'`,
    );
    assert.equal(spec.stdout, 'k3d-dbg-server-0 true debugger');
  });

  it('kubectl debug --copy-to creates a copy of the pod with the debug container', async () => {
    const r = await sh('kubectl debug -n t1 c -i --copy-to=c-copy --image=busybox -- sh', 'echo in $HOSTNAME\nexit\n');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\nin c-copy\n$/);
    const names = await sh("kubectl get pod -n t1 c-copy -o jsonpath='{.spec.containers[*].name}'");
    assert.match(names.stdout, /^c debugger-[a-z0-9]{5}$/);
  });

  it('kubectl cp copies a file and a directory into the pod and back (tar in the busybox userland)', async () => {
    const r = await sh(
      'set -e; d=$(mktemp -d); printf "line one\\nline two\\n" > $d/f; mkdir $d/dir; echo a > $d/dir/a; ' +
        'kubectl cp -c c $d/f t1/c:/tmp/h; kubectl exec -n t1 c -c c -- cat /tmp/h; ' +
        'kubectl cp -c c t1/c:/tmp/h $d/back; cat $d/back; ' +
        'kubectl cp -c c $d/dir t1/c:/tmp/dir; kubectl exec -n t1 c -c c -- cat /tmp/dir/a; ' +
        'kubectl cp -c c t1/c:/tmp/dir $d/dir2; cat $d/dir2/a; rm -rf $d',
    );
    assert.equal(r.code, 0, r.stderr);
    // copying from the pod, kubectl prints tar's stderr on its stdout (cp.go copyFromPod: ErrOut is o.Out)
    const leading = "tar: removing leading '/' from member names\n";
    assert.equal(r.stdout, `line one\nline two\n${leading}line one\nline two\na\n${leading}a\n`);
    assert.equal(r.stderr, '');
  });

  it('kubectl cp to an image without tar fails as on a real cluster', async () => {
    const run = await sh(
      'kubectl run hb -n t1 --image=mccutchen/go-httpbin:v2.15.0 && kubectl wait -n t1 --for=condition=Ready pod/hb',
    );
    assert.equal(run.code, 0, run.stderr);
    const r = await sh('echo x > /tmp/x-$$ && kubectl cp /tmp/x-$$ t1/hb:/tmp/x; s=$?; rm -f /tmp/x-$$; exit $s');
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "tar": executable file not found in \$PATH: unknown\n$/,
    );
  });

  it('kubectl debug -it gives the ephemeral container’s shell on the terminal; exit ends the session', async () => {
    const t = await tty('kubectl debug -n t1 c -it --image=busybox -- sh');
    await t.waitFor(/If you don't see a command prompt, try pressing enter\.\r\n[\s\S]*\/ # $/);
    t.p.write('echo "in $HOSTNAME"\r');
    await t.waitFor(/\r\nin c\r\n\/ # $/);
    t.p.write('exit\r');
    assert.equal(await t.exited, 0);
    assert.match(
      t.screen(),
      /Session ended, the ephemeral container will not be restarted but may be reattached using 'kubectl attach c -c debugger-[a-z0-9]{5} -i -t' if it is still running/,
    );
  });

  it('kubectl debug -it with a command prints its output and exits', async () => {
    const t = await tty('kubectl debug -n t1 c -it --image=busybox -- echo hello from debug');
    assert.equal(await t.exited, 0);
    assert.match(t.screen(), /hello from debug\r\n/);
  });
});
