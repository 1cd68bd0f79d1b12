/**
 * The headless runner on tests/fixtures/failing-page: once with a fake shell (fast, exact), once through a real
 * PtySession (bash with shell integration), as `lab run` would.
 */
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PassThrough} from 'node:stream';
import {after, before, describe, it} from 'node:test';
import type {Backend} from '../../server/backends/types';
import type {ManifestSet} from '../../server/manifests/load';
import {runWalkthrough} from '../../server/runner';
import {PtySession} from '../../server/sessions/pty-session';
import type {TerminalSession} from '../../server/sessions/types';
import {buildManifests} from '../fixtures/site-manifests';
import {FakeSession} from './fake-session';

const work = mkdtempSync(join(tmpdir(), 'runner-test-'));
after(() => rmSync(work, {recursive: true, force: true}));

/** tests/fixtures/failing-page and multiline-page, through the steps plugin as the site build would */
let failingPage: ManifestSet;
let multilinePage: ManifestSet;
before(async () => {
  failingPage = await buildManifests(join(import.meta.dirname, '../fixtures/failing-page'), join(work, 'm-failing'));
  multilinePage = await buildManifests(
    join(import.meta.dirname, '../fixtures/multiline-page'),
    join(work, 'm-multiline'),
  );
});

const backend: Backend = {
  name: 'host',
  shellEnvironment: async () => ({env: {}, cwd: work}),
  doctor: async () => [],
  dispose: async () => {},
};

function collect(): {out: PassThrough; text: () => string} {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return {out, text: () => text};
}

const fakeShell = () =>
  new FakeSession((line) => {
    const echo = /^echo "?(.*?)"?$/.exec(line);
    return echo ? {exitCode: 0, output: `${echo[1]}\n`} : {exitCode: 127, output: 'command not found\n'};
  });

describe('runWalkthrough (fake shell)', () => {
  it('stops at the first failure and writes the transcript and a JUnit report', async () => {
    const {out, text} = collect();
    const outDir = join(work, 'fake');
    const session = fakeShell();
    const {ok, results} = await runWalkthrough({
      backend,
      locale: 'en',
      outDir,
      out,
      manifests: failingPage,
      createSession: async () => session,
    });
    assert.equal(ok, false);
    assert.deepEqual(
      results.map((r) => [r.stepId, r.status]),
      [
        ['say-hello', 'passed'],
        ['will-fail', 'failed'],
      ],
    );
    assert.equal(results[1]!.failure?.check, 'output contains');
    assert.match(
      text(),
      /FAILED failing\/will-fail: check "output contains"\n {2}expected:\n {4}this will not appear\n {2}actual:\n {4}something else/,
    );
    assert.match(text(), /page +step +status +seconds\n/);
    assert.match(text(), /1\/2 steps passed in [\d.]+s/);
    const junit = readFileSync(join(outDir, 'junit-en.xml'), 'utf8');
    assert.match(junit, /<testsuite name="ambient-lab\.en\.failing" tests="3" failures="1" errors="0" skipped="1"/);
    assert.match(junit, /<failure message="output contains: expected this will not appear" type="output contains">/);
    assert.match(junit, /<testcase name="never-runs"[^>]*>\n\s*<skipped/);
    assert.ok(existsSync(join(outDir, 'transcript-en.txt')));
  });

  it('runs a --from/--to range and rejects unknown ids', async () => {
    const {out} = collect();
    const options = {
      backend,
      locale: 'en' as const,
      outDir: join(work, 'range'),
      out,
      manifests: failingPage,
      createSession: async () => fakeShell(),
    };
    const {ok, results} = await runWalkthrough({...options, from: 'say-hello', to: 'failing/say-hello'});
    assert.equal(ok, true);
    assert.deepEqual(
      results.map((r) => r.stepId),
      ['say-hello'],
    );
    await assert.rejects(
      runWalkthrough({...options, from: 'nope'}),
      /--from nope: no such step; steps: failing\/say-hello, failing\/will-fail/,
    );
    await assert.rejects(runWalkthrough({...options, page: 'other'}), /unknown page "other"; pages: failing/);
    await assert.rejects(runWalkthrough({...options, from: 'never-runs', to: 'say-hello'}), /comes before/);
  });
});

/** A real bash session factory, as `lab run` has (a session in `cwd`, without the learner's ~/.bashrc). */
function ptySessions(cwd: string): () => Promise<TerminalSession> {
  let count = 0;
  return async () =>
    new PtySession({
      id: `runner-test-${++count}`,
      learner: 'local',
      environment: {env: {}, cwd},
      cols: 120,
      rows: 30,
      // the learner's own ~/.bashrc is not part of this test
      baseEnv: {...process.env, LAB_PLAIN_RC: '1'},
    });
}

describe('runWalkthrough (real PtySession)', () => {
  it('fails naming the check with expected and actual', async () => {
    const createSession = ptySessions(work);
    const {out, text} = collect();
    const outDir = join(work, 'pty');
    const {ok, results} = await runWalkthrough({
      backend,
      locale: 'en',
      outDir,
      out,
      manifests: failingPage,
      createSession,
    });
    assert.equal(ok, false, text());
    assert.deepEqual(
      results.map((r) => [r.stepId, r.status, r.via]),
      [
        ['say-hello', 'passed', 'run'],
        ['will-fail', 'failed', 'run'],
      ],
    );
    const failure = results[1]!.failure!;
    assert.equal(failure.check, 'output contains');
    assert.equal(failure.expected, 'this will not appear');
    assert.match(failure.actual, /^something else\n/);
    assert.match(text(), /FAILED failing\/will-fail: check "output contains"/);
    const transcript = readFileSync(join(outDir, 'transcript-en.txt'), 'utf8');
    assert.match(transcript, /echo hello\nhello\n/);
    assert.doesNotMatch(transcript, /\x1b/);
  });
});

describe('runWalkthrough (real PtySession, multi-line steps)', () => {
  it('runs heredocs, several commands, continuations and a verify command', async () => {
    const cwd = mkdtempSync(join(work, 'multi-'));
    const createSession = ptySessions(cwd);
    const {out, text} = collect();
    const multiBackend: Backend = {...backend, shellEnvironment: async () => ({env: {}, cwd})};
    const {ok, results} = await runWalkthrough({
      backend: multiBackend,
      locale: 'en',
      outDir: join(work, 'multi-out'),
      out,
      manifests: multilinePage,
      createSession,
    });
    assert.deepEqual(
      results.map((r) => [r.stepId, r.status]),
      [
        ['heredoc', 'passed'],
        ['two-commands', 'passed'],
        ['continued', 'passed'],
        ['eventually', 'passed'],
      ],
      text(),
    );
    assert.equal(ok, true);
  });
});
