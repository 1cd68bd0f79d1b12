import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
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

/**
 * A raw TCP client: writes `request`, collects what comes back until `done(bytes)` says an answer is complete or
 * the server closes; `closed` tells which.
 */
function rawExchange(
  socket: net.Socket,
  request: string,
  done: (got: string) => boolean,
): Promise<{text: string; closed: boolean}> {
  return new Promise((resolve, reject) => {
    let got = '';
    const onData = (d: Buffer) => {
      got += d.toString('latin1');
      if (done(got)) finish(false);
    };
    const onEnd = () => finish(true);
    const finish = (closed: boolean) => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', reject);
      resolve({text: got, closed});
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', reject);
    socket.write(request);
  });
}

/** a head and a Content-Length body have arrived */
const fullAnswer = (got: string) => {
  const end = got.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const cl = /\r\nContent-Length: (\d+)\r\n/i.exec(got.slice(0, end + 2));
  if (cl) return got.length >= end + 4 + Number(cl[1]);
  return /\r\nTransfer-Encoding: chunked\r\n/i.test(got.slice(0, end + 2)) && got.endsWith('\r\n0\r\n\r\n');
};

/** the head's lines, the Date value replaced by <date> */
const headLines = (text: string) =>
  text
    .slice(0, text.indexOf('\r\n\r\n'))
    .split('\r\n')
    .map((l) => l.replace(/^Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/, 'Date: <date>'));

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

  it("answers through the forward byte for byte as go-httpbin's net/http: no Connection header while kept, close when asked", async () => {
    const pf = await portForward(h, ['-n', 'foo', 'svc/httpbin', ':8000']);
    children.push(pf.child);
    const socket = net.connect(pf.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const first = await rawExchange(
      socket,
      'GET /get HTTP/1.1\r\nHost: localhost\r\nUser-Agent: raw/1\r\n\r\n',
      fullAnswer,
    );
    const body = first.text.slice(first.text.indexOf('\r\n\r\n') + 4);
    assert.deepEqual(headLines(first.text), [
      'HTTP/1.1 200 OK',
      'Access-Control-Allow-Credentials: true',
      'Access-Control-Allow-Origin: *',
      'Content-Type: application/json; charset=utf-8',
      'Date: <date>',
      `Content-Length: ${Buffer.byteLength(body)}`,
    ]);
    assert.equal(first.closed, false);
    // the same connection again, now asking to close: Go answers `Connection: close` (before Date) and closes
    const second = await rawExchange(
      socket,
      'GET /status/418 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
      () => false,
    );
    assert.deepEqual(headLines(second.text), [
      "HTTP/1.1 418 I'm a teapot",
      'Access-Control-Allow-Credentials: true',
      'Access-Control-Allow-Origin: *',
      'Content-Type: text/plain; charset=utf-8',
      'X-More-Info: http://tools.ietf.org/html/rfc2324',
      'Connection: close',
      'Date: <date>',
      'Content-Length: 13',
    ]);
    assert.equal(second.closed, true);
    socket.destroy();
    pf.child.kill();
  });

  it('an HTTP/1.0 request gets an HTTP/1.0 answer and a close; a body over 2 KiB is chunked, as net/http sends it', async () => {
    const pf = await portForward(h, ['-n', 'foo', 'pod/httpbin-7d5f8b9c6-abcde', ':8080']);
    children.push(pf.child);
    const old = net.connect(pf.port, '127.0.0.1');
    await new Promise((r) => old.once('connect', r));
    const r10 = await rawExchange(old, 'GET /ip HTTP/1.0\r\nHost: localhost\r\n\r\n', () => false);
    assert.deepEqual(headLines(r10.text).slice(0, 1), ['HTTP/1.0 200 OK']);
    assert.ok(!headLines(r10.text).some((l) => /^Connection:/i.test(l)), r10.text);
    assert.equal(r10.closed, true);
    old.destroy();

    const socket = net.connect(pf.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const data = 'x'.repeat(3000);
    const big = await rawExchange(
      socket,
      `POST /post HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: ${data.length}\r\n\r\n${data}`,
      fullAnswer,
    );
    assert.deepEqual(headLines(big.text), [
      'HTTP/1.1 200 OK',
      'Access-Control-Allow-Credentials: true',
      'Access-Control-Allow-Origin: *',
      'Content-Type: application/json; charset=utf-8',
      'Transfer-Encoding: chunked',
      'Date: <date>',
    ]);
    const chunked = big.text.slice(big.text.indexOf('\r\n\r\n') + 4);
    const size = parseInt(chunked.slice(0, chunked.indexOf('\r\n')), 16);
    const json = chunked.slice(chunked.indexOf('\r\n') + 2, chunked.indexOf('\r\n') + 2 + size);
    assert.equal((JSON.parse(json) as {data: string}).data, data);
    assert.equal(big.closed, false);
    socket.destroy();
    pf.child.kill();
  });

  it("a request the parser rejects gets the app's own server's refusal: gunicorn's page, Go's 400", async () => {
    const hello = await portForward(h, ['-n', 'foo', 'pod/hello', ':5000']);
    children.push(hello.child);
    const socket = net.connect(hello.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const bad = await rawExchange(socket, 'GARBAGE\r\n\r\n', () => false);
    assert.match(bad.text, /^HTTP\/1\.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text\/html\r\n/);
    assert.match(bad.text, /Invalid Request Line &#x27;Invalid HTTP request line: &#x27;GARBAGE&#x27;&#x27;/);
    assert.equal(bad.closed, true);
    socket.destroy();
    hello.child.kill();

    const bin = await portForward(h, ['-n', 'foo', 'svc/httpbin', ':8000']);
    children.push(bin.child);
    const s2 = net.connect(bin.port, '127.0.0.1');
    await new Promise((r) => s2.once('connect', r));
    const go = await rawExchange(s2, 'GET / HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n', () => false);
    assert.equal(
      go.text,
      'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request',
    );
    s2.destroy();
    bin.child.kill();
  });

  it('gunicorn (helloworld) keeps its own headers: Server, Connection: keep-alive', async () => {
    const pf = await portForward(h, ['-n', 'foo', 'pod/hello', ':5000']);
    children.push(pf.child);
    const socket = net.connect(pf.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const r = await rawExchange(socket, 'GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n', fullAnswer);
    assert.deepEqual(headLines(r.text), [
      'HTTP/1.1 200 OK',
      'Server: gunicorn',
      'Date: <date>',
      'Connection: keep-alive',
      'Content-Type: text/html; charset=utf-8',
      'Content-Length: 35',
    ]);
    socket.destroy();
    pf.child.kill();
  });
});
