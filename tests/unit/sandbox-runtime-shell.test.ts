import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {parse, tokenize} from '../../server/backends/sandbox/runtime/shell/parser';
import {parseCurlArgs} from '../../server/backends/sandbox/runtime/commands/curl-args';
import {imageSpecFor, repositoryOf} from '../../server/backends/sandbox/runtime/images/catalog';
import {inProcessRuntime} from '../fixtures/sandbox-runtime/in-process';
import {createService} from '../fixtures/sandbox-runtime/pods';

describe('sh parser', () => {
  it('splits lists, and-or chains and pipelines', () => {
    const s = parse("echo a | grep a && echo 'b c' || exit 3; true");
    assert.equal(s.length, 2);
    assert.equal(s[0]!.first.commands.length, 2);
    assert.deepEqual(
      s[0]!.rest.map((r) => r.op),
      ['&&', '||'],
    );
  });

  it('keeps quoting for expansion and reads redirections', () => {
    const [t1, t2, t3, t4] = tokenize(`"$HOME/x" 2>/dev/null >&2`);
    assert.equal(t1!.t, 'word');
    assert.deepEqual(t1!.t === 'word' && t1!.word.parts.map((p) => p.kind), ['lit', 'param', 'lit']);
    assert.deepEqual(t2, {t: 'redir', fd: 2, op: '>'});
    assert.equal(t3!.t, 'word');
    assert.deepEqual(t4, {t: 'redir', fd: 1, op: '>&'});
  });

  it('parses for, while, if and subshells', () => {
    const [f] = parse('for i in 1 2; do echo $i; done');
    assert.equal(f!.first.commands[0]!.kind, 'for');
    const [w] = parse('while true; do break; done');
    assert.equal(w!.first.commands[0]!.kind, 'while');
    const [i] = parse('if false; then echo a; elif true; then echo b; else echo c; fi');
    assert.equal(i!.first.commands[0]!.kind, 'if');
    assert.equal(parse('(cd /tmp; pwd) | cat')[0]!.first.commands[0]!.kind, 'subshell');
    assert.throws(() => parse('for i in 1; do echo'), /end of file unexpected \(expecting "done"\)/);
  });

  it('rejects what sh rejects', () => {
    assert.throws(() => parse("echo 'open"), /Unterminated quoted string/);
    assert.throws(() => parse('| x'), /"\|" unexpected/);
    assert.throws(() => parse('echo $(date'), /expecting "\)"/);
  });
});

describe('curl flags', () => {
  it('reads combined short flags, attached values and long options', () => {
    const r = parseCurlArgs([
      '-sSfo',
      '/dev/null',
      '-w%{http_code}',
      '-H',
      'X-A: 1',
      '--max-time',
      '3',
      '-XPOST',
      '--data',
      'a=b',
      'httpbin:8000/post',
    ]);
    assert.ok(r.ok);
    assert.deepEqual(
      {
        s: r.opts.silent,
        S: r.opts.showError,
        f: r.opts.fail,
        o: r.opts.output,
        w: r.opts.writeOut,
        h: r.opts.headers,
        m: r.opts.maxTimeSec,
        X: r.opts.method,
        d: r.opts.data,
        u: r.opts.urls,
      },
      {
        s: true,
        S: true,
        f: true,
        o: '/dev/null',
        w: '%{http_code}',
        h: ['X-A: 1'],
        m: 3,
        X: 'POST',
        d: 'a=b',
        u: ['httpbin:8000/post'],
      },
    );
  });

  it('reads -D as curl does: attached, separate, long', () => {
    const d = (args: string[]) => {
      const r = parseCurlArgs([...args, 'web']);
      return r.ok ? r.opts.dumpHeader : r.message;
    };
    assert.equal(d(['-sD-']), '-');
    assert.equal(d(['-D', '/tmp/h']), '/tmp/h');
    assert.equal(d(['--dump-header=%']), '%');
    assert.equal(d(['--dump-header', 'h.txt']), 'h.txt');
    assert.match(String(d(['-D'])), /^curl: no URL specified/, '-D takes the next word, here the URL');
  });

  it('fails like curl on bad usage', () => {
    assert.deepEqual(parseCurlArgs(['-s']), {
      ok: false,
      code: 2,
      message: "curl: no URL specified\ncurl: try 'curl --help' or 'curl --manual' for more information",
    });
    const unknown = parseCurlArgs(['--frobnicate', 'x']);
    assert.ok(!unknown.ok && unknown.code === 2 && /option --frobnicate: is unknown/.test(unknown.message));
  });
});

describe('image catalog', () => {
  it('finds entries whatever the registry and tag', () => {
    assert.equal(repositoryOf('docker.io/istio/examples-helloworld-v1:1.0'), 'istio/examples-helloworld-v1');
    assert.equal(repositoryOf('nginx'), 'library/nginx');
    assert.equal(imageSpecFor('registry.istio.io/release/examples-helloworld-v2:1.0').id, 'helloworld');
    assert.equal(imageSpecFor('mccutchen/go-httpbin@sha256:abc').id, 'httpbin');
    assert.equal(imageSpecFor('ghcr.io/someone/unknown:1').id, 'generic');
  });
});

describe('in-pod shell', () => {
  const r = inProcessRuntime();
  before(() => {
    r.pod({
      name: 'c',
      namespace: 'default',
      podIP: '10.42.0.9',
      containers: [{name: 'curl', image: 'curlimages/curl', env: {GREETING: 'hello world'}}],
    });
    r.pod({
      name: 'web',
      namespace: 'default',
      labels: {app: 'web'},
      podIP: '10.42.0.10',
      containers: [{name: 'nginx', image: 'nginx:1.27'}],
    });
    createService(r.store, 'web', 'default', {app: 'web'}, [{port: 80}]);
    r.pod({
      name: 'bin',
      namespace: 'default',
      labels: {app: 'bin'},
      podIP: '10.42.0.11',
      containers: [{name: 'httpbin', image: 'mccutchen/go-httpbin:v2.15.0'}],
    });
    createService(r.store, 'bin', 'default', {app: 'bin'}, [{port: 8000, targetPort: 8080}]);
  });
  after(() => r.dispose());
  const sh = (script: string, stdin?: string) => r.exec('default', 'c', ['sh', '-c', script], stdin);

  it('expands variables, quotes and command substitution', async () => {
    assert.equal((await sh('echo $GREETING "$GREETING" \'$GREETING\'')).stdout, 'hello world hello world $GREETING\n');
    assert.equal((await sh('X=1; echo "x=$X" ${MISSING:-dflt} $(echo sub)')).stdout, 'x=1 dflt sub\n');
    assert.equal((await sh('false; echo $?')).stdout, '1\n');
  });

  it('runs loops, conditionals, arithmetic and subshells', async () => {
    assert.equal((await sh('for i in $(seq 3); do echo "n=$i"; done')).stdout, 'n=1\nn=2\nn=3\n');
    assert.equal((await sh('i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo $i $((2*(3+4)%5))')).stdout, '3 4\n');
    assert.equal((await sh('if [ "$HOME" = /home/curl_user ]; then echo home; else echo away; fi')).stdout, 'home\n');
    assert.equal((await sh('(cd /tmp; pwd); pwd')).stdout, '/tmp\n/home/curl_user\n');
    assert.equal((await sh('printf "b\\na\\nb\\n" | sort | uniq -c')).stdout, '      1 a\n      2 b\n');
    assert.equal((await sh('echo a:b:c | cut -d: -f2-')).stdout, 'b:c\n');
    // the writer of a pipe whose reader is gone stops, as with SIGPIPE
    assert.deepEqual(await sh('while true; do echo y; done | head -n 1'), {code: 0, stdout: 'y\n', stderr: ''});
  });

  it('runs pipes, && || and redirections', async () => {
    assert.equal((await sh('printf "a\\nb\\nc\\n" | grep -v b | wc -l')).stdout, '2\n');
    assert.equal((await sh('false && echo no || echo yes')).stdout, 'yes\n');
    assert.deepEqual(await sh('echo hidden > /dev/null; cat /nope 2>/dev/null; echo $?'), {
      code: 0,
      stdout: '1\n',
      stderr: '',
    });
    assert.equal((await sh('echo kept > /tmp/f; cat /tmp/f')).stdout, 'kept\n');
    assert.match((await sh('echo x > /etc/passwd')).stderr, /^sh: can't create \/etc\/passwd: Permission denied\n$/);
    assert.equal((await sh('cat', 'from stdin')).stdout, 'from stdin');
  });

  it('knows the pod: hostname, /etc/hosts, id, getent-free DNS', async () => {
    assert.equal(
      (await sh('hostname; id; pwd; whoami')).stdout,
      'c\nuid=100(curl_user) gid=101(curl_group) groups=101(curl_group)\n/home/curl_user\ncurl_user\n',
    );
    assert.match((await sh('cat /etc/hosts')).stdout, /\n10\.42\.0\.9\tc\n$/);
    assert.match((await sh('cat /etc/os-release')).stdout, /^NAME="Alpine Linux"/);
  });

  it("curl -i of go-httpbin shows net/http's head: sorted headers, Date, Content-Length, no Connection unless asked", async () => {
    const head = (out: string) =>
      out
        .slice(0, out.indexOf('\r\n\r\n'))
        .split('\r\n')
        .map((l) => l.replace(/^Date: .* GMT$/, 'Date: <date>'));
    const kept = await sh('curl -si bin:8000/status/418');
    assert.deepEqual(head(kept.stdout), [
      "HTTP/1.1 418 I'm a teapot",
      'Access-Control-Allow-Credentials: true',
      'Access-Control-Allow-Origin: *',
      'Content-Type: text/plain; charset=utf-8',
      'X-More-Info: http://tools.ietf.org/html/rfc2324',
      'Date: <date>',
      'Content-Length: 13',
    ]);
    const closing = await sh("curl -si -H 'Connection: close' bin:8000/status/204");
    assert.deepEqual(head(closing.stdout), [
      'HTTP/1.1 204 No Content',
      'Access-Control-Allow-Credentials: true',
      'Access-Control-Allow-Origin: *',
      'Content-Type: text/plain; charset=utf-8',
      'Connection: close',
      'Date: <date>',
    ]);
  });

  it('curls the nginx Service with -i, -I and -v', async () => {
    const i = await sh('curl -si http://web/');
    assert.match(i.stdout, /^HTTP\/1\.1 200 OK\r\nServer: nginx\/1\.27\.3\r\n[\s\S]*\r\n\r\n<!DOCTYPE html>/);
    const head = await sh('curl -sI web');
    assert.match(head.stdout, /^HTTP\/1\.1 200 OK\r\n[\s\S]*Content-Length: 615\r\n[\s\S]*\r\n\r\n$/);
    const v = await sh('curl -sv -o /dev/null http://web/missing');
    assert.match(v.stderr, /\* Connected to web \(10\.43\.\d+\.\d+\) port 80\n/);
    assert.match(
      v.stderr,
      /> GET \/missing HTTP\/1\.1\r\n> Host: web\r\n> User-Agent: curl\/8\.16\.0\r\n> Accept: \*\/\*\r\n/,
    );
    assert.match(v.stderr, /< HTTP\/1\.1 404 Not Found\r\n/);
    // nginx logged both requests in its access log format
    const logs = r.rt.logs
      .container(r.rt.pod('default', 'web')!, 'nginx')!
      .current.snapshot()
      .map((l) => l.text);
    assert.match(
      logs.at(-1)!,
      /^10\.42\.0\.9 - - \[\d\d\/\w{3}\/\d{4}:[\d:]+ \+0000\] "GET \/missing HTTP\/1\.1" 404 \d+ "-" "curl\/8\.16\.0" "-"$/,
    );
  });

  it('curl -D %: stderr from curl 8.10.0, a file named % before; -i with --fail shows the headers', async () => {
    const stderr = await sh('curl -s -o /dev/null -D % http://web/');
    assert.match(stderr.stderr, /^HTTP\/1\.1 200 OK\r\nServer: nginx\/1\.27\.3\r\n[\s\S]*\r\n\r\n$/);
    const old = await sh('cd /tmp && CURL_VERSION=8.9.1 curl -s -o /dev/null -D % http://web/ && head -1 %');
    assert.equal(old.stderr, '');
    assert.equal(old.stdout, 'HTTP/1.1 200 OK\r\n');
    const failing = await sh('curl -sif http://web/missing');
    assert.match(failing.stdout, /^HTTP\/1\.1 404 Not Found\r\n[\s\S]*\r\n\r\n$/);
    assert.equal(failing.stderr, '');
  });

  it('ps shows PID 1 and the exec, with no sh for a direct exec', async () => {
    const direct = await r.exec('default', 'c', ['ps']);
    assert.match(
      direct.stdout,
      /^PID {3}USER {5}TIME {2}COMMAND\n {4}1 curl_use {2}0:00 \/entrypoint\.sh curl\n +\d+ curl_use {2}0:00 ps\n$/,
    );
    assert.match((await sh('ps')).stdout, /\n +\d+ curl_use {2}0:00 sh\n/);
  });

  it('treats a Running pod without containerStatuses as running (a minimal kubelet sim)', async () => {
    const pods = r.store.types.lookup('', 'v1', 'pods')!;
    const p = r.store.create(pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: 'bare', namespace: 'default'},
      spec: {containers: [{name: 'bb', image: 'busybox'}]},
    });
    r.store.updateStatus(pods, {
      ...p,
      status: {phase: 'Running', podIP: '10.42.0.30', startTime: new Date().toISOString()},
    });
    assert.equal((await r.exec('default', 'bare', ['hostname'])).stdout, 'bare\n');
  });

  it('wget -qO- and a missing command', async () => {
    assert.match((await sh('wget -qO- http://web.default.svc.cluster.local')).stdout, /Welcome to nginx!/);
    assert.deepEqual(await sh('python3 -V'), {code: 127, stdout: '', stderr: 'sh: python3: not found\n'});
  });
});
