/**
 * argocd-server behind the real `kubectl port-forward svc/argocd-server 0:443`, as the Argo page opens it, read
 * with Node's HTTP and HTTPS clients: one port for plain HTTP (a 307 to https) and TLS (a self-signed certificate),
 * /healthz, /api/version, the session API with the bcrypt hash in argocd-secret, and the page in the UI's place.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import type {PeerCertificate, TLSSocket} from 'node:tls';
import {after, before, describe, it} from 'node:test';
import bcrypt from 'bcryptjs';
import {installPodRuntime, type PodRuntime} from '../../server/backends/sandbox/runtime/index';
import {startHarness, type Harness, type KubectlStream, NO_KUBECTL} from '../fixtures/sandbox/harness';
import {createNamespace, createPod, createService} from '../fixtures/sandbox-runtime/pods';

const SB = 'argo';
const PASSWORD = 'ambient-lab';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** the server's certificate and the protocol ALPN chose, read while the connection is open */
  tls?: {cert: PeerCertificate; alpn: string | false | null};
}

function call(
  port: number,
  opts: {tls?: boolean; method?: string; path: string; headers?: Record<string, string>; body?: string},
): Promise<Answer> {
  const base = {
    host: '127.0.0.1',
    port,
    method: opts.method ?? 'GET',
    path: opts.path,
    headers: opts.headers,
    agent: false,
  };
  return new Promise((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage) => {
      const socket = res.socket as TLSSocket;
      const tls = opts.tls ? {cert: socket.getPeerCertificate(), alpn: socket.alpnProtocol} : undefined;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headers, body, tls}));
    };
    const req = opts.tls
      ? // curl -k: the certificate is self-signed; offer h2 too, as curl does, to see which protocol the server picks
        // (tls.connect takes ALPNProtocols from the request's options; https.RequestOptions does not list it)
        https.request(
          {...base, rejectUnauthorized: false, ALPNProtocols: ['h2', 'http/1.1']} as https.RequestOptions,
          onResponse,
        )
      : http.request(base, onResponse);
    req.on('error', reject);
    req.end(opts.body);
  });
}

const json = {'Content-Type': 'application/json'};
const login = (port: number, username: string, password: string) =>
  call(port, {
    tls: true,
    method: 'POST',
    path: '/api/v1/session',
    headers: json,
    body: JSON.stringify({username, password}),
  });

describe('argocd-server through kubectl port-forward', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  let rt: PodRuntime;
  let pf: KubectlStream;
  let port: number;
  before(async () => {
    h = await startHarness();
    rt = installPodRuntime(h.api);
    const sb = h.api.sandboxes.create(SB);
    createNamespace(sb.store, 'argocd');
    createService(sb.store, 'argocd-server', 'argocd', {'app.kubernetes.io/name': 'argocd-server'}, [
      {name: 'http', port: 80, targetPort: 8080},
      {name: 'https', port: 443, targetPort: 8080},
    ]);
    // as install.yaml runs it: the image's tini entrypoint, the component as args
    createPod(sb.store, {
      name: 'argocd-server-5b8d7c9f4-x2x7q',
      namespace: 'argocd',
      labels: {'app.kubernetes.io/name': 'argocd-server'},
      containers: [
        {
          name: 'argocd-server',
          image: 'quay.io/argoproj/argocd:v3.5.4',
          args: ['/usr/local/bin/argocd-server'],
          ports: [{containerPort: 8080}, {containerPort: 8083}],
        },
      ],
    });
    createPod(sb.store, {
      name: 'argocd-repo-server-6c9b7d8f5-k2l4m',
      namespace: 'argocd',
      containers: [
        {
          name: 'argocd-repo-server',
          image: 'quay.io/argoproj/argocd:v3.5.4',
          args: ['/usr/local/bin/argocd-repo-server'],
        },
      ],
    });
    // a StatefulSet's pod, as install.yaml runs it; the reconciliation timeout as argocd-cm would set it
    createPod(sb.store, {
      name: 'argocd-application-controller-0',
      namespace: 'argocd',
      containers: [
        {
          name: 'argocd-application-controller',
          image: 'quay.io/argoproj/argocd:v3.5.4',
          args: ['/usr/local/bin/argocd-application-controller'],
          env: {ARGOCD_RECONCILIATION_TIMEOUT: '180s'},
        },
      ],
    });
    // server.insecure in argocd-cmd-params-cm: the same port serves the API on plain HTTP
    createPod(sb.store, {
      name: 'argocd-server-insecure',
      namespace: 'argocd',
      containers: [
        {
          name: 'argocd-server',
          image: 'quay.io/argoproj/argocd:v3.5.4',
          args: ['/usr/local/bin/argocd-server'],
          env: {ARGOCD_SERVER_INSECURE: 'true'},
        },
      ],
    });
    // the Secret install.yaml creates, then the page's patch: a bcrypt hash as stringData
    const hash = bcrypt.hashSync(PASSWORD, 4).replace(/^\$2a\$/, '$2b$');
    const c = await h.kubectl(SB, ['create', 'secret', 'generic', 'argocd-secret', '-n', 'argocd']);
    assert.equal(c.code, 0, c.stderr);
    const p = await h.kubectl(SB, [
      '-n',
      'argocd',
      'patch',
      'secret',
      'argocd-secret',
      '-p',
      JSON.stringify({stringData: {'admin.password': hash, 'admin.passwordMtime': '2026-01-01T00:00:00Z'}}),
    ]);
    assert.equal(p.code, 0, p.stderr);
    pf = h.kubectlStream(SB, ['port-forward', '-n', 'argocd', 'svc/argocd-server', ':443']);
    await pf.until(/Forwarding from 127\.0\.0\.1:\d+ -> 8080/);
    port = Number(/Forwarding from 127\.0\.0\.1:(\d+)/.exec(pf.stdout)![1]);
  });
  after(async () => {
    await pf?.stop();
    rt?.dispose();
    await h?.close();
  });

  it('redirects plain HTTP to https on the same port (307, net/http Redirect body)', async () => {
    const r = await call(port, {path: '/api/version?x=1'});
    assert.equal(r.status, 307);
    assert.equal(r.headers.location, `https://127.0.0.1:${port}/api/version?x=1`);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(r.body, `<a href="https://127.0.0.1:${port}/api/version?x=1">Temporary Redirect</a>.\n\n`);
  });

  it('answers TLS with a self-signed certificate for localhost and its Service, HTTP/1.1 by ALPN', async () => {
    const r = await call(port, {tls: true, path: '/healthz'});
    const cert = r.tls!.cert;
    assert.equal(cert.subject.O, 'Argo CD');
    assert.deepEqual(cert.issuer, cert.subject);
    assert.equal(
      cert.subjectaltname,
      'DNS:localhost, DNS:argocd-server, DNS:argocd-server.argocd, DNS:argocd-server.argocd.svc, DNS:argocd-server.argocd.svc.cluster.local',
    );
    assert.equal(r.tls!.alpn, 'http/1.1');
    assert.equal(r.status, 200);
    assert.equal(r.body, 'ok\n');
    assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
  });

  it('GET /api/version without a session gives only the version, from the image tag', async () => {
    const r = await call(port, {tls: true, path: '/api/version'});
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['grpc-metadata-content-type'], 'application/grpc');
    assert.equal(r.body, '{"Version":"v3.5.4"}');
  });

  it('logs in admin with the password whose hash is in argocd-secret; the token opens a session', async () => {
    const r = await login(port, 'admin', PASSWORD);
    assert.equal(r.status, 200, r.body);
    const {token} = JSON.parse(r.body) as {token: string};
    const [head, claims] = token
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as unknown);
    assert.deepEqual(head, {alg: 'HS256', typ: 'JWT'});
    const c = claims as Record<string, unknown>;
    assert.deepEqual(Object.keys(c), ['iss', 'sub', 'exp', 'nbf', 'iat', 'jti']);
    assert.equal(c.iss, 'argocd');
    assert.equal(c.sub, 'admin:login');
    assert.equal(Number(c.exp) - Number(c.iat), 24 * 3600);
    assert.deepEqual(r.headers['set-cookie'], [`argocd.token=${token}; path=/; SameSite=lax; httpOnly; Secure`]);
    const who = await call(port, {
      tls: true,
      path: '/api/v1/session/userinfo',
      headers: {Authorization: `Bearer ${token}`},
    });
    assert.equal(who.body, '{"loggedIn":true,"username":"admin","iss":"argocd"}');
    assert.equal((await call(port, {tls: true, path: '/api/v1/session/userinfo'})).body, '{}');
  });

  it('refuses a wrong password with the gateway error body, and a request that is not JSON', async () => {
    const r = await login(port, 'admin', 'wrong');
    assert.equal(r.status, 401);
    assert.equal(r.body, '{"error":"Invalid username or password","code":16,"message":"Invalid username or password"}');
    const nobody = await login(port, 'nobody', PASSWORD);
    assert.equal(nobody.status, 401);
    assert.match(nobody.body, /"Invalid username or password"/);
    const empty = await login(port, 'admin', '');
    assert.equal(empty.body, '{"error":"no credentials supplied","code":16,"message":"no credentials supplied"}');
    // curl -d without -H 'Content-Type: application/json' sends a form type: --api-content-types refuses it
    const form = await call(port, {
      tls: true,
      method: 'POST',
      path: '/api/v1/session',
      headers: {'Content-Type': 'application/x-www-form-urlencoded'},
      body: '{"username":"admin"}',
    });
    assert.equal(form.status, 415);
    assert.equal(form.body, 'Invalid content type\n');
  });

  it('asks for a session on the other APIs', async () => {
    const r = await call(port, {tls: true, path: '/api/v1/applications'});
    assert.equal(r.status, 401);
    assert.equal(r.body, '{"error":"no session information","code":16,"message":"no session information"}');
    const bad = await call(port, {tls: true, path: '/api/v1/applications', headers: {Authorization: 'Bearer x.y'}});
    assert.match(bad.body, /"invalid session: token is malformed: token contains an invalid number of segments"/);
  });

  it('serves a page in the UI’s place that says the UI is not simulated', async () => {
    const r = await call(port, {tls: true, path: '/'});
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(r.headers['x-frame-options'], 'sameorigin');
    assert.match(r.body, /<title>Argo CD<\/title>/);
    assert.match(r.body, /sandbox simulates Argo CD's API server endpoints[\s\S]*not its web UI/);
    assert.match(r.body, /kubectl get applications -n argocd/);
    // a browser's Accept gets the page on any UI route (HTML5 history); curl's */* gets net/http's 404
    const browser = await call(port, {tls: true, path: '/applications', headers: {Accept: 'text/html,*/*;q=0.8'}});
    assert.equal(browser.status, 200);
    assert.match(browser.body, /<title>Argo CD<\/title>/);
    const other = await call(port, {tls: true, path: '/applications'});
    assert.equal(other.status, 404);
    assert.equal(other.body, '404 page not found\n');
  });

  it('locks the account after five failed logins, as the session manager does', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await login(port, 'admin', `wrong-${i}`)).status, 401);
    const r = await login(port, 'admin', PASSWORD);
    assert.equal(r.status, 401);
    assert.match(r.body, /Invalid username or password/);
  });

  it('with ARGOCD_SERVER_INSECURE serves the API on plain HTTP, and its cookie is not Secure', async () => {
    const other = h.kubectlStream(SB, ['port-forward', '-n', 'argocd', 'pod/argocd-server-insecure', ':8080']);
    await other.until(/Forwarding from 127\.0\.0\.1:\d+/);
    const p = Number(/Forwarding from 127\.0\.0\.1:(\d+)/.exec(other.stdout)![1]);
    const v = await call(p, {path: '/api/version'});
    assert.equal(v.status, 200);
    assert.equal(v.body, '{"Version":"v3.5.4"}');
    const r = await call(p, {
      method: 'POST',
      path: '/api/v1/session',
      headers: json,
      body: JSON.stringify({username: 'admin', password: PASSWORD}),
    });
    assert.equal(r.status, 200, r.body);
    assert.match(r.headers['set-cookie']![0]!, /; path=\/; SameSite=lax; httpOnly$/);
    await other.stop();
  });

  it('serves only in the argocd-server process: the repo-server on the same image does not listen on 8080', async () => {
    const other = h.kubectlStream(SB, [
      'port-forward',
      '-n',
      'argocd',
      'pod/argocd-repo-server-6c9b7d8f5-k2l4m',
      ':8080',
    ]);
    await other.until(/Forwarding from 127\.0\.0\.1:\d+/);
    const p = Number(/Forwarding from 127\.0\.0\.1:(\d+)/.exec(other.stdout)![1]);
    // the kubelet's "connection refused" reaches kubectl's stderr: the forwarded connection is closed unanswered
    await assert.rejects(call(p, {path: '/healthz'}));
    await other.stop();
  });

  it('kubectl logs shows the start-up lines, all in JSON from the first (argo-cd v3.5.1 sources)', async () => {
    const r = await h.kubectl(SB, ['logs', '-n', 'argocd', 'argocd-server-5b8d7c9f4-x2x7q']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    // logrus JSONFormatter: the fields with level, msg and time, keys sorted
    assert.match(
      lines[0]!,
      /^\{"built":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ","commit":"[0-9a-f]{40}","level":"info","msg":"ArgoCD API Server is starting","namespace":"argocd","port":8080,"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ","version":"v3\.5\.4"\}$/,
    );
    const rest = lines.slice(1).map((l) => JSON.parse(l) as {level: string; msg: string; time: string});
    for (const l of rest) {
      assert.deepEqual(Object.keys(l), ['level', 'msg', 'time']);
      assert.equal(l.level, 'info');
      assert.match(l.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    const msgs = rest.map((l) => l.msg.replace(/^0xc[0-9a-f]+ /, '<chan> '));
    assert.deepEqual(msgs, [
      'Loading Redis credentials from environment variables',
      'Starting configmap/secret informers',
      'Configmap/secret informer synced',
      'Cluster cache informer synced',
      'Initialized admin password',
      'Initialized server signature',
      'Initialized TLS certificate',
      'argocd v3.5.4 serving on port 8080 (url: , tls: true, namespace: argocd, sso: false)',
      'Enabled application namespace patterns: argocd',
      '<chan> subscribed to settings updates',
      'Starting rbac config informer',
      "RBAC ConfigMap 'argocd-rbac-cm' added",
    ]);
  });

  it("the repo-server's start-up: TLS, then the GnuPG keyring's gpg commands with their Trace lines, then the listener", async () => {
    const r = await h.kubectl(SB, ['logs', '-n', 'argocd', 'argocd-repo-server-6c9b7d8f5-k2l4m']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string | number>);
    assert.deepEqual(Object.keys(lines[0]!), ['built', 'commit', 'level', 'msg', 'port', 'time', 'version']);
    assert.equal(lines[0]!.msg, 'ArgoCD Repository Server is starting');
    assert.equal(lines[0]!.port, 8081);
    assert.equal(lines[0]!.version, 'v3.5.4');
    const recipe = /^gpg --no-permission-warning --logger-fd 1 --batch --gen-key (\/tmp\/gpg-key-recipe\d+)$/.exec(
      String(lines[4]!.msg),
    );
    assert.ok(recipe, String(lines[4]!.msg));
    const key = /--export ([0-9A-F]{16})$/.exec(String(lines[9]!.msg))?.[1];
    assert.ok(key, String(lines[9]!.msg));
    const gpg = (args: string) => [args, 'Trace'];
    assert.deepEqual(
      lines.map((l) => l.msg),
      [
        'ArgoCD Repository Server is starting',
        'Loading Redis credentials from environment variables',
        'Generating self-signed TLS certificate for this session',
        'Initializing GnuPG keyring at /app/config/gpg/keys',
        ...gpg(`gpg --no-permission-warning --logger-fd 1 --batch --gen-key ${recipe[1]}`),
        'Populating GnuPG keyring with keys from /app/config/gpg/source',
        ...gpg('gpg --no-permission-warning --list-public-keys'),
        ...gpg(`gpg --no-permission-warning -a --export ${key}`),
        ...gpg(`gpg-wrapper.sh --no-permission-warning --list-secret-keys ${key}`),
        'Loaded 0 (and removed 0) keys from keyring',
        "Starting GPG sync watcher on directory '/app/config/gpg/source'",
        'argocd-repo-server is listening on [::]:8081',
        'starting grpc server',
      ],
    );
    // util/exec's line names the command and its execID; the span's Trace line its args, as logrusr prints them
    assert.deepEqual(Object.keys(lines[4]!), ['dir', 'execID', 'level', 'msg', 'time']);
    assert.match(String(lines[4]!.execID), /^[0-9a-f]{5}$/);
    assert.deepEqual(Object.keys(lines[5]!), ['args', 'dir', 'level', 'msg', 'operation_name', 'time', 'time_ms']);
    assert.equal(lines[5]!.args, `[gpg --no-permission-warning --logger-fd 1 --batch --gen-key ${recipe[1]}]`);
    assert.equal(lines[5]!.operation_name, 'exec gpg');
    assert.match(String(lines[5]!.time_ms), /^\d+\.\d+$/);
  });

  it('the application controller starts with its shards, resync periods and settings informers', async () => {
    const r = await h.kubectl(SB, ['logs', '-n', 'argocd', 'argocd-application-controller-0']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    assert.deepEqual(Object.keys(lines[0]!), ['built', 'commit', 'level', 'msg', 'namespace', 'time', 'version']);
    assert.deepEqual(
      lines.map((l) => l.msg),
      [
        'ArgoCD Application Controller is starting',
        'Loading Redis credentials from environment variables',
        'Processing all cluster shards',
        'Processing all cluster shards',
        // ARGOCD_RECONCILIATION_TIMEOUT=180s from argocd-cm; the hard resync and the jitter are the defaults
        'appResyncPeriod=3m0s, appHardResyncPeriod=0s, appResyncJitter=1m0s',
        'Starting configmap/secret informers',
        'Configmap/secret informer synced',
      ],
    );
  });

  it('an --insecure server makes no certificate and says tls: false; the repo-server prints no server lines', async () => {
    const r = await h.kubectl(SB, ['logs', '-n', 'argocd', 'argocd-server-insecure']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /Initialized TLS certificate/);
    assert.match(
      r.stdout,
      /"msg":"argocd v3\.5\.4 serving on port 8080 \(url: , tls: false, namespace: argocd, sso: false\)"/,
    );
    const repo = await h.kubectl(SB, ['logs', '-n', 'argocd', 'argocd-repo-server-6c9b7d8f5-k2l4m']);
    assert.equal(repo.code, 0, repo.stderr);
    assert.doesNotMatch(repo.stdout, /ArgoCD API Server/);
  });
});
