import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import http from 'node:http';
import {join} from 'node:path';
import {after, before, describe, it} from 'node:test';
import {installPodRuntime, type PodRuntime} from '../../server/backends/sandbox/runtime/index';
import {startHarness, type Harness, NO_KUBECTL} from '../fixtures/sandbox/harness';
import {createNamespace, createPod, createService} from '../fixtures/sandbox-runtime/pods';

function get(port: number, path: string): Promise<{status: number; headers: http.IncomingHttpHeaders; body: string}> {
  return new Promise((resolve, reject) => {
    http
      .get({host: '127.0.0.1', port, path, agent: false}, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headers, body}));
      })
      .on('error', reject);
  });
}

/** start `kubectl port-forward` and wait for its "Forwarding from" line; returns the local port */
async function portForward(
  h: Harness,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{child: ChildProcess; port: number; stderr: () => string}> {
  const child = spawn('kubectl', ['--kubeconfig', h.kubeconfig('pf'), 'port-forward', ...args], {
    env: {...process.env, KUBECACHEDIR: join(h.stateDir, '..', 'kubecache'), KUBECONFIG: '', ...env},
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  for (let i = 0; i < 200; i++) {
    const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
    if (m) return {child, port: Number(m[1]), stderr: () => err};
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error(`port-forward did not start: ${out}${err}`);
}

describe('kubectl port-forward against the pod runtime', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  let rt: PodRuntime;
  const children: ChildProcess[] = [];
  before(async () => {
    h = await startHarness();
    rt = installPodRuntime(h.api);
    const sb = h.api.sandboxes.create('pf');
    createNamespace(sb.store, 'foo');
    createService(sb.store, 'httpbin', 'foo', {app: 'httpbin'}, [{name: 'http', port: 8000, targetPort: 8080}]);
    createPod(sb.store, {
      name: 'httpbin-7d5f8b9c6-abcde',
      namespace: 'foo',
      labels: {app: 'httpbin'},
      podIP: '10.42.2.9',
      containers: [{name: 'httpbin', image: 'mccutchen/go-httpbin:v2.15.0', ports: [{containerPort: 8080}]}],
    });
    createPod(sb.store, {
      name: 'curl',
      namespace: 'foo',
      containers: [{name: 'curl', image: 'curlimages/curl', command: ['/bin/sleep', 'infinity']}],
    });
    createPod(sb.store, {
      name: 'pending',
      namespace: 'foo',
      phase: 'Pending',
      containers: [{name: 'app', image: 'nginx'}],
    });
    createPod(sb.store, {
      name: 'hello',
      namespace: 'foo',
      labels: {app: 'helloworld'},
      containers: [
        {name: 'helloworld', image: 'docker.io/istio/examples-helloworld-v2:1.0', env: {SERVICE_VERSION: 'v2'}},
      ],
    });
  });
  after(async () => {
    for (const c of children) c.kill();
    rt?.dispose();
    await h?.close();
  });

  it("forwards svc/httpbin 0:8000 to the pod's app (SPDY over WebSocket)", async () => {
    const pf = await portForward(h, ['-n', 'foo', 'svc/httpbin', ':8000']);
    children.push(pf.child);
    const r = await get(pf.port, '/get?x=1');
    assert.equal(r.status, 200, pf.stderr());
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    const body = JSON.parse(r.body);
    assert.deepEqual(body.args, {x: ['1']});
    assert.match(body.origin, /^127\.0\.0\.1:\d+$/);
    // a second connection on the same session
    const teapot = await get(pf.port, '/status/418');
    assert.equal(teapot.status, 418);
    assert.equal(teapot.body, "I'm a teapot!");
    pf.child.kill();
  });

  it('forwards pod/NAME over plain SPDY too (kubectl ≤ 1.30, or websockets off)', async () => {
    const pf = await portForward(h, ['-n', 'foo', 'pod/hello', ':5000'], {KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false'});
    children.push(pf.child);
    const r = await get(pf.port, '/hello');
    assert.equal(r.body, 'Hello version: v2, instance: hello\n');
    assert.equal(r.headers.server, 'gunicorn');
    pf.child.kill();
  });

  it("reports the kubelet's error when nothing listens on the port", async () => {
    const pf = await portForward(h, ['-n', 'foo', 'pod/curl', ':80']);
    children.push(pf.child);
    await assert.rejects(get(pf.port, '/'));
    for (let i = 0; i < 100 && !/connection refused/.test(pf.stderr()); i++)
      await new Promise((r) => setTimeout(r, 25));
    assert.match(
      pf.stderr(),
      /error forwarding port 80 to pod \w+, uid : failed to execute portforward in network namespace \\?"[^"\\]+\\?": failed to connect to localhost:80 inside namespace \\?"\w+\\?", IPv4: dial tcp4 127\.0\.0\.1:80: connect: connection refused/,
    );
    pf.child.kill();
  });

  it('refuses a pod that is not running, as kubectl checks first', async () => {
    const r = await h.kubectl('pf', ['port-forward', '-n', 'foo', 'pod/pending', ':80']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /unable to forward port because pod is not running. Current status=Pending/);
  });
});
