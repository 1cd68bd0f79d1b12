import assert from 'node:assert/strict';
import {join} from 'node:path';
import {after, before, describe, it} from 'node:test';
import * as pty from 'node-pty';
import {installPodRuntime, type PodRuntime} from '../../server/backends/sandbox/runtime/index';
import {startHarness, type Harness, NO_KUBECTL} from '../fixtures/sandbox/harness';
import {createPod} from '../fixtures/sandbox-runtime/pods';

/** kubectl exec -it under a real pseudo-terminal, the way a learner's xterm runs it */
function kubectlTty(h: Harness, args: string[]) {
  const p = pty.spawn('kubectl', ['--kubeconfig', h.kubeconfig('tty'), ...args], {
    cols: 100,
    rows: 30,
    env: {...process.env, KUBECACHEDIR: join(h.stateDir, '..', 'kubecache'), KUBECONFIG: ''} as Record<string, string>,
  });
  let screen = '';
  p.onData((d) => (screen += d));
  const exited = new Promise<number>((resolve) => p.onExit((e) => resolve(e.exitCode)));
  const waitFor = async (re: RegExp, from = 0) => {
    // no deadline of its own: a loaded machine makes this slower, never failed (the suite has a per-test timeout)
    while (!re.test(screen.slice(from))) await new Promise((r) => setTimeout(r, 25));
    assert.match(screen.slice(from), re);
    return screen.length;
  };
  return {p, exited, waitFor, screen: () => screen};
}

describe('kubectl exec -it against the pod runtime', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  let rt: PodRuntime;
  before(async () => {
    h = await startHarness();
    rt = installPodRuntime(h.api);
    const sb = h.api.sandboxes.create('tty');
    createPod(sb.store, {
      name: 'curl-abc',
      containers: [{name: 'curl', image: 'curlimages/curl:8.16.0', command: ['/bin/sleep', 'infinity']}],
    });
    createPod(sb.store, {
      name: 'hello-v1',
      containers: [{name: 'helloworld', image: 'docker.io/istio/examples-helloworld-v1:1.0'}],
    });
  });
  after(async () => {
    rt?.dispose();
    await h?.close();
  });

  it('gives an interactive busybox sh with echo, Ctrl-C and the exit code of `exit`', async () => {
    const t = kubectlTty(h, ['exec', '-it', 'curl-abc', '--', 'sh']);
    let at = await t.waitFor(/~ \$ $/);
    t.p.write('echo "hi from $HOSTNAME"\r');
    at = await t.waitFor(/echo "hi from \$HOSTNAME"\r\nhi from curl-abc\r\n~ \$ $/, at);
    t.p.write('sleep 100\r');
    await new Promise((r) => setTimeout(r, 150));
    t.p.write('\x03');
    at = await t.waitFor(/\^C\r\n~ \$ $/, at);
    t.p.write('ps\r');
    at = await t.waitFor(/PID {3}USER {5}TIME {2}COMMAND\r\n {4}1 curl_use {2}0:00 \/bin\/sleep infinity\r\n/, at);
    // the up arrow recalls the last line, as ash's line editor does
    t.p.write('\x1b[A');
    await t.waitFor(/^(\x08 \x08)*ps$/, at);
    t.p.write('\x15exit 5\r');
    assert.equal(await t.exited, 5);
    assert.match(t.screen(), /command terminated with exit code 5/);
  });

  it('bash in a Debian image prompts like bash, and Ctrl-D ends it', async () => {
    const t = kubectlTty(h, ['exec', '-it', 'hello-v1', '--', 'bash']);
    await t.waitFor(/root@hello-v1:\/opt\/microservices# $/);
    t.p.write('\x04');
    assert.equal(await t.exited, 0);
  });

  it('keeps the window size kubectl sends: stty size follows a resize', async () => {
    const t = kubectlTty(h, ['exec', '-it', 'curl-abc', '--', 'sh']);
    let at = await t.waitFor(/~ \$ $/);
    /** `stty size` until it prints `want`: kubectl sends a size on the resize channel after it starts and on every
     * SIGWINCH, and the command typed at the prompt can run before that message arrives (as `0 0` or the old size) */
    const sizeBecomes = async (want: string) => {
      for (;;) {
        t.p.write('stty size\r');
        const next = await t.waitFor(/\r\n\d+ \d+\r\n~ \$ $/, at);
        const printed = /(\d+ \d+)\r\n~ \$ $/.exec(t.screen().slice(at))?.[1];
        at = next;
        if (printed === want) return;
      }
    };
    await sizeBecomes('30 100');
    t.p.resize(120, 40);
    // the shell at its prompt redraws it on the resize (ash's SIGWINCH); type once that has happened
    at = await t.waitFor(/\r~ \$ $/, at);
    await sizeBecomes('40 120');
    t.p.write('exit\r');
    assert.equal(await t.exited, 0);
  });
});
