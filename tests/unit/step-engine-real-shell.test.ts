/**
 * A multi-line step in a real bash: the engine types each line when bash asks for it (PS1, or PS2 inside a
 * heredoc), so no later line is echoed into an earlier command's output, and checks see exactly what was printed.
 * And the engine factory's verify commands follow the shell's working directory.
 */
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, it} from 'node:test';
import type {PageManifest, StepSpec} from '../../src/core/steps/types';
import type {Backend} from '../../server/backends/types';
import {createStepEngine} from '../../server/engine/create-step-engine';
import {SessionStepEngine} from '../../server/engine/step-engine';
import {manifestIndex} from '../../server/manifests/load';
import {PtySession} from '../../server/sessions/pty-session';

const step = (id: string, command: string, like: string): StepSpec => ({
  id,
  lang: 'bash',
  command,
  timeoutMs: 5_000,
  exitCode: 0,
  expect: [{kind: 'like', pattern: like}],
});

const PAGE: PageManifest = {
  pageId: 'multi',
  locale: 'en',
  title: 'multi',
  source: 'docs/multi.mdx',
  steps: [
    // the first command reads the terminal for a moment (as a CLI that may prompt does): lines typed ahead would
    // be swallowed by it, or echoed into its output
    step('separate-commands', 'timeout 0.3 cat >/dev/null || true\necho two\necho three', 'two\nthree'),
    step(
      'heredoc',
      "cat <<'EOF' | tr a-z A-Z\nfirst line\nsecond line\nEOF\necho done",
      'FIRST LINE\nSECOND LINE\ndone',
    ),
    step('continued', 'echo one \\\n  two &&\n  echo three', 'one two\nthree'),
  ],
};

describe('multi-line steps in a real shell', () => {
  let session: PtySession;
  let engine: SessionStepEngine;
  before(async () => {
    session = new PtySession({
      id: 'multi-line-test-0001',
      learner: 'local',
      environment: {env: {LAB_PLAIN_RC: '1'}, cwd: '/tmp'},
      cols: 120,
      rows: 40,
    });
    await session.ready;
    engine = new SessionStepEngine({
      session,
      manifests: manifestIndex(new Map([['en', [PAGE]]])),
      runVerify: async () => ({exitCode: 0, output: '', timedOut: false}),
    });
  });
  after(async () => {
    engine.dispose();
    await session.close('test done');
  });

  for (const s of PAGE.steps) {
    it(`${s.id}: passes with exactly its own output`, async () => {
      const result = await engine.run('en', 'multi', s.id);
      assert.equal(result.status, 'passed', JSON.stringify(result.failure, null, 2));
    });
  }
});

describe('createStepEngine (the server and lab run build their engines with it)', () => {
  it("runs a verify command in the shell's current directory, after a step's cd", async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'engine-cwd-'));
    mkdirSync(join(root, 'inner'));
    writeFileSync(join(root, 'inner', 'marker'), 'inside\n');
    const backend: Backend = {
      name: 'host',
      shellEnvironment: async () => ({env: {LAB_PLAIN_RC: '1'}, cwd: root}),
      doctor: async () => [],
      dispose: async () => {},
    };
    const page: PageManifest = {
      pageId: 'cwd',
      locale: 'en',
      title: 'cwd',
      source: 'docs/cwd.mdx',
      steps: [
        {
          ...step('enter', 'cd inner', ''),
          expect: [],
          verify: {
            command: 'cat marker',
            exitCode: 0,
            expect: [{kind: 'contains', pattern: 'inside'}],
            timeoutMs: 5_000,
          },
        },
      ],
    };
    const shell = new PtySession({
      id: 'engine-cwd-test-0001',
      learner: 'local',
      environment: await backend.shellEnvironment('local'),
      cols: 120,
      rows: 40,
    });
    const engine = await createStepEngine({
      session: shell,
      backend,
      manifests: manifestIndex(new Map([['en', [page]]])),
    });
    t.after(async () => {
      engine.dispose();
      await shell.close('test done');
      rmSync(root, {recursive: true, force: true});
    });
    await shell.ready;
    const result = await engine.run('en', 'cwd', 'enter');
    assert.equal(result.status, 'passed', JSON.stringify(result.failure, null, 2));
  });
});
