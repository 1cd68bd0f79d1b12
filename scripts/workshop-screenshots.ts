/**
 * Screenshots of workshop mode, as its people see it: the join page (with a refusal), the instructor's board (a room
 * with passes, a failure twice, a raised hand, the viewer open) in light and dark, the attendee's banners (the
 * instructor viewing, asking to type, typing), the broadcast viewer, the end; English and Korean.
 *
 * Starts its own workshop lab (sandbox backend, fresh state directory) on LAB_SHOT_PORT (default 4470); needs a built
 * site:   node --import tsx scripts/workshop-screenshots.ts [outDir]
 * Files:  <outDir>/workshop-<scene>-<locale>[-dark].png
 */
import {chromium, type Browser, type BrowserContext, type Page} from '@playwright/test';
import {mkdirSync} from 'node:fs';
import path from 'node:path';
import {WorkshopLab} from '../tests/e2e/workshop-lab';

type Locale = 'en' | 'ko';
const outDir = process.argv[2] ?? 'test-results/workshop-screenshots';
const port = Number(process.env.LAB_SHOT_PORT ?? 4470);
mkdirSync(outDir, {recursive: true});

async function context(browser: Browser, options: {dark?: boolean; phone?: boolean} = {}): Promise<BrowserContext> {
  return browser.newContext({
    viewport: options.phone ? {width: 390, height: 844} : {width: 1280, height: 900},
    colorScheme: options.dark ? 'dark' : 'light',
    isMobile: options.phone === true,
    hasTouch: options.phone === true,
    deviceScaleFactor: 1,
  });
}

async function shot(page: Page, scene: string, locale: Locale, suffix = ''): Promise<void> {
  await page.waitForTimeout(400); // let the last transition settle
  await page.evaluate(() => document.fonts.ready);
  const file = path.join(outDir, `workshop-${scene}-${locale}${suffix}.png`);
  await page.screenshot({path: file});
  process.stdout.write(`${file}\n`);
}

async function runStep(page: Page, id: string): Promise<void> {
  const step = page.locator(`[data-testid="step"][data-step-id="${id}"]`);
  const run = step.getByTestId('step-run');
  await page.waitForFunction((el) => el?.getAttribute('aria-disabled') !== 'true', await run.elementHandle());
  await run.click();
  await page.waitForFunction(
    (el) => el !== null && !['running', 'idle'].includes(el.getAttribute('data-status') ?? ''),
    await step.elementHandle(),
    {timeout: 60_000},
  );
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu'],
});
const lab = new WorkshopLab(port, {pages: ['before-you-begin', 'create-cluster', 'install-istio']});
try {
  await lab.start();

  // the join page: filled from the QR code's link, then a wrong code's refusal; and on a phone
  for (const locale of ['en', 'ko'] as const) {
    const ctx = await context(browser);
    const page = await ctx.newPage();
    await page.goto(`${lab.origin}${locale === 'ko' ? '/ko' : ''}/join?code=${lab.code}`);
    await page.getByTestId('join-name').fill(locale === 'ko' ? '김민지' : 'Ann');
    await shot(page, 'join', locale);
    await page.getByTestId('join-code').fill('QQQ-QQQ');
    await page.getByTestId('join-submit').click();
    await page.getByTestId('join-error').waitFor();
    await shot(page, 'join-refused', locale);
    await ctx.close();
    const phone = await context(browser, {phone: true});
    const phonePage = await phone.newPage();
    await phonePage.goto(`${lab.origin}${locale === 'ko' ? '/ko' : ''}/join?code=${lab.code}`);
    await shot(phonePage, 'join', locale, '-phone');
    await phone.close();
  }

  // the room: Ann passes two steps, Bora fails one twice (stuck), 민지 (Korean pages) raises a hand
  const instructorCtx = await context(browser);
  const board = await instructorCtx.newPage();
  await lab.instructor(board);
  const annCtx = await context(browser);
  const ann = await lab.join(annCtx, 'Ann');
  const boraCtx = await context(browser);
  const bora = await lab.join(boraCtx, 'Bora');
  const minjiCtx = await context(browser);
  const minji = await lab.join(minjiCtx, '김민지', 'ko');
  await runStep(ann, 'bash-version');
  await runStep(ann, 'kubectl-client');
  await runStep(bora, 'bash-version');
  await runStep(bora, 'use-cluster-name');
  await runStep(bora, 'use-cluster-name');
  await runStep(minji, 'bash-version');
  await minji.getByTestId('workshop-hand').click();
  await board.locator('[data-testid="board-row"][data-name="Bora"][data-stuck="failed-twice"]').waitFor();

  // the instructor's own page, followed and broadcast
  const own = await instructorCtx.newPage();
  await own.goto(`${lab.origin}/docs/before-you-begin`);
  await own.locator('[data-testid="lab-terminal"][data-status="open"]').waitFor({timeout: 60_000});
  await own.locator('.xterm').click();
  await own.keyboard.type('kubectl version --client\n');
  await board.getByTestId('board-broadcast').click();
  await board.getByTestId('board-follow').click();

  // viewing Ann read-only: the board with its viewer, and Ann's banner
  await board.locator('[data-testid="board-row"][data-name="Ann"]').getByTestId('board-view').click();
  await board.locator('[data-testid="watch-terminal"][data-status="open"]').waitFor();
  await shot(board, 'board-viewer', 'en');
  await ann.locator('[data-testid="workshop-banner"][data-kind="viewing"]').waitFor();
  await shot(ann, 'attendee-viewing', 'en');
  await board.getByTestId('board-viewer-close').click();
  for (const locale of ['en', 'ko'] as const) {
    for (const dark of [false, true]) {
      const ctx = await context(browser, {dark});
      await ctx.addCookies(await instructorCtx.cookies());
      const page = await ctx.newPage();
      await page.goto(`${lab.origin}${locale === 'ko' ? '/ko' : ''}/workshop`);
      await page.locator('[data-testid="board"][data-status="open"]').waitFor();
      await shot(page, 'board', locale, dark ? '-dark' : '');
      await ctx.close();
    }
  }

  // asking to type: Bora's (en) and 민지's (ko) consent banners; the board's question first
  await board.locator('[data-testid="board-row"][data-name="Bora"]').getByTestId('board-take-over').click();
  await board.getByTestId('board-dialog').waitFor();
  await shot(board, 'board-take-over-dialog', 'en');
  await board.getByTestId('board-dialog-confirm').click();
  await bora.locator('[data-testid="workshop-banner"][data-kind="asking"]').waitFor();
  await shot(bora, 'attendee-asking', 'en');
  await board.locator('[data-testid="board-row"][data-name="김민지"]').getByTestId('board-take-over').click();
  await board.getByTestId('board-dialog-confirm').click();
  await minji.locator('[data-testid="workshop-banner"][data-kind="asking"]').waitFor();
  await shot(minji, 'attendee-asking', 'ko');
  await minji.getByTestId('workshop-consent-allow').click();
  await minji.locator('[data-testid="workshop-banner"][data-kind="typing"]').waitFor();
  await shot(minji, 'attendee-typing', 'ko');
  await bora.getByTestId('workshop-consent-allow').click();
  await bora.locator('[data-testid="workshop-banner"][data-kind="typing"]').waitFor();
  await board.locator('[data-testid="board-viewer"][data-mode="typing"]').waitFor();
  await board.locator('[data-testid="board-viewer"] .xterm').click();
  await board.keyboard.type('echo "the instructor typed this"\n');
  await shot(board, 'board-typing', 'en');
  await shot(bora, 'attendee-typing', 'en');

  // the instructor's broadcast, as Ann (en) and 민지 (ko) watch it
  for (const [page, locale] of [
    [ann, 'en'],
    [minji, 'ko'],
  ] as const) {
    await page.getByTestId('workshop-broadcast-open').click();
    await page
      .locator('[data-testid="workshop-broadcast-viewer"] [data-testid="watch-terminal"][data-status="open"]')
      .waitFor();
    await shot(page, 'attendee-broadcast', locale);
  }

  // the end, as the room sees it
  await board.getByTestId('board-end').click();
  await board.getByTestId('board-dialog-confirm').click();
  await ann.getByTestId('workshop-ended').waitFor();
  await shot(ann, 'attendee-ended', 'en');
  await minji.getByTestId('workshop-ended').waitFor();
  await shot(minji, 'attendee-ended', 'ko');
  await shot(board, 'board-ended', 'en');
} finally {
  await browser.close();
  await lab.dispose();
}
