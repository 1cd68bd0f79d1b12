import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import https from 'node:https';
import {after, before, describe, it} from 'node:test';
import {installPodRuntime, type PodRuntime} from '../../server/backends/sandbox/runtime/index';
import {startHarness, type Harness, NO_KUBECTL} from '../fixtures/sandbox/harness';
import {createPod} from '../fixtures/sandbox-runtime/pods';

describe('kubectl logs against the pod runtime', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  let rt: PodRuntime;
  before(async () => {
    h = await startHarness();
    rt = installPodRuntime(h.api);
    const sb = h.api.sandboxes.create('logs');
    createPod(sb.store, {
      name: 'httpbin-1',
      labels: {app: 'httpbin'},
      containers: [{name: 'httpbin', image: 'docker.io/mccutchen/go-httpbin:v2.15.0'}],
    });
    createPod(sb.store, {
      name: 'hello-v1',
      labels: {app: 'helloworld'},
      containers: [{name: 'helloworld', image: 'docker.io/istio/examples-helloworld-v1:1.0'}],
    });
    createPod(sb.store, {
      name: 'two',
      containers: [
        {name: 'a', image: 'nginx:1.27'},
        {name: 'b', image: 'busybox'},
      ],
    });
    createPod(sb.store, {name: 'pending', phase: 'Pending', containers: [{name: 'app', image: 'nginx'}]});
    createPod(sb.store, {name: 'restarted', restartCount: 1, containers: [{name: 'app', image: 'nginx'}]});
  });
  after(async () => {
    rt?.dispose();
    await h?.close();
  });

  it('prints what the image prints at start', async () => {
    const r = await h.kubectl('logs', ['logs', 'httpbin-1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^time=\d{4}-\d\d-\d\dT[\d:.]+Z level=INFO msg="go-httpbin listening on http:\/\/0\.0\.0\.0:8080"\n$/,
    );
    const hello = await h.kubectl('logs', ['logs', 'hello-v1']);
    assert.match(
      hello.stdout,
      /\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000\] \[1\] \[INFO\] Listening at: http:\/\/\[::\]:5000 \(1\)/,
    );
  });

  it('honours --tail, --timestamps and -l', async () => {
    assert.equal((await h.kubectl('logs', ['logs', 'two', '-c', 'a', '--tail=2'])).stdout.split('\n').length, 3);
    const ts = await h.kubectl('logs', ['logs', 'httpbin-1', '--timestamps']);
    assert.match(ts.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z time=/);
    rt.appendLog('logs', 'default', 'httpbin-1', 'httpbin', 'an appended line');
    const byLabel = await h.kubectl('logs', ['logs', '-l', 'app=httpbin', '--tail=1']);
    assert.equal(byLabel.stdout, 'an appended line\n');
  });

  it('defaults to the first container of a multi-container pod and serves -c', async () => {
    const r = await h.kubectl('logs', ['logs', 'two']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /Defaulted container "a" out of: a, b/);
    assert.match(r.stdout, /nginx\/1\.27\.3/);
    assert.equal((await h.kubectl('logs', ['logs', 'two', '-c', 'b'])).stdout, '');
  });

  it('answers the API server errors: no such container, pending pod, no previous container', async () => {
    const bad = await h.kubectl('logs', ['logs', 'two', '-c', 'zzz']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /container zzz is not valid for pod two/);
    const pending = await h.kubectl('logs', ['logs', 'pending']);
    assert.match(pending.stderr, /container "app" in pod "pending" is waiting to start: ContainerCreating/);
    const prev = await h.kubectl('logs', ['logs', 'httpbin-1', '--previous']);
    assert.match(prev.stderr, /previous terminated container "httpbin" in pod "httpbin-1" not found/);
    const restarted = await h.kubectl('logs', ['logs', 'restarted', '-p']);
    assert.equal(restarted.code, 0, restarted.stderr);
    assert.match(restarted.stdout, /Configuration complete; ready for start up/);
  });

  it('the API names the containers when a multi-container pod log is asked without one', async () => {
    const sb = h.api.sandboxes.get('logs')!;
    const {status, body} = await new Promise<{status: number; body: string}>((resolve, reject) => {
      https
        .get(
          `${h.api.serverUrl('logs')}/api/v1/namespaces/default/pods/two/log`,
          {ca: h.api.caCert, headers: {authorization: `Bearer ${sb.token}`}},
          (res) => {
            let b = '';
            res.on('data', (d) => (b += d));
            res.on('end', () => resolve({status: res.statusCode ?? 0, body: b}));
          },
        )
        .on('error', reject);
    });
    assert.equal(status, 400);
    assert.equal(JSON.parse(body).message, 'a container name must be specified for pod two, choose one of: [a b]');
  });

  it('resolves deploy/NAME through its selector', async () => {
    const sb = h.api.sandboxes.get('logs')!;
    sb.store.create(sb.store.types.lookup('apps', 'v1', 'deployments')!, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {name: 'httpbin', namespace: 'default'},
      spec: {
        selector: {matchLabels: {app: 'httpbin'}},
        template: {
          metadata: {labels: {app: 'httpbin'}},
          spec: {containers: [{name: 'httpbin', image: 'mccutchen/go-httpbin'}]},
        },
      },
    });
    const r = await h.kubectl('logs', ['logs', 'deploy/httpbin', '--tail=1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /an appended line|go-httpbin listening/);
  });

  it('follows: -f streams appended lines until the pod is deleted', async () => {
    const child = spawn('kubectl', ['--kubeconfig', h.kubeconfig('logs'), 'logs', '-f', 'hello-v1'], {
      env: {...process.env, KUBECACHEDIR: `${h.stateDir}/../kubecache`, KUBECONFIG: ''},
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const waitFor = async (re: RegExp) => {
      // no deadline of its own (the suite has a per-test timeout): a loaded machine is slower, not wrong
      while (!re.test(out)) await new Promise((r) => setTimeout(r, 50));
      assert.match(out, re);
    };
    await waitFor(/Booting worker/);
    rt.appendLog('logs', 'default', 'hello-v1', 'helloworld', 'first streamed line');
    await waitFor(/first streamed line\n/);
    rt.appendLog('logs', 'default', 'hello-v1', 'helloworld', 'second streamed line');
    await waitFor(/second streamed line\n/);
    const sb = h.api.sandboxes.get('logs')!;
    sb.store.delete(sb.store.types.lookup('', 'v1', 'pods')!, 'default', 'hello-v1');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    assert.equal(code, 0);
  });
});
