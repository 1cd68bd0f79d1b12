/**
 * What the page needs from the socket to never leave a learner stuck: at the session limit a tab may take the oldest
 * session over (the tab that had it is told); a step still running is shown running after a reload; every result
 * says which shell it ran in; the outline of a locale arrives with the first `page`.
 */
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, test} from 'node:test';
import type {PageManifest} from '../../src/core/steps/types';
import {silentLogger} from '../../server/config/logger';
import {startLabServer, type LabServer} from '../../server/http/server';
import {manifestIndex} from '../../server/manifests/load';
import {ProtocolClient} from './ws-client';

const TOKEN = 'take-over-token-0123456789abcdef';
const PAGE: PageManifest = {
  pageId: 'shell',
  locale: 'en',
  title: 'Shell',
  source: 'docs/shell.mdx',
  steps: [
    {id: 'set-name', lang: 'bash', command: 'export NAME=lab', timeoutMs: 5_000, exitCode: 0, expect: []},
    {id: 'slow', lang: 'bash', command: 'sleep 1.5; echo slow-done', timeoutMs: 10_000, exitCode: 0, expect: []},
  ],
};
let lab: LabServer;
let dir: string;
const clients: ProtocolClient[] = [];
const client = () => {
  const c = new ProtocolClient(lab.port, TOKEN);
  clients.push(c);
  return c;
};

// a server per test: sessions outlive their sockets (the detach grace), and these tests count sessions
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lab-take-over-'));
  mkdirSync(path.join(dir, 'site'));
  lab = await startLabServer({
    backend: 'host',
    port: 0,
    token: TOKEN,
    siteDir: path.join(dir, 'site'),
    stateDir: path.join(dir, 'state'),
    maxSessionsPerLearner: 2,
    logger: silentLogger(),
    manifests: manifestIndex(new Map([['en', [PAGE]]])),
  });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await lab?.close();
  rmSync(dir, {recursive: true, force: true});
});

test('at the session limit: refused with session-limit, then a take-over moves onto the oldest session', async () => {
  const first = client();
  const oldest = await first.attach();
  await first.next('progress');
  const second = client();
  await second.attach();
  const third = client();
  await third.opened;
  third.send({type: 'attach', protocol: 1, cols: 80, rows: 24});
  assert.equal((await third.next('error')).code, 'session-limit');

  const fourth = client();
  const attached = await fourth.attach(undefined, {cols: 80, rows: 24}, {takeOver: true});
  assert.deepEqual([attached.sessionId, attached.resumed], [oldest.sessionId, true]);
  const told = await first.next('error');
  assert.equal(told.code, 'taken-over');
  // the tab that lost the session is no longer attached: its input goes nowhere and is refused
  const before = first.messages.length;
  first.send({type: 'input', data: 'echo nope\r'});
  assert.equal((await first.next('error', before)).code, 'not-attached');
  // the one that took over has the shell
  fourth.send({type: 'input', data: 'echo took-$((20+1))\r'});
  await fourth.outputMatches(/took-21/);
});

test('a take-over of a named session lets the other tabs on it go', async () => {
  const a = client();
  const {sessionId} = await a.attach();
  const b = client();
  await b.attach(sessionId);
  const c = client();
  await c.attach(sessionId, {cols: 80, rows: 24}, {takeOver: true});
  assert.equal((await a.next('error')).code, 'taken-over');
  assert.equal((await b.next('error')).code, 'taken-over');
});

test('a reload while a step runs shows it running; results carry the shell they ran in; outline on page', async () => {
  const tab = client();
  const {sessionId} = await tab.attach();
  await tab.next('progress');
  tab.send({type: 'page', locale: 'en', pageId: 'shell'});
  const outline = await tab.next('outline');
  assert.deepEqual(outline.pages, [
    {
      pageId: 'shell',
      title: 'Shell',
      steps: [
        {id: 'set-name', changesShell: true},
        {id: 'slow', changesShell: false},
      ],
    },
  ]);
  tab.send({type: 'run', locale: 'en', pageId: 'shell', stepId: 'slow'});
  await tab.until(
    () => tab.messages.some((m) => m.type === 'step' && m.result.status === 'running'),
    'the step running',
  );
  await tab.close();

  const reloaded = client();
  await reloaded.attach(sessionId);
  const progress = await reloaded.next('progress');
  assert.equal(progress.progress.shell?.slow?.status, 'running', 'still running after the reload');
  assert.equal(progress.progress.shell?.slow?.shell, sessionId);
  await reloaded.until(
    () => reloaded.messages.some((m) => m.type === 'step' && m.result.status === 'passed'),
    'the step passed',
  );
  const passed = reloaded.messages.find((m) => m.type === 'step' && m.result.status === 'passed');
  assert.equal(passed?.type === 'step' && passed.result.shell, sessionId);
});
