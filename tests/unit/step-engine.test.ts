import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import type {StepResult} from '../../src/core/protocol/messages';
import type {PageManifest, StepSpec} from '../../src/core/steps/types';
import type {EngineClock} from '../../server/engine/clock';
import {SessionStepEngine} from '../../server/engine/step-engine';
import {EngineError} from '../../server/engine/types';
import type {VerifyOutcome, VerifyRunner} from '../../server/engine/verify-runner';
import {manifestIndex} from '../../server/manifests/load';
import {FakeSession, type Responder} from './fake-session';

const step = (id: string, command: string, extra: Partial<StepSpec> = {}): StepSpec => ({
  id,
  lang: 'bash',
  command,
  timeoutMs: 5000,
  exitCode: 0,
  expect: [],
  ...extra,
});

const page = (pageId: string, steps: StepSpec[]): PageManifest => ({
  pageId,
  locale: 'en',
  title: pageId,
  source: `docs/${pageId}.mdx`,
  steps,
});

const PAGES = [
  page('intro', [
    step('hello', 'echo hello', {expect: [{kind: 'contains', pattern: 'hello'}]}),
    step('fails', 'false'),
    step('pods', 'kubectl get pods', {
      expect: [{kind: 'like', pattern: 'NAME READY STATUS\nsleep-abc-def 1/1 Running'}],
    }),
    step('slow', 'sleep 100', {timeoutMs: 50}),
    step('two-lines', 'kubectl create ns foo\n# then label it\nkubectl label ns foo x=y'),
    // the outputs of several commands read as one block, with no blank line between them
    step('two-outputs', 'echo hello\necho hello', {expect: [{kind: 'like', pattern: 'hello\nhello'}]}),
    step('ready', 'kubectl apply -f app.yaml', {
      verify: {
        command: 'kubectl get pods',
        exitCode: 0,
        expect: [{kind: 'contains', pattern: 'Running'}],
        timeoutMs: 2000,
      },
    }),
    step('never-ready', 'kubectl apply -f never.yaml', {
      verify: {
        command: 'kubectl get pods',
        exitCode: 0,
        expect: [{kind: 'contains', pattern: 'Running'}],
        timeoutMs: 30,
      },
    }),
  ]),
  page('other', [step('shared', 'kubectl get ns'), step('only-other', 'istioctl version')]),
  page('third', [step('shared', 'kubectl get ns')]),
];

const shell: Responder = (line) => {
  if (line === 'echo hello') return {exitCode: 0, output: 'hello\n'};
  if (line === 'false') return {exitCode: 1, output: 'something went wrong\n'};
  if (line === 'kubectl get pods')
    return {exitCode: 0, output: 'NAME   READY   STATUS\nsleep-123-456   0/1   Pending\n'};
  if (line === 'sleep 100') return 'hang';
  if (line.startsWith('kubectl')) return {exitCode: 0, output: 'ok\n'};
  if (line.startsWith('#')) return undefined; // bash reports no command for a comment line
  return {exitCode: 127, output: `bash: ${line}: command not found\n`};
};

const noVerify: VerifyRunner = async () => {
  throw new Error('no verify expected');
};

function setup(options: {responder?: Responder; runVerify?: VerifyRunner; clock?: EngineClock} = {}) {
  const session = new FakeSession(options.responder ?? shell);
  const engine = new SessionStepEngine({
    session,
    manifests: manifestIndex(new Map([['en', PAGES]])),
    runVerify: options.runVerify ?? noVerify,
    backoff: {initialDelayMs: 1, maxDelayMs: 4, multiplier: 2},
    ...(options.clock ? {clock: options.clock} : {}),
  });
  const results: StepResult[] = [];
  engine.onResult((result) => results.push(result));
  return {session, engine, results};
}

/** Resolves with the next final (passed/failed) result the engine emits. */
function nextResult(engine: SessionStepEngine): Promise<StepResult> {
  return new Promise((resolve) => {
    const subscription = engine.onResult((result) => {
      if (result.status === 'running') return;
      subscription.dispose();
      resolve(result);
    });
  });
}

describe('SessionStepEngine', () => {
  it('types the command, waits for it to finish and passes', async () => {
    const {session, engine, results} = setup();
    const result = await engine.run('en', 'intro', 'hello');
    assert.equal(result.status, 'passed');
    assert.equal(result.exitCode, 0);
    assert.equal(result.via, 'run');
    assert.equal(typeof result.durationMs, 'number');
    assert.deepEqual(session.written, ['echo hello\r']);
    assert.deepEqual(
      results.map((r) => r.status),
      ['running', 'passed'],
    );
    engine.dispose();
  });

  it('fails on the exit code, quoting the output', async () => {
    const {engine} = setup();
    const result = await engine.run('en', 'intro', 'fails');
    assert.equal(result.status, 'failed');
    assert.equal(result.exitCode, 1);
    assert.deepEqual(result.failure, {check: 'exit code', expected: '0', actual: '1\nsomething went wrong'});
  });

  it('fails an output-like check showing expected and actual', async () => {
    const {engine} = setup();
    const result = await engine.run('en', 'intro', 'pods');
    assert.equal(result.status, 'failed');
    assert.equal(result.failure?.check, 'output like');
    assert.equal(result.failure?.expected, 'NAME READY STATUS\nsleep-abc-def 1/1 Running');
    assert.match(result.failure?.actual ?? '', /sleep-123-456 {3}0\/1 {3}Pending/);
    assert.match(result.failure?.actual ?? '', /line 2: token 2: expected "1\/1", got "0\/1"/);
  });

  it('interrupts a command that runs past its timeout', async () => {
    const {session, engine} = setup();
    session.emitOutput('not this');
    const running = engine.run('en', 'intro', 'slow');
    session.emitOutput('zzz...\r\n');
    const result = await running;
    assert.equal(result.status, 'failed');
    assert.equal(result.failure?.check, 'timeout');
    assert.equal(result.failure?.expected, 'finishes within 0.05s');
    assert.match(result.failure?.actual ?? '', /sent Ctrl-C\. Output so far:\nzzz\.\.\./);
    assert.equal(session.written.at(-1), '\x03');
    // The interrupted command's late finish is not mistaken for a typed step.
    const seen: StepResult[] = [];
    engine.onResult((r) => seen.push(r));
    session.finish('sleep 100', 130, '^C');
    assert.deepEqual(seen, []);
  });

  it('refuses to run while busy or for an unknown step', async () => {
    const {session, engine} = setup();
    await assert.rejects(
      engine.run('en', 'intro', 'nope'),
      (error: unknown) => error instanceof EngineError && error.code === 'unknown-step',
    );
    await assert.rejects(engine.run('en', 'missing', 'hello'), /no page "missing"/);
    session.busy = true;
    await assert.rejects(
      engine.run('en', 'intro', 'hello'),
      (error: unknown) => error instanceof EngineError && error.code === 'busy',
    );
    session.busy = false;
    const first = engine.run('en', 'intro', 'hello');
    await assert.rejects(engine.run('en', 'intro', 'hello'), /another step is still running/);
    assert.equal((await first).status, 'passed');
  });

  it('runs a step of several command lines as one', async () => {
    const {session, engine} = setup();
    const result = await engine.run('en', 'intro', 'two-lines');
    assert.equal(result.status, 'passed');
    assert.deepEqual(session.written, ['kubectl create ns foo\r', '# then label it\r', 'kubectl label ns foo x=y\r']);
  });

  it('judges the outputs of several commands as one block, without blank lines between them', async () => {
    const {engine} = setup();
    const result = await engine.run('en', 'intro', 'two-outputs');
    assert.equal(result.status, 'passed', JSON.stringify(result.failure));
  });

  it('matches a typed command to a step of the current page first', async () => {
    const {session, engine} = setup();
    engine.setCurrentPage('en', 'third');
    let result = nextResult(engine);
    session.type('kubectl   get ns', 0, 'default\n');
    assert.deepEqual(await result, {
      pageId: 'third',
      stepId: 'shared',
      status: 'passed',
      startedAt: (await result).startedAt,
      durationMs: (await result).durationMs,
      via: 'typed',
      exitCode: 0,
    });
    result = nextResult(engine);
    session.type('istioctl version', 1, 'no cluster\n');
    const other = await result;
    assert.equal(other.pageId, 'other');
    assert.equal(other.status, 'failed');
    assert.equal(other.failure?.check, 'exit code');
  });

  it('announces a typed step as running when it starts', () => {
    const {session, engine, results} = setup();
    session.start('kubectl get ns');
    assert.deepEqual(
      results.map((r) => [r.pageId, r.stepId, r.status, r.via]),
      [['other', 'shared', 'running', 'typed']],
    );
    engine.dispose();
  });

  it('ignores commands that match no step', async () => {
    const {session, results} = setup();
    session.type('ls -la', 0, 'total 0\n');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(results, []);
  });

  it('retries the verify command with backoff until it holds', async () => {
    const calls: string[] = [];
    const outcomes: VerifyOutcome[] = [
      {exitCode: 0, output: 'sleep-1 0/1 ContainerCreating', timedOut: false},
      {exitCode: 1, output: 'connection refused', timedOut: false},
      {exitCode: 0, output: 'sleep-1 1/1 Running', timedOut: false},
    ];
    const runVerify: VerifyRunner = async (command) => {
      calls.push(command);
      return outcomes.shift()!;
    };
    const {engine} = setup({runVerify});
    const result = await engine.run('en', 'intro', 'ready');
    assert.equal(result.status, 'passed');
    assert.deepEqual(calls, ['kubectl get pods', 'kubectl get pods', 'kubectl get pods']);
  });

  it('fails the verify after its timeout, reporting the last attempt', async () => {
    // A fake clock: every wait returns at once but moves time on, so backoff up to the timeout costs nothing.
    let now = 0;
    const clock: EngineClock = {
      now: () => now,
      setTimer(fn, ms) {
        if (ms > 1000) return () => {}; // the command timeout never fires in this test
        const timer = setImmediate(() => {
          now += ms;
          fn();
        });
        return () => clearImmediate(timer);
      },
    };
    let attempts = 0;
    const runVerify: VerifyRunner = async () => {
      attempts++;
      return {exitCode: 0, output: `sleep-1 0/1 Pending (attempt ${attempts})`, timedOut: false};
    };
    const {engine} = setup({runVerify, clock});
    const result = await engine.run('en', 'intro', 'never-ready');
    assert.equal(result.status, 'failed');
    assert.equal(result.failure?.check, 'verify: kubectl get pods');
    assert.equal(result.failure?.expected, 'output contains: Running');
    // backoff 1, 2, 4, 4... ms until 30 ms have passed
    assert.ok(attempts >= 5 && attempts <= 12, `attempts: ${attempts}`);
    assert.match(
      result.failure?.actual ?? '',
      new RegExp(`attempt ${attempts}\\)[\\s\\S]*\\(${attempts} attempts in [\\d.]+s\\)`),
    );
  });

  it('reports the attempt before one the verify deadline cut short, not "finishes within 0s"', async () => {
    let now = 0;
    const clock: EngineClock = {
      now: () => now,
      setTimer(fn, ms) {
        if (ms > 1000) return () => {};
        const timer = setImmediate(() => {
          now += ms;
          fn();
        });
        return () => clearImmediate(timer);
      },
    };
    const limits: number[] = [];
    const runVerify: VerifyRunner = async (_command, {timeoutMs}) => {
      limits.push(timeoutMs);
      // the last attempt gets only what is left of the 30 ms and runs out of it
      if (timeoutMs < 30) {
        now += timeoutMs;
        return {exitCode: -1, output: '', timedOut: true};
      }
      return {exitCode: 1, output: 'test: no such file', timedOut: false};
    };
    const {engine} = setup({runVerify, clock});
    const result = await engine.run('en', 'intro', 'never-ready');
    assert.equal(result.status, 'failed');
    assert.ok(
      limits.some((l) => l < 30),
      `attempt limits: ${limits.join(', ')}`,
    );
    assert.equal(result.failure?.expected, 'exit code: 0');
    assert.match(result.failure?.actual ?? '', /^1\ntest: no such file\n\(2 attempts/);
  });

  it('fails a run when the shell exits', async () => {
    const {session, engine} = setup();
    const running = engine.run('en', 'intro', 'slow');
    session.exit('closed by test');
    const result = await running;
    assert.equal(result.failure?.check, 'session');
    assert.match(result.failure?.actual ?? '', /closed by test/);
  });
});
