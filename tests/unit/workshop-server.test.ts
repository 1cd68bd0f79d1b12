/**
 * Workshop mode through the real server: join with a code, an attendee's own terminal and progress, the board over
 * /ws/board within a step, the read-only view, what an attendee may not reach, export, and the end. The sandbox
 * backend is the real one; attendee shells are isolated when this machine allows (root + bubblewrap), as on CI.
 */
import assert from 'node:assert/strict';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import WebSocket from 'ws';
import type {LabServer} from '../../server/http/server';
import {probeIsolation} from '../../server/isolation/probe';
import type {BoardSnapshot, WatchServerMessage} from '../../src/core/protocol/workshop';
import type {PageManifest, StepSpec} from '../../src/core/steps/types';
import {startWorkshopTestLab, type WorkshopTestLab} from '../fixtures/workshop-lab';
import {ProtocolClient} from './ws-client';

const TOKEN = 'workshop-test-token-0123456789';

function step(id: string, command: string, output: string): StepSpec {
  return {id, lang: 'bash', command, timeoutMs: 60_000, exitCode: 0, expect: [{kind: 'contains', pattern: output}]};
}

const PAGE: PageManifest = {
  pageId: 'first',
  locale: 'en',
  title: 'First',
  source: 'docs/first.mdx',
  steps: [
    step('hello', 'echo hello-$((40+2))', 'hello-42'),
    step('who', 'id -u', ''),
    // as the walkthrough's wait-for-ready: the verify must see the attendee's files, cwd, HOME and user
    {
      ...step('ready', 'mkdir -p ~/work && cd ~/work && (sleep 1; touch .ready) & echo started', 'started'),
      verify: {
        command: 'test -f ~/work/.ready && echo "home=$HOME uid=$(id -u) ready-in=$(pwd)"',
        exitCode: 0,
        expect: [{kind: 'contains', pattern: 'home=/home/learner uid=20'}],
        timeoutMs: 30_000,
      },
    },
  ],
};

const isolation = probeIsolation();
const isolated = Boolean(isolation.bwrap && isolation.root);

describe('workshop mode', () => {
  let dir: string;
  let lab: LabServer;
  const origin = () => `http://127.0.0.1:${lab.port}`;
  const api = (p: string, init: RequestInit & {cookie?: string; token?: boolean} = {}) =>
    fetch(`${origin()}${p}`, {
      ...init,
      headers: {
        Origin: origin(),
        ...(init.body ? {'Content-Type': 'application/json'} : {}),
        ...(init.cookie ? {Cookie: init.cookie} : {}),
        ...(init.token ? {Authorization: `Bearer ${TOKEN}`} : {}),
      },
    });
  const join = async (name: string, code = lab.workshop!.code) => {
    const res = await api('/api/workshop/join', {method: 'POST', body: JSON.stringify({code, name})});
    const cookie = res.headers.get('set-cookie')?.split(';')[0];
    return {res, cookie, body: (await res.json()) as Record<string, unknown>};
  };

  let testLab: WorkshopTestLab | undefined;
  before(async () => {
    // a low output ceiling (256 KiB/s after a 1 MiB burst): a 2 MB flood reaches it at any PTY speed above
    // 0.6 MB/s; at the default 2 MiB/s a loaded machine's PTY could stay under it
    testLab = await startWorkshopTestLab({
      prefix: 'workshop-server-',
      token: TOKEN,
      page: PAGE,
      capacity: 8,
      limits: {outputBytesPerSecond: 256 * 1024},
    });
    ({lab, dir} = testLab);
  });
  after(() => testLab?.close());

  it('tells a stranger the workshop is open, and nothing else', async () => {
    const info = (await (await api('/api/workshop/info')).json()) as Record<string, unknown>;
    assert.deepEqual(info, {state: 'open', role: 'nobody', firstPage: 'first', pages: []});
    assert.equal((await api('/api/workshop/board')).status, 401);
    assert.equal((await api('/api/progress')).status, 401);
  });

  it('refuses a wrong code and a blank name, and lets an attendee in with an HttpOnly cookie', async () => {
    const wrong = await join('Ada', 'AAAAAA');
    assert.equal(wrong.res.status, 403);
    assert.equal(wrong.body.error, 'bad-code');
    assert.equal(wrong.cookie, undefined);
    const blank = await join('   ');
    assert.equal(blank.body.error, 'bad-name');
    const ok = await join('Ada');
    assert.equal(ok.res.status, 200);
    assert.match(ok.res.headers.get('set-cookie') ?? '', /HttpOnly; SameSite=Strict/);
    assert.equal(ok.body.name, 'Ada');
    const status = (await (await api('/api/status', {cookie: ok.cookie})).json()) as Record<string, unknown>;
    assert.equal(status.role, 'attendee');
  });

  it('keeps attendees out of the board, the export and each other’s sessions', async () => {
    const a = await join('Grace');
    assert.equal((await api('/api/workshop/board', {cookie: a.cookie})).status, 403);
    assert.equal((await api('/api/workshop/export.csv', {cookie: a.cookie})).status, 403);
    const action = await api('/api/workshop/action', {
      method: 'POST',
      cookie: a.cookie,
      body: JSON.stringify({action: 'end'}),
    });
    assert.equal(action.status, 403);
    const board = new WebSocket(`ws://127.0.0.1:${lab.port}/ws/board`, {
      headers: {Origin: origin(), Cookie: a.cookie!},
    });
    const refused = await new Promise<number>((resolve) =>
      board.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    assert.equal(refused, 403);

    // another attendee's session id gets nothing of theirs
    const b = await join('Linus');
    const ca = new ProtocolClient(lab.port, undefined, {headers: {Cookie: a.cookie!}});
    const attachedA = await ca.attach();
    const cb = new ProtocolClient(lab.port, undefined, {headers: {Cookie: b.cookie!}});
    const attachedB = await cb.attach(attachedA.sessionId);
    assert.notEqual(attachedB.sessionId, attachedA.sessionId);
    assert.ok(cb.messages.some((m) => m.type === 'error' && m.code === 'session-gone'));
    ca.close();
    cb.close();
  });

  it('shows a step an attendee passes on the board, lets the instructor watch, and exports it', async () => {
    const boardMessages: BoardSnapshot[] = [];
    const board = new WebSocket(`ws://127.0.0.1:${lab.port}/ws/board`, {
      headers: {Origin: origin(), Authorization: `Bearer ${TOKEN}`},
    });
    board.on('message', (d) => boardMessages.push((JSON.parse(String(d)) as {board: BoardSnapshot}).board));
    await new Promise((r) => board.once('open', r));

    const me = (await (await api('/api/workshop/info', {token: true})).json()) as Record<string, unknown>;
    assert.equal(me.role, 'instructor');
    const {cookie} = await join('Barbara');
    const c = new ProtocolClient(lab.port, undefined, {headers: {Cookie: cookie!}});
    await c.attach();
    const view = await c.next('workshop');
    assert.equal(view.view.name, 'Barbara');
    c.send({type: 'page', locale: 'en', pageId: 'first'});
    assert.equal((await c.runStep('en', 'first', 'hello')).status, 'passed');
    await until(() =>
      boardMessages.some((b) => b.rows.some((r) => r.name === 'Barbara' && r.steps['first/hello']?.state === 'passed')),
    );
    assert.equal(boardMessages.at(-1)!.joinUrl, `${origin()}/join`);
    assert.deepEqual(boardMessages.at(-1)!.pageTitles, {first: {en: 'First'}});
    const row = boardMessages.at(-1)!.rows.find((r) => r.name === 'Barbara')!;
    assert.equal(row.pageId, 'first');
    assert.equal(row.connected, true);

    // the read-only view: scrollback first, then live output; input refused without consent
    const frames: Array<WatchServerMessage | string> = [];
    const watch = new WebSocket(`ws://127.0.0.1:${lab.port}/ws/watch?attendee=${row.id}`, {
      headers: {Origin: origin(), Authorization: `Bearer ${TOKEN}`},
    });
    watch.on('message', (d, binary) => frames.push(binary ? String(d) : (JSON.parse(String(d)) as WatchServerMessage)));
    await until(() => frames.some((f) => typeof f === 'string' && f.includes('hello-42')));
    const hello = frames.find(
      (f): f is Extract<WatchServerMessage, {type: 'watch'}> => typeof f !== 'string' && f.type === 'watch',
    );
    assert.equal(hello?.mode, 'viewing');
    assert.equal(hello?.cols, 80);
    await c.until(
      () => c.messages.some((m) => m.type === 'workshop' && m.view.instructor === 'viewing'),
      'the viewing banner',
    );
    watch.send(JSON.stringify({type: 'input', data: 'echo typed-by-instructor\r'}));
    c.send({type: 'input', data: 'echo own-$((1+1))\r'});
    await until(() => frames.some((f) => typeof f === 'string' && f.includes('own-2')));
    assert.ok(!c.output.includes('typed-by-instructor'));

    // take over: asked, then allowed by the attendee, then the instructor types
    const ask = await api('/api/workshop/action', {
      method: 'POST',
      token: true,
      body: JSON.stringify({action: 'take-over', attendee: row.id}),
    });
    assert.equal(ask.status, 200);
    await c.until(
      () => c.messages.some((m) => m.type === 'workshop' && m.view.instructor === 'asking'),
      'the consent prompt',
    );
    c.send({type: 'consent', allow: true});
    await until(() => frames.some((f) => typeof f !== 'string' && f.type === 'watch' && f.mode === 'typing'));
    watch.send(JSON.stringify({type: 'input', data: 'echo from-the-front-$((2+3))\r'}));
    await c.outputMatches(/from-the-front-5/);
    watch.close();
    board.close();

    const csv = await (await api('/api/workshop/export.csv', {token: true})).text();
    assert.match(csv, /^attendee,attendeeId,pageId,stepId,status,attempts,timeTakenSeconds\r\n/);
    assert.match(csv, /Barbara,a-[a-z0-9]{10},first,hello,passed,1,/);
    const json = (await (await api('/api/workshop/export.json', {token: true})).json()) as {results: unknown[]};
    assert.ok(json.results.length >= 2);
    c.close();
  });

  it(
    'runs an attendee’s shell as their own user, away from the lab’s files',
    {skip: !isolated && 'needs root and bubblewrap', timeout: 300_000},
    async (t) => {
      const {cookie} = await join('Edsger');
      const c = new ProtocolClient(lab.port, undefined, {headers: {Cookie: cookie!}});
      c.reportOnAbort(t.signal, 'the isolated attendee shell');
      await c.attach();
      writeFileSync(path.join(dir, 'state', 'instructor-secret.txt'), 'secret');
      c.send({
        type: 'input',
        data: `echo "uid=$(id -u) home=$HOME"; cat ${dir}/state/instructor-secret.txt ${dir}/state/token; echo sandboxes=$(ls ${dir}/state/sandbox-backend | grep -vc mirror); echo "token=\${LAB_TOKEN:-none}"\r`,
      });
      await c.outputMatches(/token=none/);
      assert.match(c.output, /uid=20\d{4} home=\/home\/learner/);
      assert.match(c.output, /instructor-secret.txt: No such file or directory/);
      assert.match(c.output, /state\/token: No such file or directory/);
      assert.doesNotMatch(c.output, /\r\nsecret/);
      // other attendees' sandboxes (their kubeconfigs) are not even there: only its own folder is bound
      assert.match(c.output, /sandboxes=1\r\n/);
      // its own cluster through the shims and its own kubeconfig copy, with the pinned kubectl
      c.send({
        type: 'input',
        data: 'k3d cluster create mine 2>&1 | tail -3; kubectl get ns default -o name; echo k-$((1+1))-done\r',
      });
      await c.outputMatches(/k-2-done/);
      assert.match(c.output, /namespace\/default/);
      // the sealed shell holds for attendees too: a KUBECONFIG of their own makes the next step refuse, and
      // lab_reseal ends it
      c.send({type: 'page', locale: 'en', pageId: 'first'});
      const result = async (status: string) => {
        const r = await c.runStep('en', 'first', 'hello');
        assert.equal(r.status, status, JSON.stringify(r));
        return r;
      };
      c.send({type: 'input', data: 'export KUBECONFIG=/tmp/elsewhere; echo exported-$((3+4))\r'});
      await c.commandFinished('export KUBECONFIG=/tmp/elsewhere');
      const refused = await result('failed');
      assert.equal(refused.failure?.check, 'sandbox');
      assert.match(refused.failure?.actual ?? '', /KUBECONFIG=\/tmp\/elsewhere/);
      c.send({type: 'input', data: 'lab_reseal; echo resealed-$((4+4))\r'});
      await c.commandFinished('lab_reseal');
      await result('passed');
      // a verify runs where the attendee's shell is: its files, HOME and user
      const ready = await c.runStep('en', 'first', 'ready');
      assert.equal(ready.status, 'passed', JSON.stringify(ready));
      // a flood past the attendee's output ceiling is slowed, and they are told
      c.send({type: 'input', data: 'yes flooding | head -c 2000000; echo flood-$((5+5))\r'});
      await c.commandFinished('yes flooding');
      assert.ok(
        c.messages.some((m) => m.type === 'notice' && m.kind === 'limit' && m.limit === 'output'),
        JSON.stringify(c.messages.filter((m) => m.type === 'notice')),
      );
      c.close();
    },
  );

  it('ends the workshop: terminals close, new attaches are refused, the export stays', async () => {
    const {cookie} = await join('Alan');
    let refusal: unknown;
    for (let i = 0; i < 10 && refusal === undefined; i++) {
      const extra = await join(`Extra ${i}`);
      if (extra.res.status !== 200) refusal = extra.body.error;
    }
    assert.equal(refusal, 'full');
    const c = new ProtocolClient(lab.port, undefined, {headers: {Cookie: cookie!}});
    await c.attach();
    const end = await api('/api/workshop/action', {method: 'POST', token: true, body: JSON.stringify({action: 'end'})});
    assert.equal(end.status, 200);
    await c.until(() => c.messages.some((m) => m.type === 'exit'), 'the terminal to close');
    const again = new ProtocolClient(lab.port, undefined, {headers: {Cookie: cookie!}});
    await again.opened;
    again.send({type: 'attach', protocol: 1, cols: 80, rows: 24});
    await again.until(() => again.messages.some((m) => m.type === 'error' && m.code === 'not-allowed'), 'a refusal');
    const info = (await (await api('/api/workshop/info')).json()) as Record<string, unknown>;
    assert.equal(info.state, 'ended');
    assert.match(await (await api('/api/workshop/export.csv', {token: true})).text(), /Barbara,.*,first,hello,passed/);
    c.close();
    again.close();
  });
});

/** waits for a condition re-checked on a short poll: board frames arrive on their own schedule */
async function until(ok: () => boolean): Promise<void> {
  while (!ok()) await new Promise((r) => setTimeout(r, 20));
}
