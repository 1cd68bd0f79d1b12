/**
 * The whole tutorial, as a learner does it: on every page, in both locales, press Run on every step in order
 * and wait for "passed". The steps come from the same manifest the page and the runner use.
 */
import {test, expect} from '@playwright/test';
import {collectManifests} from '../../server/manifests/collect';
import {LabPage} from './lab';

const manifests = await collectManifests(process.cwd());

for (const locale of ['en', 'ko'] as const) {
  test.describe(`walkthrough (${locale})`, () => {
    for (const manifest of manifests.pages(locale)) {
      if (manifest.steps.length === 0) continue;
      test(`${manifest.pageId}: every step passes`, async ({page}) => {
        const budget = manifest.steps.reduce((ms, s) => ms + s.timeoutMs + (s.verify?.timeoutMs ?? 0), 30_000);
        test.setTimeout(budget);
        const lab = new LabPage(page);
        await lab.login();
        await lab.open(locale, manifest.pageId);
        await expect(lab.steps()).toHaveCount(manifest.steps.length);
        await expect(lab.progress()).toHaveAttribute('data-total', String(manifest.steps.length));
        // Progress belongs to the learner, not the language (both locales have the same steps), so the other
        // locale's run shows here: start the page over, as a learner would with "reset".
        await lab.resetProgress();
        await expect(lab.progress()).toHaveAttribute('data-done', '0');

        for (const [i, spec] of manifest.steps.entries()) {
          const step = lab.step(spec.id);
          await step.run();
          const limit = spec.timeoutMs + (spec.verify?.timeoutMs ?? 0) + 5_000;
          await expect(step.root).not.toHaveAttribute('data-status', 'running', {timeout: limit});
          if ((await step.root.getAttribute('data-status')) !== 'passed') {
            const failure = await step.failure().innerText().catch(() => '(no failure shown)');
            throw new Error(`step ${spec.id} did not pass:\n${failure}`);
          }
          await expect(lab.progress()).toHaveAttribute('data-done', String(i + 1));
        }
      });
    }
  });
}
