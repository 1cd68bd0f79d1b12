/**
 * Screenshots of the lab as a learner sees it, both locales: home, a page with steps idle, a step running,
 * all passed, and a failed step. Usage: start the lab, then
 *   node --import tsx scripts/screenshots.ts http://127.0.0.1:4321/?token=… [outDir]
 */
import {chromium, type Page} from '@playwright/test';
import {mkdirSync} from 'node:fs';
import path from 'node:path';

const [startUrl, outDir = 'test-results/screenshots'] = process.argv.slice(2);
if (!startUrl) {
  process.stderr.write('usage: scripts/screenshots.ts <lab URL with ?token=…> [outDir]\n');
  process.exit(2);
}
mkdirSync(outDir, {recursive: true});
const origin = new URL(startUrl).origin;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-gpu',
  ],
});
const page = await browser.newPage({viewport: {width: 1280, height: 1000}});
await page.goto(startUrl);

async function shot(name: string, target: Page = page): Promise<void> {
  const file = path.join(outDir, `${name}.png`);
  await target.screenshot({path: file, fullPage: false});
  process.stdout.write(`${file}\n`);
}

for (const locale of ['en', 'ko'] as const) {
  const prefix = locale === 'en' ? '' : '/ko';
  await page.goto(`${origin}${prefix}/`);
  await shot(`${locale}-home`);
  await page.goto(`${origin}${prefix}/docs/before-you-begin`);
  await page.getByTestId('lab-terminal').and(page.locator('[data-status="open"]')).waitFor({timeout: 30_000});
  const reset = page.getByTestId('page-progress-reset');
  if ((await reset.isVisible()) && (await reset.isEnabled())) await reset.click();
  await shot(`${locale}-steps-idle`);
  const steps = page.getByTestId('step');
  const count = await steps.count();
  for (let i = 0; i < count; i++) {
    const step = steps.nth(i);
    await step.getByTestId('step-run').click();
    if (i === count - 1) {
      // the last step waits for a condition: catch it while running
      await step
        .locator('[data-status="running"]')
        .or(step.and(page.locator('[data-status="running"]')))
        .first()
        .waitFor({timeout: 5_000})
        .catch(() => {});
      await step.scrollIntoViewIfNeeded();
      await shot(`${locale}-step-running`);
    }
    await page.waitForFunction((el) => el.getAttribute('data-status') !== 'running', await step.elementHandle(), {
      timeout: 60_000,
    });
  }
  await shot(`${locale}-steps-passed`);
  // make a step fail on purpose: take away the variable a later step reads, then run that step again
  await page.locator('.xterm').click();
  await page.keyboard.type('unset LAB_CLUSTER\n');
  const uses = page.locator('[data-testid="step"]', {hasText: 'cluster name'}).first();
  await uses.getByTestId('step-run').click();
  await uses.getByTestId('step-failure').waitFor({timeout: 30_000});
  await uses.scrollIntoViewIfNeeded();
  await shot(`${locale}-step-failed`);
  await page.keyboard.type('export LAB_CLUSTER=ambient\n');
}
await browser.close();
