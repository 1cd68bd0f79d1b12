/**
 * The whole tutorial, as a learner does it: in each locale, page after page in sidebar order, press Run on every
 * step and wait for "passed" — in ONE browser session, hence one continuous shell (a page sets a variable or
 * creates a cluster that a later page uses). The steps come from the same manifest the page and the runner use.
 * E2E_PAGES (comma-separated page ids) narrows the run, e.g. to the pages that need no cluster on a machine
 * without Docker.
 */
import {writeFileSync} from 'node:fs';
import {test, expect} from '@playwright/test';
import {LabPage} from './lab';
import {WalkthroughTimings} from './timings';
import {selectedPages, siteManifests} from './pages';

const manifests = await siteManifests();

// The walkthrough is about the steps, and it runs where Chromium paints in software, on the cores the lab and its
// shells need: no Playwright trace (its screencast cost about 30 s a locale, its DOM snapshots a tenth of the page's
// main thread; a failure still has its screenshot, and the spec prints the step's failure and the terminal), and the
// reduced motion a learner may ask for (transitions end at once, the spinner stands). Other specs keep both.
test.use({trace: 'off', reducedMotion: 'reduce'});

for (const locale of ['en', 'ko'] as const) {
  const pages = selectedPages(manifests, locale).filter((m) => m.steps.length > 0);
  test(`walkthrough (${locale}): every step of every page passes`, async ({page}, testInfo) => {
    // every step may take its whole timeout, but not all of them at once: a walkthrough that has not ended in 25
    // minutes is stuck (it takes about 5 on two idle cores), and must fail while CI still has time to report it
    const budget = pages
      .flatMap((m) => m.steps)
      .reduce((ms, s) => ms + s.timeoutMs + (s.verify?.timeoutMs ?? 0), 60_000);
    test.setTimeout(Math.min(budget, 25 * 60_000));
    const lab = new LabPage(page);
    const timings = new WalkthroughTimings(page);
    await lab.login();
    await timings.start();
    for (const manifest of pages) {
      await test.step(manifest.pageId, async () => {
        await timings.load(manifest.pageId, async () => {
          await lab.navigate(locale, manifest.pageId);
          await expect(lab.steps()).toHaveCount(manifest.steps.length);
          await expect(lab.progress()).toHaveAttribute('data-total', String(manifest.steps.length));
          // Progress belongs to the learner, not the language (both locales have the same steps), so the other
          // locale's run shows here: start the page over, as a learner would with "reset".
          await lab.resetProgress();
          await expect(lab.progress()).toHaveAttribute('data-done', '0');
        });

        for (const spec of manifest.steps) {
          const step = lab.step(spec.id);
          const limit = spec.timeoutMs + (spec.verify?.timeoutMs ?? 0) + 5_000;
          let status = '';
          await timings.step(
            manifest.pageId,
            spec.id,
            () => step.runWhenEnabled(),
            async () => void (status = await step.result(limit)),
          );
          if (status !== 'passed') {
            const failure = await step.explanation();
            throw new Error(
              `${manifest.pageId}/${spec.id} did not pass:\n${failure}\n\nterminal:\n${(await lab.terminal.text()).split('\n').slice(-40).join('\n')}`,
            );
          }
        }
        // every step counted once on the page's progress (checked per page: one round trip, not one per step)
        await expect(lab.progress()).toHaveAttribute('data-done', String(manifest.steps.length));
      });
    }
    await timings.finish();
    const report = timings.report();
    await testInfo.attach(`timings-${locale}.txt`, {body: report, contentType: 'text/plain'});
    writeFileSync(testInfo.outputPath(`timings-${locale}.txt`), report);
    console.log(`walkthrough (${locale}) timings: ${report.split('\n').slice(0, 3).join('; ')}`);
  });
}
