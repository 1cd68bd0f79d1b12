/**
 * What the sandbox reads from outside its process is checked before it acts on it (zod schemas, one module per
 * edge): control requests and command headers from other processes, ports.json, sandbox.json and state.json
 * from disk, and request bodies of its Kubernetes API (answered as the apiserver answers them). A bad input gets
 * a clear error or, for a file, a report (and the file set aside); never a crash.
 */
import assert from 'node:assert/strict';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {request} from 'node:http';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {SandboxRegistry, startSandboxApi, type SandboxApi} from '../../server/backends/sandbox/api/index';
import {startCommandServer, type CommandServer} from '../../server/backends/sandbox/backend/command-server';
import type {ControlRequest} from '../../server/backends/sandbox/backend/control-request';
import type {LearnerSandbox} from '../../server/backends/sandbox/backend/learner-sandbox';
import {readPorts} from '../../server/backends/sandbox/backend/ports-file';
import {loadSavedSandbox} from '../../server/backends/sandbox/backend/saved-sandbox';
import {createSandboxBackend} from '../../server/backends/sandbox/index';
import {apiClient, type ApiClient} from '../fixtures/sandbox/api-process';

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

describe('the Kubernetes API answers bad bodies as the apiserver does', () => {
  let dir: string;
  let api: SandboxApi;
  let c: ApiClient;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sandbox-bodies-'));
    api = await startSandboxApi({stateDir: dir, port: 0});
    const sb = api.sandboxes.ensure('lab');
    c = apiClient({url: api.serverUrl('lab'), token: sb.token, ca: api.caCert});
  });
  after(async () => {
    c?.close();
    await api?.close();
    rmSync(dir, {recursive: true, force: true});
  });

  const NS = '/api/v1/namespaces';
  const CM = '/api/v1/namespaces/default/configmaps';
  async function status(method: string, p: string, body?: string, type?: string) {
    const r = await c.call(method, p, body, type);
    const s = r.json as {kind: string; code: number; reason: string; message: string; details?: {causes?: unknown[]}};
    assert.equal(s.kind, 'Status', r.body);
    assert.equal(s.code, r.status);
    return s;
  }

  it("400 for what does not decode, in transformDecodeError's words", async () => {
    const cases: [string, string][] = [
      [
        '{',
        `the object provided is unrecognized (must be of type Namespace): couldn't get version/kind; json parse error: unexpected end of JSON input ({)`,
      ],
      [
        '',
        `the object provided is unrecognized (must be of type Namespace): couldn't get version/kind; json parse error: unexpected end of JSON input (<empty>)`,
      ],
      [
        '[1]',
        `the object provided is unrecognized (must be of type Namespace): couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" } (5b315d)`,
      ],
      [
        '{"kind":5}',
        `the object provided is unrecognized (must be of type Namespace): couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .kind of type string ({"kind":5})`,
      ],
      [
        '{"kind":"Namespace","apiVersion":"v1","metadata":"x"}',
        'Namespace in version "v1" cannot be handled as a Namespace: json: cannot unmarshal string into Go struct field Namespace.metadata of type v1.ObjectMeta',
      ],
      [
        '{"metadata":{"name":"a","labels":{"k":5}}}',
        'Namespace in version "v1" cannot be handled as a Namespace: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string',
      ],
      [
        '{"metadata":{"name":"a","finalizers":"x"}}',
        'Namespace in version "v1" cannot be handled as a Namespace: json: cannot unmarshal string into Go struct field ObjectMeta.metadata.finalizers of type []string',
      ],
      [
        '{"metadata":{"name":"a"},"spec":[]}',
        'Namespace in version "v1" cannot be handled as a Namespace: json: cannot unmarshal array into Go struct field Namespace.spec of type v1.NamespaceSpec',
      ],
    ];
    for (const [body, message] of cases) {
      const s = await status('POST', NS, body);
      assert.equal(s.code, 400, body);
      assert.equal(s.reason, 'BadRequest');
      assert.equal(s.message, message);
    }
    const pod = await status(
      'POST',
      '/api/v1/namespaces/default/pods',
      '{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i","ports":[{"containerPort":1.5}]}]}}',
    );
    assert.equal(
      pod.message,
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number 1.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32',
    );
    assert.deepEqual((await c.call('GET', `${NS}/a`)).status, 404, 'nothing was created');
  });

  it('deep nesting is refused before any parser recurses into it, JSON and YAML alike', async () => {
    const deep = `{"metadata":{"name":"d","labels":${'{"a":'.repeat(300)}1${'}'.repeat(300)}}}`;
    const s = await status('POST', CM, deep);
    assert.equal(s.code, 400);
    assert.equal(
      s.message,
      `the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: invalid character '{' exceeded max depth ({"metadata":{"name":"d","label ...)`,
    );
    const yaml = await status('POST', CM, '['.repeat(100_000), 'application/yaml');
    assert.equal(yaml.code, 400);
    assert.match(yaml.message, /error converting YAML to JSON: yaml: exceeded max depth of 256/);
    const patch = await status('PATCH', `${NS}/default`, '['.repeat(5000), 'application/merge-patch+json');
    assert.equal(patch.message, "error decoding patch: invalid character '[' exceeded max depth");
    // and a manifest of ordinary depth still goes in
    assert.equal((await c.call('POST', CM, JSON.stringify({metadata: {name: 'ok'}, data: {a: 'b'}}))).status, 201);
  });

  it("413 past the apiserver's 3 MiB request limit; 415 for a media type it does not read", async () => {
    const huge = `{"metadata":{"name":"big"},"data":{"a":"${'x'.repeat(3 * 1024 * 1024)}"}}`;
    const big = await status('POST', CM, huge);
    assert.equal(big.code, 413);
    assert.equal(big.reason, 'RequestEntityTooLarge');
    assert.equal(big.message, 'Request entity too large: limit is 3145728');
    const text = await status('POST', CM, 'name: x', 'text/plain');
    assert.equal(text.code, 415);
    assert.equal(text.reason, 'UnsupportedMediaType');
    const patch = await status('PATCH', `${NS}/default`, '{}', 'application/xml');
    assert.equal(patch.code, 415);
  });

  it('a patch of a missing object is a 404 for every patch type, whatever the body; apply creates it', async () => {
    for (const type of [
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
    ]) {
      for (const body of ['{"metadata":{"labels":{"a":"b"}}}', '[{"op":"add","path":"/x","value":1}]', '{', '"x"']) {
        const s = await status('PATCH', `${CM}/nope`, body, type);
        assert.equal(s.code, 404, `${type} ${body}`);
        assert.equal(s.message, 'configmaps "nope" not found');
      }
    }
    const applied = await c.call(
      'PATCH',
      `${CM}/nope?fieldManager=fz`,
      'apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n',
      'application/apply-patch+yaml',
    );
    assert.equal(applied.status, 201, applied.body);
    const notObject = await status('PATCH', `${CM}/other?fieldManager=fz`, '- a\n', 'application/apply-patch+yaml');
    assert.equal(notObject.code, 400);
  });

  it('a patch that leaves the object the wrong shape is 422 on "patch"; bad names are 422 with their cause', async () => {
    const s = await status('PATCH', `${NS}/default`, '{"metadata":{"labels":[1]}}', 'application/merge-patch+json');
    assert.equal(s.code, 422);
    assert.equal(s.reason, 'Invalid');
    assert.match(
      s.message,
      /is invalid: patch: Invalid value: ".*": json: cannot unmarshal array into Go struct field ObjectMeta\.metadata\.labels of type map\[string\]string$/,
    );
    const bad = await status('POST', CM, '{"metadata":{"name":"Bad_Name"}}');
    assert.equal(bad.code, 422);
    assert.match(
      bad.message,
      /^ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    );
    assert.deepEqual(
      (bad.details?.causes as {field: string}[]).map((x) => x.field),
      ['metadata.name'],
    );
  });
});
