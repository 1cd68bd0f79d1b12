/**
 * The WebSocket protocol end to end against the real server and real bash sessions: attach, type, see output;
 * bad messages answered and survived; reconnect resumes with the earlier output replayed; resize reaches the PTY;
 * shutdown leaves no shell behind.
 */
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, test} from 'node:test';
import {PROTOCOL_VERSION} from '../../src/core/protocol/messages';
import {ProtocolClient} from './ws-client';
import {silentLogger} from '../../server/config/logger';
import {startLabServer, type LabServer} from '../../server/http/server';
import {manifestIndex} from '../../server/manifests/load';
import type {StepEngine} from '../../server/engine/types';
import {SessionChannel, type ChannelPeer} from '../../server/http/session-channel';
import type {TerminalSession} from '../../server/sessions/types';

const TOKEN = 'ws-test-token-0123456789abcdef';
const MAX_MESSAGE_BYTES = 4096;
let lab: LabServer;
let dir: string;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lab-ws-'));
  mkdirSync(path.join(dir, 'site'));
  lab = await startLabServer({
    backend: 'host', // a plain bash on this machine: what these tests are about
    port: 0,
    token: TOKEN,
    siteDir: path.join(dir, 'site'),
    stateDir: path.join(dir, 'state'),
    maxMessageBytes: MAX_MESSAGE_BYTES,
    maxSessionsPerLearner: 20,
    logger: silentLogger(),
    manifests: manifestIndex(new Map()),
  });
});
after(async () => {
  await lab?.close();
  rmSync(dir, {recursive: true, force: true});
});

class Client extends ProtocolClient {
  constructor(port = lab.port) {
    super(port, TOKEN);
  }
}

test('attach starts a session; typed input runs in bash and its output arrives as binary frames', async () => {
  const c = new Client();
  const attached = await c.attach();
  assert.equal(attached.resumed, false);
  assert.equal(attached.backend, 'host');
  await c.next('progress');
  c.send({type: 'input', data: 'echo hi-$((40+2))\r'});
  await c.outputMatches(/hi-42/);
  await c.close();
});

test('a message before attach gets not-attached; ping gets pong at any time', async () => {
  const c = new Client();
  await c.opened;
  c.send({type: 'input', data: 'ls\r'});
  const err = await c.next('error');
  assert.equal(err.code, 'not-attached');
  c.send({type: 'ping', t: 7});
  assert.equal((await c.next('pong')).t, 7);
  await c.close();
});

test('bad messages get error frames and neither the socket nor the session suffers', async () => {
  const c = new Client();
  await c.attach();
  const errors = () => c.messages.filter((m) => m.type === 'error');
  c.sendRaw('this is not json');
  c.send({type: 'exec', command: 'id'});
  c.send({type: 'resize', cols: 0, rows: 24});
  c.send({type: 'input', data: 'x'.repeat(MAX_MESSAGE_BYTES + 10)});
  c.sendRaw(Buffer.from('binary'), true);
  c.send({type: 'attach', protocol: PROTOCOL_VERSION, cols: 80, rows: 24});
  await c.until(() => errors().length === 6, 'six error frames');
  assert.deepEqual(
    errors().map((e) => (e as {code: string}).code),
    ['bad-message', 'bad-message', 'bad-message', 'too-large', 'bad-message', 'bad-message'],
  );
  c.send({type: 'input', data: 'echo still-$((1+1))\r'});
  await c.outputMatches(/still-2/);
  await c.close();
});

test('after too many bad messages the socket closes, but the session survives', async () => {
  const c = new Client();
  const {sessionId} = await c.attach();
  for (let i = 0; i < 100; i++) c.sendRaw('{');
  await c.until(() => c.closed, 'the socket to close');
  const again = new Client();
  const attached = await again.attach(sessionId);
  assert.equal(attached.resumed, true);
  await again.close();
});

test('reconnecting with the session id resumes it and replays the earlier output', async () => {
  const first = new Client();
  const {sessionId} = await first.attach();
  first.send({type: 'input', data: 'echo before-$((6*7))\r'});
  await first.outputMatches(/before-42/);
  await first.close();

  const second = new Client();
  const attached = await second.attach(sessionId);
  assert.equal(attached.resumed, true);
  assert.equal(attached.sessionId, sessionId);
  assert.ok(attached.replayBytes > 0);
  await second.until(() => Buffer.byteLength(second.output) >= attached.replayBytes, 'the replay');
  assert.match(second.output, /before-42/, 'the replay has the output from before the reconnect');
  second.send({type: 'input', data: 'echo after-$((2+3))\r'});
  await second.outputMatches(/after-5/);
  await second.close();
});

test('attaching with an unknown session id says session-gone and starts a new session', async () => {
  const c = new Client();
  const attached = await c.attach('no-such-session-123');
  assert.equal(attached.resumed, false);
  assert.notEqual(attached.sessionId, 'no-such-session-123');
  const gone = c.messages.find((m) => m.type === 'error');
  assert.equal(gone?.type === 'error' && gone.code, 'session-gone');
  await c.close();
});

test('resize reaches the PTY (stty size)', async () => {
  const c = new Client();
  await c.attach(undefined, {cols: 80, rows: 24});
  c.send({type: 'resize', cols: 101, rows: 33});
  c.send({type: 'input', data: 'stty size\r'});
  await c.outputMatches(/33 101\r?\n/); // after the shell-integration marker, on its own output line
  await c.close();
});

test('two sockets on one session both see its output', async () => {
  const a = new Client();
  const {sessionId} = await a.attach();
  const b = new Client();
  await b.attach(sessionId);
  a.send({type: 'input', data: 'echo shared-$((3*3))\r'});
  await a.outputMatches(/shared-9/);
  await b.outputMatches(/shared-9/);
  await a.close();
  await b.close();
});

test('running an unknown step answers unknown-step', async () => {
  const c = new Client();
  await c.attach();
  c.send({type: 'run', locale: 'en', pageId: 'no-page', stepId: 'no-step'});
  const err = await c.next('error');
  assert.equal(err.code, 'unknown-step');
  await c.close();
});

test('shutdown closes every session: the page gets `exit` and no shell is left running', async () => {
  const other = await startLabServer({
    port: 0,
    token: TOKEN,
    siteDir: path.join(dir, 'site'),
    stateDir: path.join(dir, 'state-shutdown'),
    logger: silentLogger(),
    manifests: manifestIndex(new Map()),
  });
  const c = new Client(other.port);
  await c.attach();
  c.send({type: 'input', data: 'echo "pid=$$"; sleep 300 &\r'});
  await c.outputMatches(/pid=\d+/);
  const pid = Number(/pid=(\d+)/.exec(c.output)![1]);
  assert.ok(alive(pid));
  await other.close();
  const exit = await c.next('exit');
  assert.match(exit.reason, /shut/);
  await c.until(() => c.closed, 'the socket to close');
  assert.ok(!alive(pid), 'bash is gone');
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('flow control: a socket over highWaterMark pauses the PTY; draining below lowWaterMark resumes it', () => {
  const calls: string[] = [];
  let emit: (data: string) => void = () => {};
  const none = {dispose() {}};
  const session = {
    info: {id: 'flow-session-1', learner: 'local', createdAt: 0, pid: 0},
    onOutput: (l: (d: string) => void) => ((emit = l), none),
    onCommandStarted: () => none,
    onCommandFinished: () => none,
    onExit: () => none,
    scrollback: () => '',
    pause: () => calls.push('pause'),
    resume: () => calls.push('resume'),
  } as unknown as TerminalSession;
  const engine = {onResult: () => none, dispose() {}} as unknown as StepEngine;
  const channel = new SessionChannel(session, engine, {
    highWaterMark: 100,
    lowWaterMark: 10,
    progress: {snapshot: () => ({}), record() {}, resetPage() {}},
    toLearner() {},
    onClosed() {},
  });
  let buffered = 0;
  const pendingCallbacks: (() => void)[] = [];
  const peer: ChannelPeer = {
    sendJson() {},
    sendBinary(data, sent) {
      buffered += data.length;
      pendingCallbacks.push(() => {
        buffered -= data.length;
        sent();
      });
    },
    get bufferedAmount() {
      return buffered;
    },
    detached() {},
  };
  channel.join(peer, false, 'host');
  emit('x'.repeat(60));
  assert.deepEqual(calls, []);
  emit('x'.repeat(60)); // 120 > 100
  assert.deepEqual(calls, ['pause']);
  emit('x'.repeat(60)); // already paused: not paused twice
  pendingCallbacks.shift()!(); // 120 left: still over lowWaterMark
  pendingCallbacks.shift()!(); // 60 left
  assert.deepEqual(calls, ['pause']);
  pendingCallbacks.shift()!(); // 0 left: below lowWaterMark
  assert.deepEqual(calls, ['pause', 'resume']);
  channel.dispose();
});
