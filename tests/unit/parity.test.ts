/**
 * The English and Korean docs must run the same steps: only the prose is translated.
 */
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import type {PageManifest, StepSpec} from '../../src/core/steps/types';
import {firstParityDifference} from '../../server/manifests/parity';
import {repoManifests} from '../fixtures/site-manifests';

describe('en/ko parity of the real docs', () => {
  it('has the same pages, step ids, commands and checks in both locales', async () => {
    const manifests = await repoManifests();
    const en = manifests.pages('en');
    const ko = manifests.pages('ko');
    assert.ok(en.length > 0 || ko.length === 0, 'Korean pages exist without English ones');
    assert.equal(firstParityDifference(en, ko), null);
  });
});

describe('parity comparison', () => {
  const step = (id: string, command: string, extra: Partial<StepSpec> = {}): StepSpec => ({
    id,
    lang: 'bash',
    command,
    timeoutMs: 60_000,
    exitCode: 0,
    expect: [],
    ...extra,
  });
  const page = (locale: 'en' | 'ko', pageId: string, steps: StepSpec[]): PageManifest => ({
    pageId,
    locale,
    title: pageId,
    source: locale === 'en' ? `docs/${pageId}.mdx` : `i18n/ko/docusaurus-plugin-content-docs/current/${pageId}.mdx`,
    steps,
  });
  const steps = [step('a', 'echo a', {expect: [{kind: 'contains', pattern: 'a'}]}), step('b', 'echo b')];

  it('accepts identical steps', () => {
    assert.equal(firstParityDifference([page('en', 'p', steps)], [page('ko', 'p', steps)]), null);
  });

  it('names a missing translation', () => {
    assert.equal(
      firstParityDifference([page('en', 'p', steps), page('en', 'q', [])], [page('ko', 'p', steps)]),
      'page "q" (docs/q.mdx) has no Korean version',
    );
    assert.match(firstParityDifference([], [page('ko', 'p', [])]) ?? '', /has no English version/);
  });

  it('names a step order difference', () => {
    const message = firstParityDifference([page('en', 'p', steps)], [page('ko', 'p', [...steps].reverse())]);
    assert.match(
      message ?? '',
      /^page "p", step 1 \("a"\): id differs\n {2}en \(docs\/p\.mdx\): "a"\n {2}ko \(.*\): "b"$/,
    );
  });

  it('names a command or check difference', () => {
    assert.match(
      firstParityDifference(
        [page('en', 'p', steps)],
        [page('ko', 'p', [{...steps[0]!, command: 'echo  a'}, steps[1]!])],
      ) ?? '',
      /step 1 \("a"\): command differs/,
    );
    const changedCheck = [step('a', 'echo a', {expect: [{kind: 'contains', pattern: '가'}]}), steps[1]!];
    assert.match(
      firstParityDifference([page('en', 'p', steps)], [page('ko', 'p', changedCheck)]) ?? '',
      /step 1 \("a"\): expect differs/,
    );
  });

  it('names a missing or extra step', () => {
    assert.match(
      firstParityDifference([page('en', 'p', steps)], [page('ko', 'p', steps.slice(0, 1))]) ?? '',
      /step 2: .* is missing step "b"/,
    );
    assert.match(
      firstParityDifference([page('en', 'p', steps.slice(0, 1))], [page('ko', 'p', steps)]) ?? '',
      /step 2: .* has an extra step "b"/,
    );
  });
});
