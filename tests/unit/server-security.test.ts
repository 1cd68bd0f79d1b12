/**
 * The real server on port 0 with a throwaway site: what it refuses (no token, foreign Origin, foreign Host,
 * path traversal) and what it allows (public static pages, the token's cookie flow, authorised API and socket).
 */
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, test} from 'node:test';
import WebSocket from 'ws';
import {silentLogger} from '../../server/config/logger';
import {OptionsError, resolveOptions, type LabOptionsInput} from '../../server/config/options';
import {startLabServer, type LabServer} from '../../server/http/server';
import {manifestIndex} from '../../server/manifests/load';

const TOKEN = 'test-token-0123456789abcdef0123';
let lab: LabServer;
let dir: string;
let origin: string;
let host: string;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lab-security-'));
  const site = path.join(dir, 'site');
  mkdirSync(path.join(site, 'docs', 'intro'), {recursive: true});
  mkdirSync(path.join(site, 'ko', 'docs'), {recursive: true});
  mkdirSync(path.join(site, 'assets', 'js'), {recursive: true});
  writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>home</title>');
  writeFileSync(path.join(site, '404.html'), '<!doctype html><title>not found</title>');
  writeFileSync(path.join(site, 'ko', '404.html'), '<!doctype html><title>찾을 수 없음</title>');
  writeFileSync(path.join(site, 'docs', 'intro', 'index.html'), '<!doctype html><title>intro</title>');
  writeFileSync(path.join(site, 'ko', 'docs', 'mesh.html'), '<!doctype html><title>메시</title>');
  writeFileSync(path.join(site, 'assets', 'js', 'main.0a1b2c3d.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'secret.txt'), 'outside the site');
  lab = await startLabServer({
    port: 0,
    token: TOKEN,
    siteDir: site,
    stateDir: path.join(dir, 'state'),
    logger: silentLogger(),
    manifests: manifestIndex(new Map()),
    // no session is started here: upgrades are refused or accepted before any attach
    sessions: {
      create: () => Promise.reject(new Error('no sessions in this test')),
      get: () => undefined,
      attach() {},
      detach() {},
      closeAll() {},
    },
  });
  host = `127.0.0.1:${lab.port}`;
  origin = `http://${host}`;
});
after(async () => {
  await lab.close();
  rmSync(dir, {recursive: true, force: true});
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw GET (http.get would normalise the path; traversal tests need it verbatim). */
function get(pathname: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {host: '127.0.0.1', port: lab.port, path: pathname, headers: {host, ...headers}},
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headers, body}));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The HTTP status of a WebSocket upgrade: 101 when it was accepted, else the refusal's. */
function upgrade(headers: Record<string, string>, query = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${lab.port}/ws${query}`, {headers});
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.on('error', reject);
  });
}

/** Send raw bytes and return the status line: for requests no well-behaved client would make. */
function rawRequest(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(lab.port, '127.0.0.1', () => socket.write(text));
    let data = '';
    socket.on('data', (c) => (data += c.toString('utf8')));
    socket.on('end', () => resolve(data.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

test('WebSocket upgrade without the token is refused with 401 before upgrading', async () => {
  assert.equal(await upgrade({Origin: origin}), 401);
  assert.equal(await upgrade({Origin: origin}, '?token=wrong-token-0123456789'), 401);
});

test('WebSocket upgrade from a foreign Origin is refused with 403, even with the token', async () => {
  assert.equal(await upgrade({Origin: 'http://evil.example', Authorization: `Bearer ${TOKEN}`}), 403);
  assert.equal(await upgrade({Origin: `http://localhost:${lab.port}`}, `?token=${TOKEN}`), 403);
  assert.equal(await upgrade({Origin: 'null', Cookie: `lab_token_${lab.port}=${TOKEN}`}), 403);
});

test('WebSocket upgrade through a foreign Host (DNS rebinding) is refused', async () => {
  const evil = `evil.example:${lab.port}`;
  assert.equal(await upgrade({Host: evil, Origin: `http://${evil}`, Authorization: `Bearer ${TOKEN}`}), 403);
});

test('WebSocket upgrade with the token and our Origin is accepted (header, query, or cookie)', async () => {
  assert.equal(await upgrade({Origin: origin, Authorization: `Bearer ${TOKEN}`}), 101);
  assert.equal(await upgrade({Origin: origin}, `?token=${TOKEN}`), 101);
  assert.equal(await upgrade({Origin: origin, Cookie: `lab_token_${lab.port}=${TOKEN}`}), 101);
  assert.equal(await upgrade({}, `?token=${TOKEN}`), 101, 'a non-browser client without Origin');
});

test('WebSocket upgrade on another path is refused', async () => {
  const line = await rawRequest(
    `GET /other HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
  );
  assert.match(line, / 404 /);
});

test('/api/progress: 401 without token, 403 from a foreign Origin or Host, 200 with the token', async () => {
  assert.equal((await get('/api/progress')).status, 401);
  const refused = await get('/api/progress', {authorization: 'Bearer nope-nope-nope-nope'});
  assert.equal(refused.status, 401);
  assert.equal(JSON.parse(refused.body).error, 'bad-token');
  assert.equal(
    (await get('/api/progress', {authorization: `Bearer ${TOKEN}`, origin: 'http://evil.example'})).status,
    403,
  );
  assert.equal(
    (await get('/api/progress', {authorization: `Bearer ${TOKEN}`, host: `evil.example:${lab.port}`})).status,
    403,
  );
  const ok = await get('/api/progress', {authorization: `Bearer ${TOKEN}`, origin});
  assert.equal(ok.status, 200);
  assert.deepEqual(JSON.parse(ok.body), {});
  assert.equal(ok.headers['cache-control'], 'no-store');
  assert.equal((await get('/api/manifest?locale=ko', {authorization: `Bearer ${TOKEN}`})).body, '[]');
  assert.equal((await get('/api/manifest?locale=fr', {authorization: `Bearer ${TOKEN}`})).status, 400);
});

test('opening /?token= sets an HttpOnly SameSite=Strict cookie and redirects without the token', async () => {
  const res = await get(`/docs/intro?token=${TOKEN}&x=1`);
  assert.equal(res.status, 302);
  assert.equal(res.headers.location, '/docs/intro?x=1');
  const cookie = res.headers['set-cookie']?.[0] ?? '';
  assert.match(cookie, new RegExp(`^lab_token_${lab.port}=`));
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  // the cookie then authorises a same-origin fetch from the page
  const cookieHeader = cookie.split(';')[0]!;
  assert.equal((await get('/api/progress', {cookie: cookieHeader, 'sec-fetch-site': 'same-origin'})).status, 200);
  assert.equal((await get('/api/progress', {cookie: cookieHeader, 'sec-fetch-site': 'cross-site'})).status, 403);
  assert.equal((await get(`/?token=wrong-token-0123456789`)).status, 401);
});

test('static pages are served without the token, with Docusaurus path resolution', async () => {
  const home = await get('/');
  assert.equal(home.status, 200);
  assert.match(home.headers['content-type'] ?? '', /^text\/html/);
  assert.match(home.body, /home/);
  assert.match((await get('/docs/intro')).body, /intro/);
  assert.match((await get('/docs/intro/')).body, /intro/);
  assert.match((await get('/ko/docs/mesh')).body, /메시/);
  const asset = await get('/assets/js/main.0a1b2c3d.js');
  assert.match(asset.headers['content-type'] ?? '', /^text\/javascript/);
  assert.match(asset.headers['cache-control'] ?? '', /immutable/);
  assert.equal(home.headers['cache-control'], 'no-cache');
  assert.equal(home.headers['x-content-type-options'], 'nosniff');
  const again = await get('/', {'if-none-match': String(home.headers.etag)});
  assert.equal(again.status, 304);
});

test('unknown pages get the locale 404 page with status 404', async () => {
  const en = await get('/docs/nope');
  assert.equal(en.status, 404);
  assert.match(en.body, /not found/);
  const ko = await get('/ko/docs/nope');
  assert.equal(ko.status, 404);
  assert.match(ko.body, /찾을 수 없음/);
});

test('static pages still need an allowed Host', async () => {
  assert.equal((await get('/', {host: `evil.example:${lab.port}`})).status, 403);
});

test('path traversal never leaves the site', async () => {
  for (const p of [
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/docs/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/%00',
    '/%E0%A4%A',
  ]) {
    const res = await get(p);
    assert.ok(res.status === 404 || res.status === 400, `${p}: ${res.status}`);
    assert.doesNotMatch(res.body, /outside the site/, p);
  }
});

test('/healthz answers without the token and without details', async () => {
  const res = await get('/healthz');
  assert.equal(res.status, 200);
  assert.equal(res.body, 'ok\n');
});

test('only GET and HEAD reach the site and the API', async () => {
  assert.match(
    await rawRequest(`POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`),
    / 405 /,
  );
  assert.match(
    await rawRequest(
      `DELETE /api/progress HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`,
    ),
    / 405 /,
  );
});

test('options: loopback by default, a random token, and a host shell never offered beyond loopback by accident', () => {
  const o = resolveOptions({}, {});
  assert.equal(o.host, '127.0.0.1');
  assert.equal(o.port, 4321);
  assert.match(o.token, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
  assert.notEqual(resolveOptions({}, {}).token, o.token);
  assert.equal(resolveOptions({}, {LAB_TOKEN: TOKEN}).token, TOKEN);
  assert.equal(resolveOptions({}, {LAB_MAX_SESSIONS_PER_LEARNER: '50'}).maxSessionsPerLearner, 50);
  assert.throws(() => resolveOptions({host: '0.0.0.0'}, {}), /invalid option host: .*--allow-remote-shell/);
  assert.equal(resolveOptions({host: '0.0.0.0', allowRemoteShell: true}, {}).host, '0.0.0.0');
  // the sandbox's shell is a real bash too: no exception until shells are isolated
  assert.throws(() => resolveOptions({host: '0.0.0.0', backend: 'sandbox'}, {}), /--allow-remote-shell/);
  assert.equal(resolveOptions({}, {}).backend, 'sandbox', 'the sandbox is the default backend');
});

test('options: invalid values fail with a message naming the option', () => {
  const cases: [Record<string, unknown>, Record<string, string>, RegExp][] = [
    [{port: 70000}, {}, /option port/],
    [{lowWaterMark: 2 * 1024 * 1024}, {}, /option lowWaterMark: must be below highWaterMark/],
    [{backend: 'docker'}, {}, /option backend: must be "host" or "sandbox"/],
    [{token: 'short'}, {}, /option token/],
    [{maxMessageBytes: -1}, {}, /option maxMessageBytes/],
    [{bogus: 1}, {}, /option bogus: unknown option/],
    [{}, {LAB_PORT: 'abc'}, /option port/],
  ];
  for (const [input, env, message] of cases) {
    assert.throws(
      () => resolveOptions(input as LabOptionsInput, env),
      (err: unknown) => err instanceof OptionsError && message.test(err.message),
    );
  }
});
