/**
 * Steps run back to back in a real bash: a Run that arrives right after the previous step finished (its exit
 * marker seen, the next prompt not drawn yet) is typed only once bash shows the prompt. Typed earlier, the terminal
 * echoes it once without a prompt (the line discipline) and readline prints it again after the prompt.
 */
import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import type {PageManifest, StepSpec} from '../../src/core/steps/types';
import {stripAnsi} from '../../src/core/steps/matcher';
import {SessionStepEngine} from '../../server/engine/step-engine';
import {manifestIndex} from '../../server/manifests/load';
import {PtySession} from '../../server/sessions/pty-session';

const step = (id: string, command: string): StepSpec => ({
  id,
  lang: 'bash',
  command,
  timeoutMs: 5_000,
  exitCode: 0,
  expect: [],
});

const PAGE: PageManifest = {
  pageId: 'back-to-back',
  locale: 'en',
  title: 'back to back',
  source: 'docs/back-to-back.mdx',
  steps: Array.from({length: 6}, (_, i) => step(`echo-${i}`, `echo marker-${i}-$((${i} * 7))`)),
};

describe('steps run back to back in a real shell', () => {
  let session: PtySession;
  let engine: SessionStepEngine;
  let output = '';
  before(async () => {
    session = new PtySession({
      id: 'back-to-back-test-0001',
      learner: 'local',
      // a prompt that takes a moment to draw, as a real one with git status does: the window the bug needs
      environment: {env: {LAB_PLAIN_RC: '1', PROMPT_COMMAND: 'sleep 0.05'}, cwd: '/tmp'},
      cols: 120,
      rows: 40,
    });
    session.onOutput((data) => (output += data));
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

  it('prints each command once, after a prompt', async () => {
    for (const s of PAGE.steps) {
      const result = await engine.run('en', PAGE.pageId, s.id);
      assert.equal(result.status, 'passed', JSON.stringify(result.failure, null, 2));
    }
    const lines = stripAnsi(output)
      .replace(/\r/g, '')
      .split('\n')
      .filter((line) => line.includes('echo marker-'));
    assert.equal(lines.length, PAGE.steps.length, `each command echoed once:\n${lines.join('\n')}`);
    for (const line of lines)
      assert.match(line, /[$#] echo marker-/, `echoed after the prompt: ${JSON.stringify(line)}`);
  });
});
