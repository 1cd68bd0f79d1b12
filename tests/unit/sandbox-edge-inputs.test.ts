/**
 * What the sandbox reads from outside its process is checked before it acts on it (zod schemas, one module per
 * edge): control requests and command headers from other processes, and ports.json, sandbox.json and state.json
 * from disk. A bad input gets a clear error or, for a file, a report (and the file set aside); never a crash.
 */
import assert from 'node:assert/strict';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {request} from 'node:http';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {SandboxRegistry} from '../../server/backends/sandbox/api/index';
import {startCommandServer, type CommandServer} from '../../server/backends/sandbox/backend/command-server';
import type {ControlRequest} from '../../server/backends/sandbox/backend/control-request';
import type {LearnerSandbox} from '../../server/backends/sandbox/backend/learner-sandbox';
import {readPorts} from '../../server/backends/sandbox/backend/ports-file';
import {loadSavedSandbox} from '../../server/backends/sandbox/backend/saved-sandbox';
import {createSandboxBackend} from '../../server/backends/sandbox/index';

const TOKEN = 'c'.repeat(48);
const SANDBOX_TOKEN = 's'.repeat(48);

function post(url: string, body: string, token = TOKEN): Promise<{status: number; json: {error?: string}}> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/control`, {method: 'POST', headers: {Authorization: `Bearer ${token}`}}, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d));
      res.on('end', () => resolve({status: res.statusCode ?? 0, json: JSON.parse(text) as {error?: string}}));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** an upgrade to run a command with the given X-Lab-Command header; the refusal's status line and body */
function upgrade(url: string, header: string): Promise<{status: number; statusText: string; body: string}> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/run`, {
      method: 'POST',
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'lab-command',
        Authorization: `Bearer ${SANDBOX_TOKEN}`,
        'X-Lab-Command': header,
      },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => resolve({status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', body}));
    });
    req.on('upgrade', () => reject(new Error('upgraded')));
    req.on('error', reject);
    req.end();
  });
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');

describe('the command server takes only well-formed requests', () => {
  let server: CommandServer;
  const received: ControlRequest[] = [];
  before(async () => {
    server = await startCommandServer({
      sandboxForToken: (t) => (t === SANDBOX_TOKEN ? ({name: 'x'} as unknown as LearnerSandbox) : undefined),
      controlToken: TOKEN,
      control: async (r) => (received.push(r), {ok: true}),
      commands: new Map(),
    });
  });
  after(async () => server?.close());

  it('control bodies: a clear 400 for what is not a request; a typed request for what is', async () => {
    const cases: [string, RegExp][] = [
      ['{"op":', /^body is not JSON$/],
      ['{"op":"explode"}', /^bad control request: op: Invalid discriminator value/],
      ['{"op":"env"}', /^bad control request: learner: Invalid input: expected string, received undefined$/],
      ['{"op":"reset","name":5}', /^bad control request: name: Invalid input: expected string, received number$/],
      ['[]', /^bad control request: /],
    ];
    for (const [body, error] of cases) {
      const r = await post(server.url, body);
      assert.equal(r.status, 400, body);
      assert.match(r.json.error ?? '', error, body);
    }
    assert.deepEqual(received, [], 'nothing reached the backend');
    assert.equal((await post(server.url, '{"op":"delete","name":"lab"}')).status, 200);
    assert.deepEqual(received, [{op: 'delete', name: 'lab'}]);
    assert.equal((await post(server.url, '{"op":"list"}', 'x'.repeat(48))).status, 401);
  });

  it('command headers: a malformed one is refused with a 400 that says why', async () => {
    const hello = {command: 'echo', args: [], cwd: '/', isTTY: {}, size: {cols: 80, rows: 24}};
    const cases: [string, RegExp][] = [
      ['%%%', /^the command header is not base64 JSON$/],
      [b64({...hello, args: [1]}), /^malformed command header: args\.0: Invalid input: expected string/],
      [b64({...hello, size: {cols: 0, rows: 24}}), /^malformed command header: size\.cols: Too small/],
      [b64({...hello, cwd: undefined}), /^malformed command header: cwd: /],
      [b64({...hello, isTTY: {stdin: 'yes'}}), /^malformed command header: isTTY\.stdin: /],
    ];
    for (const [header, body] of cases) {
      const r = await upgrade(server.url, header);
      assert.equal(r.status, 400, header);
      assert.equal(r.statusText, 'Bad Request', 'the standard reason phrase; the why is in the body');
      assert.match(r.body, body, header);
    }
    // well-formed: it gets as far as looking the command up
    const known = await upgrade(server.url, b64(hello));
    assert.equal(known.status, 404);
    assert.equal(known.body, 'no sandbox command "echo"');
  });
});

describe('saved files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sandbox-edge-'));
  });
  after(() => rmSync(dir, {recursive: true, force: true}));

  it('ports.json: missing or unreadable means any free ports (the latter reported); valid ones are kept', () => {
    const problems: string[] = [];
    const onProblem = (m: string, d: Record<string, unknown>) => problems.push(`${m} ${String(d.error)}`);
    const file = path.join(dir, 'ports.json');
    assert.deepEqual(readPorts(file, onProblem), {});
    assert.deepEqual(problems, []);
    writeFileSync(file, '{"api": "6443", "commands": 70000}');
    assert.deepEqual(readPorts(file, onProblem), {});
    assert.match(problems[0]!, /ports file is unreadable.*api: Invalid input: expected number, received string/);
    assert.match(problems[0]!, /commands: Too big/);
    writeFileSync(file, '{"api": 6443, "mirror": 41000}');
    assert.deepEqual(readPorts(file, onProblem), {api: 6443, mirror: 41000});
  });

  it('sandbox.json: one that does not pass is set aside and reported, naming what is wrong', () => {
    const sb = path.join(dir, 'lab');
    mkdirSync(sb);
    const problems: string[] = [];
    const onProblem = (m: string, d: Record<string, unknown>) => problems.push(`${m} | ${String(d.error)}`);
    assert.equal(loadSavedSandbox(sb, onProblem), undefined, 'none yet');
    const saved = {version: 1, learner: 'local', name: 'lab', commandToken: 't'.repeat(48)};
    const cluster = {
      name: 'lab',
      servers: 1,
      agents: 2,
      apiPort: 6550,
      apiPortGiven: true,
      image: 'rancher/k3s:v1.31.5-k3s1',
      k3sVersion: 'v1.31.5+k3s1',
      k3sArgs: [],
      ports: [{mapping: '9080:80', hostPort: 9080, containerPort: 80, nodeFilter: 'loadbalancer'}],
      disableTraefik: true,
      createdAt: '2025-01-01T00:00:00Z',
      state: 'running',
      containerIds: {'k3d-lab-server-0': 'a'.repeat(64)},
    };
    writeFileSync(path.join(sb, 'sandbox.json'), JSON.stringify({...saved, cluster}));
    assert.deepEqual(loadSavedSandbox(sb, onProblem), {...saved, cluster});
    writeFileSync(path.join(sb, 'sandbox.json'), JSON.stringify({...saved, cluster: {...cluster, servers: 'two'}}));
    assert.equal(loadSavedSandbox(sb, onProblem), undefined);
    assert.match(problems[0]!, /^sandbox "lab": sandbox.json is unreadable and was set aside/);
    assert.match(problems[0]!, /\| cluster\.servers: Invalid input: expected number, received string$/);
    assert.ok(!existsSync(path.join(sb, 'sandbox.json')));
    assert.equal(readdirSync(sb).filter((f) => f.startsWith('sandbox.json.corrupt-')).length, 1);
  });

  it('state.json of the wrong shape is set aside and reported, not restored half-way', () => {
    const stateDir = path.join(dir, 'api');
    const at = (name: string) => path.join(stateDir, 'sandboxes', name, 'state.json');
    for (const name of ['good', 'shapeless']) mkdirSync(path.dirname(at(name)), {recursive: true});
    const namespace = {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'kept'}};
    const state = (objects: unknown[]) =>
      JSON.stringify({version: 1, name: 'x', token: 't', createdAt: '', store: {resourceVersion: 7, objects}});
    writeFileSync(at('good'), state([{group: '', resource: 'namespaces', object: namespace}]));
    writeFileSync(at('shapeless'), state([{group: '', resource: 'namespaces', object: {kind: 'Namespace'}}]));
    const problems: string[] = [];
    const registry = new SandboxRegistry({
      stateDir,
      onProblem: (m, d) => problems.push(`${m} | ${String(d.error)}`),
    });
    try {
      assert.deepEqual(
        registry.restoreAll().map((s) => s.name),
        ['good'],
      );
      const good = registry.get('good')!.store;
      assert.equal(good.get(good.types.lookup('', 'v1', 'namespaces')!, undefined, 'kept')?.metadata.name, 'kept');
      assert.equal(problems.length, 1);
      assert.match(problems[0]!, /^sandbox "shapeless": state file is unreadable and was set aside/);
      assert.match(problems[0]!, /store\.objects\.0\.object\.apiVersion: Invalid input/);
      assert.match(problems[0]!, /store\.objects\.0\.object\.metadata: Invalid input/);
      assert.ok(!existsSync(at('shapeless')));
    } finally {
      registry.dispose();
    }
  });

  it('the backend starts over an unreadable ports.json and sandbox.json, reporting both', async () => {
    const stateDir = path.join(dir, 'backend');
    const root = path.join(stateDir, 'sandbox-backend');
    mkdirSync(path.join(root, 'sandboxes', 'local'), {recursive: true});
    writeFileSync(path.join(root, 'ports.json'), 'not json');
    writeFileSync(path.join(root, 'sandboxes', 'local', 'sandbox.json'), '{"version": 1, "learner": 3}');
    const problems: string[] = [];
    const backend = await createSandboxBackend({stateDir, onProblem: (m) => problems.push(m)});
    try {
      assert.equal(problems.length, 2, problems.join('\n'));
      assert.match(problems[0]!, /ports file is unreadable/);
      assert.match(problems[1]!, /sandbox "local": sandbox.json is unreadable and was set aside/);
      const env = await backend.shellEnvironment('local');
      assert.match(env.env.LAB_SANDBOX_TOKEN!, /^[0-9a-f]{48}$/, 'a fresh sandbox for the learner');
    } finally {
      await backend.dispose();
    }
  });
});
