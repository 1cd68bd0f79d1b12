import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {installPodRuntime, type PodRuntime} from '../../server/backends/sandbox/runtime/index';
import {startHarness, type Harness, NO_KUBECTL} from '../fixtures/sandbox/harness';
import {createNamespace, createPod, createService} from '../fixtures/sandbox-runtime/pods';

describe('kubectl exec against the pod runtime', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  let rt: PodRuntime;
  const k = (args: string[], input?: string) => h.kubectl('ex', args, {input});
  before(async () => {
    h = await startHarness();
    rt = installPodRuntime(h.api);
    const sb = h.api.sandboxes.create('ex');
    createNamespace(sb.store, 'foo');
    createService(sb.store, 'httpbin', 'foo', {app: 'httpbin'}, [{name: 'http', port: 8000, targetPort: 8080}]);
    createService(sb.store, 'nobody', 'foo', {app: 'nobody'}, [{port: 80}]);
    createPod(sb.store, {
      name: 'curl-5b549b49b8-x2x9k',
      namespace: 'foo',
      labels: {app: 'curl'},
      podIP: '10.42.1.7',
      containers: [{name: 'curl', image: 'curlimages/curl:8.16.0', command: ['/bin/sleep', 'infinity']}],
    });
    createPod(sb.store, {
      name: 'starting',
      namespace: 'foo',
      phase: 'Pending',
      containers: [{name: 'app', image: 'nginx'}],
    });
    createPod(sb.store, {
      name: 'httpbin-7d5f8b9c6-abcde',
      namespace: 'foo',
      labels: {app: 'httpbin'},
      podIP: '10.42.2.9',
      containers: [{name: 'httpbin', image: 'docker.io/mccutchen/go-httpbin:v2.15.0', ports: [{containerPort: 8080}]}],
    });
  });
  after(async () => {
    rt?.dispose();
    await h?.close();
  });

  it('runs plain commands: hostname, cat /etc/resolv.conf, env', async () => {
    assert.equal(
      (await k(['exec', '-n', 'foo', 'curl-5b549b49b8-x2x9k', '--', 'hostname'])).stdout,
      'curl-5b549b49b8-x2x9k\n',
    );
    const resolv = await k(['exec', '-n', 'foo', 'curl-5b549b49b8-x2x9k', '--', 'cat', '/etc/resolv.conf']);
    assert.equal(
      resolv.stdout,
      'search foo.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.43.0.10\noptions ndots:5\n',
    );
    const env = await k(['exec', '-n', 'foo', 'curl-5b549b49b8-x2x9k', '--', 'env']);
    assert.match(env.stdout, /^PATH=/);
    assert.match(env.stdout, /\nHOSTNAME=curl-5b549b49b8-x2x9k\n/);
    assert.match(env.stdout, /\nKUBERNETES_SERVICE_HOST=10\.43\.0\.1\n/);
    assert.match(env.stdout, /\nHTTPBIN_SERVICE_PORT_HTTP=8000\n/);
    assert.match(env.stdout, /\nHOME=\/home\/curl_user\n/);
  });

  it('passes the exit code back: sh -c "exit 3"', async () => {
    const r = await k([
      'exec',
      '-n',
      'foo',
      'curl-5b549b49b8-x2x9k',
      '--',
      'sh',
      '-c',
      'echo out; echo err >&2; exit 3',
    ]);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\ncommand terminated with exit code 3\n');
  });

  it('feeds stdin with -i', async () => {
    const r = await k(
      ['exec', '-i', '-n', 'foo', 'curl-5b549b49b8-x2x9k', '--', 'sh', '-c', 'cat | wc -l'],
      'a\nb\nc\n',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), '3');
  });

  it('fails for a binary the image lacks, as containerd does: an InternalError, kubectl exits 1', async () => {
    const r = await k(['exec', '-n', 'foo', 'httpbin-7d5f8b9c6-abcde', '--', 'sh']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /^error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "sh": executable file not found in \$PATH: unknown\n$/,
    );
    const abs = await k(['exec', '-it', '-n', 'foo', 'httpbin-7d5f8b9c6-abcde', '--', '/bin/bash']);
    assert.equal(abs.code, 1);
    assert.match(abs.stderr, /exec: "\/bin\/bash": stat \/bin\/bash: no such file or directory: unknown\n$/);
    const inSh = await k(['exec', '-n', 'foo', 'curl-5b549b49b8-x2x9k', '--', 'sh', '-c', 'bash -c true']);
    assert.equal(inSh.code, 127);
    assert.match(inSh.stderr, /^sh: bash: not found\n/);
  });

  it("curls a Service by DNS name and gets go-httpbin's answer", async () => {
    const r = await k(['exec', '-n', 'foo', 'curl-5b549b49b8-x2x9k', '--', 'curl', '-s', 'http://httpbin:8000/get']);
    assert.equal(r.code, 0, r.stderr);
    const body = JSON.parse(r.stdout);
    assert.deepEqual(body.headers, {Accept: ['*/*'], Host: ['httpbin:8000'], 'User-Agent': ['curl/8.16.0']});
    assert.match(body.origin, /^10\.42\.1\.7:\d+$/);
    assert.equal(body.url, 'http://httpbin:8000/get');
    const teapot = await k([
      'exec',
      '-n',
      'foo',
      'curl-5b549b49b8-x2x9k',
      '--',
      'curl',
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      'http://httpbin.foo.svc.cluster.local:8000/status/418',
    ]);
    assert.equal(teapot.stdout, '418');
    const failing = await k([
      'exec',
      '-n',
      'foo',
      'curl-5b549b49b8-x2x9k',
      '--',
      'curl',
      '-sSf',
      'http://httpbin:8000/status/503',
    ]);
    assert.equal(failing.code, 22);
    assert.match(failing.stderr, /^curl: \(22\) The requested URL returned error: 503\n/);
  });

  it('curl -D dumps the response headers: to stdout before the body, to a file, even with --fail', async () => {
    const exec = (script: string) => k(['exec', '-n', 'foo', 'curl-5b549b49b8-x2x9k', '--', 'sh', '-c', script]);
    const toStdout = await exec('curl -s -D - http://httpbin:8000/status/418');
    assert.equal(toStdout.code, 0, toStdout.stderr);
    // status line and headers with CRLF, the blank line, then the body
    const [head, ...rest] = toStdout.stdout.split('\r\n\r\n');
    assert.match(head!, /^HTTP\/1\.1 418 I'm a teapot\r\n/);
    for (const line of head!.split('\r\n').slice(1)) assert.match(line, /^[A-Za-z-]+: ./);
    assert.equal(rest.join('\r\n\r\n'), (await exec('curl -s http://httpbin:8000/status/418')).stdout);

    const toFile = await exec('curl -s -o /dev/null --dump-header /tmp/h.txt http://httpbin:8000/get; cat /tmp/h.txt');
    assert.match(toFile.stdout, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n$/);
    // two URLs: the file holds both header blocks; a new command truncates it first
    const two = await exec(
      'curl -s -o /dev/null -D /tmp/h.txt http://httpbin:8000/get http://httpbin:8000/status/204; grep -c ^HTTP/ /tmp/h.txt',
    );
    assert.equal(two.stdout, '2\n');
    // no response: the file exists, empty
    const none = await exec('curl -s -D /tmp/h.txt http://nope:8000/; echo "exit $?"; wc -c < /tmp/h.txt');
    assert.equal(none.stdout, 'exit 6\n0\n');
    // --fail fails after the headers went out (curl 7.75.0+)
    const failing = await exec('curl -sSf -D - http://httpbin:8000/status/503');
    assert.equal(failing.code, 22);
    assert.match(failing.stdout, /^HTTP\/1\.1 503 Service Unavailable\r\n[\s\S]*\r\n\r\n$/);
    // a file curl cannot open: exit 23, no transfer
    const denied = await exec('curl -sS -D /etc/h.txt http://httpbin:8000/get');
    assert.equal(denied.code, 23);
    assert.equal(denied.stdout, '');
    assert.equal(denied.stderr, 'curl: Failed to open /etc/h.txt\ncommand terminated with exit code 23\n');
  });

  it("reports DNS and connection failures with curl's exit codes", async () => {
    const dns = await k(['exec', '-n', 'foo', 'curl-5b549b49b8-x2x9k', '--', 'curl', '-sS', 'http://nope:8000/']);
    assert.equal(dns.code, 6);
    assert.match(dns.stderr, /^curl: \(6\) Could not resolve host: nope\n/);
    const refused = await k(['exec', '-n', 'foo', 'curl-5b549b49b8-x2x9k', '--', 'curl', '-sS', 'http://nobody/']);
    assert.equal(refused.code, 7);
    const timeout = await k([
      'exec',
      '-n',
      'foo',
      'curl-5b549b49b8-x2x9k',
      '--',
      'curl',
      '-sS',
      '--max-time',
      '0.2',
      'http://httpbin:9999/',
    ]);
    assert.equal(timeout.code, 28);
  });

  it('speaks SPDY exec too (kubectl ≤ 1.29, or websockets turned off)', async () => {
    process.env.KUBECTL_REMOTE_COMMAND_WEBSOCKETS = 'false';
    try {
      const r = await k([
        'exec',
        '-n',
        'foo',
        'curl-5b549b49b8-x2x9k',
        '--',
        'sh',
        '-c',
        'echo out; echo err >&2; exit 4',
      ]);
      assert.equal(r.code, 4);
      assert.equal(r.stdout, 'out\n');
      assert.equal(r.stderr, 'err\ncommand terminated with exit code 4\n');
      const i = await k(['exec', '-i', '-n', 'foo', 'curl-5b549b49b8-x2x9k', '--', 'cat'], 'piped\n');
      assert.equal(i.stdout, 'piped\n');
      assert.equal(i.code, 0);
    } finally {
      delete process.env.KUBECTL_REMOTE_COMMAND_WEBSOCKETS;
    }
  });

  it('refuses a container that is not running yet', async () => {
    const r = await k(['exec', '-n', 'foo', 'starting', '--', 'true']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /unable to upgrade connection: container not found \("app"\)/);
  });

  it('resolves names with nslookup', async () => {
    const r = await k(['exec', '-n', 'foo', 'curl-5b549b49b8-x2x9k', '--', 'nslookup', 'httpbin']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Name:\thttpbin\.foo\.svc\.cluster\.local\nAddress: 10\.43\.\d+\.\d+\n/);
  });
});
