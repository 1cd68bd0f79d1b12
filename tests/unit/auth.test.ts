/** Access rules: token comparison and extraction, Host (DNS rebinding), Origin (cross-site hijacking), cookies. */
import assert from 'node:assert/strict';
import type {IncomingMessage} from 'node:http';
import {test} from 'node:test';
import {authorize, checkHost} from '../../server/auth/authorize';
import {readCookie, setCookieHeader} from '../../server/auth/cookie';
import {hostAllowed, parseHost} from '../../server/auth/host-check';
import {originMatchesHost} from '../../server/auth/origin-check';
import {presentedToken, tokensEqual} from '../../server/auth/token';

const TOKEN = 'secret-token-0123456789abcdef';
const policy = {port: 4321, allowedHosts: ['lab.example', 'proxy.example:8443'], token: TOKEN};

function req(headers: Record<string, string>): IncomingMessage {
  return {headers} as unknown as IncomingMessage;
}
const url = (q = '') => new URL(`http://x/api/progress${q}`);

test('tokensEqual compares exactly, whatever the lengths', () => {
  assert.ok(tokensEqual(TOKEN, TOKEN));
  assert.ok(!tokensEqual(TOKEN + 'x', TOKEN));
  assert.ok(!tokensEqual('', TOKEN));
  assert.ok(!tokensEqual(TOKEN.toUpperCase(), TOKEN));
});

test('the token is read from the Authorization header, the query, or the cookie', () => {
  assert.deepEqual(presentedToken(req({authorization: `Bearer ${TOKEN}`}), url(), 4321), {
    token: TOKEN,
    source: 'header',
  });
  assert.deepEqual(presentedToken(req({}), url(`?token=${TOKEN}`), 4321), {token: TOKEN, source: 'query'});
  assert.deepEqual(presentedToken(req({cookie: `a=b; lab_token_4321=${TOKEN}; c=d`}), url(), 4321), {
    token: TOKEN,
    source: 'cookie',
  });
  assert.equal(presentedToken(req({authorization: `Basic ${TOKEN}`}), url(), 4321), undefined);
  assert.equal(presentedToken(req({cookie: 'other=1'}), url(), 4321), undefined);
  // another lab's cookie (another port on the same host) is not ours
  assert.equal(presentedToken(req({cookie: `lab_token_4399=${TOKEN}`}), url(), 4321), undefined);
});

test('cookies: read one value; the token cookie is HttpOnly and SameSite=Strict', () => {
  assert.equal(readCookie('x=1; lab_token=a%20b', 'lab_token'), 'a b');
  assert.equal(readCookie('xlab_token=1', 'lab_token'), undefined);
  assert.equal(readCookie('lab_token=%E0%A4%A', 'lab_token'), undefined);
  const header = setCookieHeader('lab_token', TOKEN);
  assert.match(header, /^lab_token=secret-token-0123456789abcdef;/);
  assert.match(header, /HttpOnly/);
  assert.match(header, /SameSite=Strict/);
  assert.match(header, /Path=\//);
});

test('Host: loopback names on our port, and the allowed extra names', () => {
  for (const h of [
    '127.0.0.1:4321',
    'localhost:4321',
    'LOCALHOST:4321',
    '[::1]:4321',
    'lab.example',
    'lab.example:80',
    'proxy.example:8443',
  ]) {
    assert.ok(hostAllowed(h, policy), h);
  }
  for (const h of [
    undefined,
    '',
    '127.0.0.1',
    '127.0.0.1:4322',
    'localhost:80',
    'evil.example:4321',
    '127.0.0.1.evil.example:4321',
    'proxy.example:443',
    '[::1]',
    'localhost:4321@evil',
    'localhost:99999',
    '0.0.0.0:4321',
  ]) {
    assert.ok(!hostAllowed(h, policy), String(h));
  }
  assert.deepEqual(parseHost('[::1]:80'), {name: '[::1]', port: 80});
});

test('Origin must be same-origin with the Host', () => {
  assert.ok(originMatchesHost('http://127.0.0.1:4321', '127.0.0.1:4321'));
  assert.ok(originMatchesHost('http://[::1]:4321', '[::1]:4321'));
  assert.ok(originMatchesHost('https://lab.example', 'lab.example'));
  assert.ok(
    !originMatchesHost('http://localhost:4321', '127.0.0.1:4321'),
    'localhost and 127.0.0.1 are different origins',
  );
  assert.ok(!originMatchesHost('http://127.0.0.1:4322', '127.0.0.1:4321'));
  assert.ok(!originMatchesHost('http://evil.example', '127.0.0.1:4321'));
  assert.ok(!originMatchesHost('null', '127.0.0.1:4321'));
  assert.ok(!originMatchesHost('file://', '127.0.0.1:4321'));
  assert.ok(!originMatchesHost('chrome-extension://abc', '127.0.0.1:4321'));
});

test('authorize: the order of refusals and the accepted cases', () => {
  const host = '127.0.0.1:4321';
  const origin = 'http://127.0.0.1:4321';
  const bearer = `Bearer ${TOKEN}`;
  const code = (headers: Record<string, string>, q = '') => {
    const d = authorize(req(headers), url(q), policy);
    return d.ok ? `ok:${d.source}` : `${d.status}:${d.code}`;
  };
  assert.equal(code({host: 'evil.example:4321', authorization: bearer}), '403:host-not-allowed');
  assert.equal(code({host, origin: 'http://evil.example', authorization: bearer}), '403:origin-not-allowed');
  assert.equal(code({host, origin}), '401:token-required');
  assert.equal(code({host, origin, authorization: 'Bearer wrong-token'}), '401:bad-token');
  assert.equal(code({host, origin, authorization: bearer}), 'ok:header');
  assert.equal(code({host}, `?token=${TOKEN}`), 'ok:query', 'non-browser client without Origin');
  assert.equal(code({host, authorization: bearer}), 'ok:header', 'non-browser client without Origin');
  assert.equal(code({host, origin, cookie: `lab_token_4321=${TOKEN}`}), 'ok:cookie');
  assert.equal(
    code({host, cookie: `lab_token_4321=${TOKEN}`, 'sec-fetch-site': 'same-origin'}),
    'ok:cookie',
    'same-origin GET fetch',
  );
  assert.equal(
    code({host, cookie: `lab_token_4321=${TOKEN}`}),
    '403:origin-required',
    'cookie alone, no Origin, no Sec-Fetch-Site',
  );
  assert.equal(code({host, cookie: `lab_token_4321=${TOKEN}`, 'sec-fetch-site': 'cross-site'}), '403:origin-required');
  assert.ok(checkHost(req({host}), policy).ok);
});
