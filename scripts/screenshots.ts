/**
 * Screenshots of the lab as a learner sees it, in both locales, on a desktop (1280 px) and a phone (390 px), light
 * and dark: steps idle, running, passed and failed with their hint; every refusal the terminal can show; a restart
 * with steps to re-run; "Catch me up" before, during and after; the sidebar marks; the Concepts diagrams; and a
 * workshop (scene `workshop`): the join page and its wrong-code answer, the instructor's board with a room's results
 * and a raised hand, the read-only view of an attendee's terminal and the banner the attendee sees meanwhile, the
 * take-over request, a full room and the end.
 *
 * The script starts its own labs (sandbox backend, fresh state directories) on ports from 4432 (LAB_SHOT_PORT), so it
 * needs only a built site:
 *   node --import tsx scripts/screenshots.ts [outDir] [--only <scene>,...] [--variants desktop-light,phone-dark,...]
 * Files: <outDir>/<scene>-<locale>-<desktop|phone>-<light|dark>.png
 */
import {chromium, type Browser, type BrowserContext, type Page} from '@playwright/test';
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {storedToken} from '../server/auth/token-file';
import {silentLogger} from '../server/config/logger';
import {startLabServer, type LabServer} from '../server/http/server';
import {WorkshopLab} from '../tests/e2e/workshop-lab';

type Locale = 'en' | 'ko';
interface Variant {
  name: string;
  width: number;
  height: number;
  dark: boolean;
  phone: boolean;
}

const ALL_VARIANTS: Variant[] = [
  {name: 'desktop-light', width: 1280, height: 900, dark: false, phone: false},
  {name: 'desktop-dark', width: 1280, height: 900, dark: true, phone: false},
  {name: 'phone-light', width: 390, height: 844, dark: false, phone: true},
  {name: 'phone-dark', width: 390, height: 844, dark: true, phone: true},
];

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const only = flag('--only')?.split(',');
const variantNames = flag('--variants')?.split(',');
const outDir = args[0] ?? 'test-results/screenshots';
const basePort = Number(process.env.LAB_SHOT_PORT ?? 4432);
mkdirSync(outDir, {recursive: true});
const variants = ALL_VARIANTS.filter((v) => !variantNames || variantNames.includes(v.name));
const wanted = (scene: string) => !only || only.includes(scene);

/** A lab of the script's own, as `lab start` runs it (the token kept in its state directory). */
class Lab {
  readonly stateDir = mkdtempSync(path.join(tmpdir(), 'ambient-lab-shots-'));
  server: LabServer | null = null;
  constructor(
    readonly port: number,
    private readonly maxSessionsPerLearner?: number,
  ) {}
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  async start(newToken = false): Promise<string> {
    const {token} = await storedToken(this.stateDir, {rotate: newToken});
    this.server = await startLabServer({
      port: this.port,
      token,
      stateDir: this.stateDir,
      backend: 'sandbox',
      logger: silentLogger(),
      ...(this.maxSessionsPerLearner ? {maxSessionsPerLearner: this.maxSessionsPerLearner} : {}),
    });
    return token;
  }
  async stop(): Promise<void> {
    await this.server?.close();
    this.server = null;
  }
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.stateDir, {recursive: true, force: true});
  }
  url(locale: Locale, pageId: string): string {
    return `${this.origin}${locale === 'en' ? '' : '/ko'}/docs/${pageId}`;
  }
}

async function context(browser: Browser, variant: Variant): Promise<BrowserContext> {
  return browser.newContext({
    viewport: {width: variant.width, height: variant.height},
    colorScheme: variant.dark ? 'dark' : 'light',
    isMobile: variant.phone,
    hasTouch: variant.phone,
    deviceScaleFactor: 1,
  });
}

async function shot(page: Page, scene: string, locale: Locale, variant: Variant): Promise<void> {
  await page.waitForTimeout(400); // let the last transition settle
  // Hangul comes from the site's web font in subsets loaded as text needs them: wait for those in flight
  await page.evaluate(() => document.fonts.ready);
  const file = path.join(outDir, `${scene}-${locale}-${variant.name}.png`);
  await page.screenshot({path: file, fullPage: false});
  process.stdout.write(`${file}\n`);
}

async function waitOpen(page: Page): Promise<void> {
  await page.locator('[data-testid="lab-terminal"][data-status="open"]').waitFor({timeout: 60_000});
}

const step = (page: Page, id: string) => page.locator(`[data-testid="step"][data-step-id="${id}"]`);

async function runStep(page: Page, id: string, timeout = 60_000): Promise<void> {
  const run = step(page, id).getByTestId('step-run');
  await page.waitForFunction((el) => el?.getAttribute('aria-disabled') !== 'true', await run.elementHandle());
  await run.click();
  await page.waitForFunction(
    (el) => el !== null && el.getAttribute('data-status') !== 'running' && el.getAttribute('data-status') !== 'idle',
    await step(page, id).elementHandle(),
    {timeout},
  );
}

/** Scroll so that `target` sits in the upper part of the screen, above the docked terminal. */
async function scrollTo(page: Page, selector: string): Promise<void> {
  await page
    .locator(selector)
    .first()
    .evaluate((el) => el.scrollIntoView({block: 'start'}));
  await page.evaluate(() => window.scrollBy(0, -80));
}

async function typeInTerminal(page: Page, text: string): Promise<void> {
  await page.locator('.xterm').click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu'],
});

try {
  for (const variant of variants) {
    for (const locale of ['en', 'ko'] as const) {
      // --- steps: idle, running, passed, failed with its hint; the terminal's Tab focus mode; Concepts diagrams
      if (wanted('steps') || wanted('concepts')) {
        const lab = new Lab(basePort);
        const token = await lab.start();
        const ctx = await context(browser, variant);
        const page = await ctx.newPage();
        try {
          await page.goto(`${lab.origin}/?token=${token}`);
          if (wanted('concepts')) {
            await page.goto(lab.url(locale, 'concepts'));
            await page.locator('.docusaurus-mermaid-container svg').nth(1).waitFor({timeout: 30_000});
            await scrollTo(page, '.docusaurus-mermaid-container');
            await shot(page, 'concepts-diagrams', locale, variant);
          }
          if (wanted('steps')) {
            await page.goto(lab.url(locale, 'before-you-begin'));
            await waitOpen(page);
            await scrollTo(page, '[data-testid="page-progress"]');
            await shot(page, 'steps-idle', locale, variant);
            for (const id of ['bash-version', 'kubectl-client', 'set-cluster-name', 'use-cluster-name', 'workdir']) {
              await runStep(page, id);
            }
            await step(page, 'wait-for-ready').getByTestId('step-run').click();
            await scrollTo(page, '[data-step-id="wait-for-ready"]');
            await shot(page, 'step-running', locale, variant);
            await page.waitForFunction(
              (el) => el?.getAttribute('data-status') === 'passed',
              await step(page, 'wait-for-ready').elementHandle(),
              {timeout: 60_000},
            );
            await shot(page, 'steps-passed', locale, variant);
            await typeInTerminal(page, 'unset LAB_CLUSTER');
            await runStep(page, 'use-cluster-name');
            await step(page, 'use-cluster-name').getByTestId('step-solution').locator('summary').click();
            await scrollTo(page, '[data-step-id="use-cluster-name"]');
            await shot(page, 'step-failed-hint', locale, variant);
            await typeInTerminal(page, 'export LAB_CLUSTER=ambient');
            await page.locator('.xterm').click();
            await page.keyboard.press('Control+m');
            await shot(page, 'terminal-tab-focus', locale, variant);
            await page.keyboard.press('Control+m');
            // the keyboard's focus ring on a Run button (reached with Tab, as a keyboard user does)
            const run = step(page, 'use-cluster-name').getByTestId('step-run');
            await run.focus();
            await page.keyboard.press('Shift+Tab');
            await page.keyboard.press('Tab');
            await scrollTo(page, '[data-step-id="use-cluster-name"]');
            await shot(page, 'focus-ring', locale, variant);
          }
        } finally {
          await ctx.close();
          await lab.dispose();
        }
      }

      // --- a restart of the lab: "not answering", then back with steps to re-run; then a new token
      if (wanted('restart')) {
        const lab = new Lab(basePort + 1);
        const token = await lab.start();
        const ctx = await context(browser, variant);
        const page = await ctx.newPage();
        try {
          await page.goto(`${lab.origin}/?token=${token}`);
          await page.goto(lab.url(locale, 'before-you-begin'));
          await waitOpen(page);
          for (const id of ['bash-version', 'set-cluster-name', 'use-cluster-name']) await runStep(page, id);
          await lab.stop();
          await page.getByTestId('lab-terminal-refusal').waitFor({timeout: 30_000});
          await shot(page, 'refusal-server-gone', locale, variant);
          await lab.start();
          await waitOpen(page);
          await step(page, 'set-cluster-name').getByTestId('step-rerun').waitFor();
          await scrollTo(page, '[data-step-id="set-cluster-name"]');
          await shot(page, 'restart-rerun', locale, variant);
          await lab.stop();
          await lab.start(true);
          await page.locator('[data-testid="lab-terminal-refusal"][data-kind="token"]').waitFor({timeout: 30_000});
          await shot(page, 'refusal-token', locale, variant);
        } finally {
          await ctx.close();
          await lab.dispose();
        }
      }

      // --- too many terminals, and the tab that lost its terminal
      if (wanted('limit')) {
        const lab = new Lab(basePort + 2, 1);
        const token = await lab.start();
        const first = await context(browser, variant);
        const second = await context(browser, variant);
        try {
          const a = await first.newPage();
          await a.goto(`${lab.origin}/?token=${token}`);
          await a.goto(lab.url(locale, 'before-you-begin'));
          await waitOpen(a);
          const b = await second.newPage();
          await b.goto(`${lab.origin}/?token=${token}`);
          await b.goto(lab.url(locale, 'before-you-begin'));
          await b.locator('[data-testid="lab-terminal-refusal"][data-kind="session-limit"]').waitFor({timeout: 30_000});
          await shot(b, 'refusal-session-limit', locale, variant);
          await b.getByTestId('lab-take-over').click();
          await waitOpen(b);
          await a.locator('[data-testid="lab-terminal-refusal"][data-kind="taken-over"]').waitFor({timeout: 30_000});
          await shot(a, 'refusal-taken-over', locale, variant);
        } finally {
          await first.close();
          await second.close();
          await lab.dispose();
        }
      }

      // --- a later page first: what it lacks, Catch me up running and done, the sidebar marks, caught-up steps
      if (wanted('catch-up')) {
        const lab = new Lab(basePort + 3);
        const token = await lab.start();
        const ctx = await context(browser, variant);
        const page = await ctx.newPage();
        try {
          await page.goto(`${lab.origin}/?token=${token}`);
          await page.goto(lab.url(locale, 'traffic-waypoint'));
          await waitOpen(page);
          await page.locator('[data-testid="catch-up"][data-state="needed"]').waitFor({timeout: 60_000});
          await shot(page, 'catch-up-needed', locale, variant);
          await page.getByTestId('catch-up-run').click();
          await page.locator('[data-testid="catch-up"][data-state="running"]').waitFor();
          await page.waitForFunction(
            () =>
              Number(
                document.querySelector('[data-testid="catch-up"] [role="progressbar"]')?.getAttribute('aria-valuenow'),
              ) >= 8,
            undefined,
            {timeout: 120_000},
          );
          await shot(page, 'catch-up-running', locale, variant);
          await page.locator('[data-testid="catch-up"][data-state="passed"]').waitFor({timeout: 240_000});
          await shot(page, 'catch-up-passed', locale, variant);
          if (variant.phone) await page.locator('.navbar__toggle').click(); // the sidebar lives in the menu on a phone
          await page.waitForTimeout(300);
          await shot(page, 'sidebar-marks', locale, variant);
          await page.goto(lab.url(locale, 'sample-apps'));
          await waitOpen(page);
          await scrollTo(page, '[data-testid="step"]');
          await shot(page, 'caught-up-steps', locale, variant);
        } finally {
          await ctx.close();
          await lab.dispose();
        }
      }

      // --- a workshop: join, the board with a room, the read-only view and its banner, take-over, full, ended
      if (wanted('workshop')) {
        const lab = new WorkshopLab(basePort + 4, {capacity: 3, pages: ['before-you-begin', 'create-cluster']});
        await lab.start();
        const contexts: BrowserContext[] = [];
        const open = async () => {
          const c = await context(browser, variant);
          contexts.push(c);
          return c;
        };
        try {
          const prefix = locale === 'ko' ? '/ko' : '';
          const joinPage = await (await open()).newPage();
          await joinPage.goto(`${lab.origin}${prefix}/join?code=${lab.code.toLowerCase()}`);
          await joinPage.getByTestId('join-name').waitFor();
          await shot(joinPage, 'workshop-join', locale, variant);
          await joinPage.getByTestId('join-code').fill('ZZZ-ZZZ');
          await joinPage.getByTestId('join-name').fill('Dee');
          await joinPage.getByTestId('join-submit').click();
          await joinPage.getByTestId('join-error').waitFor({timeout: 30_000});
          await shot(joinPage, 'workshop-join-wrong-code', locale, variant);

          const board = await (await open()).newPage();
          await lab.instructor(board, locale);
          const names = locale === 'ko' ? ['민준', '서연', '지호'] : ['Ann', 'Bora', 'Chen'];
          const rooms: Page[] = [];
          for (const name of names) rooms.push(await lab.join(await open(), name, locale));
          // the room at work: everyone runs the first steps, one fails one, one raises a hand
          for (const [i, page] of rooms.entries())
            for (const id of ['bash-version', 'kubectl-client', 'set-cluster-name'].slice(0, 3 - i))
              await runStep(page, id);
          await typeInTerminal(rooms[2]!, 'unset LAB_CLUSTER');
          await runStep(rooms[2]!, 'use-cluster-name');
          await rooms[1]!.getByTestId('workshop-hand').click();
          await board.locator('[data-testid="board-row"][data-hand="up"]').waitFor();
          await shot(rooms[0]!, 'workshop-attendee', locale, variant);
          await shot(board, 'workshop-board', locale, variant);

          // the read-only view: the board's viewer and the attendee's banner
          await typeInTerminal(rooms[0]!, 'kubectl version --client');
          await board.locator(`[data-testid="board-row"][data-name="${names[0]}"]`).getByTestId('board-view').click();
          await board
            .locator('[data-testid="board-viewer"] [data-testid="watch-terminal"][data-status="open"]')
            .waitFor();
          await rooms[0]!.locator('[data-testid="workshop-banner"][data-kind="viewing"]').waitFor();
          await shot(board, 'workshop-view', locale, variant);
          await shot(rooms[0]!, 'workshop-attendee-viewed', locale, variant);
          await board
            .getByTestId('board-viewer')
            .getByRole('button', {name: locale === 'ko' ? /입력 요청/ : /Take over/})
            .click();
          await board.getByTestId('board-dialog-confirm').click();
          await rooms[0]!.locator('[data-testid="workshop-banner"][data-kind="asking"]').waitFor();
          await shot(rooms[0]!, 'workshop-take-over-asked', locale, variant);
          await rooms[0]!.getByTestId('workshop-consent-deny').click();
          await board.getByTestId('board-viewer-close').click();

          // a fourth attendee finds the room full
          const late = await (await open()).newPage();
          await late.goto(`${lab.origin}${prefix}/join?code=${lab.code.toLowerCase()}`);
          await late.getByTestId('join-name').fill(locale === 'ko' ? '하윤' : 'Dee');
          await late.getByTestId('join-submit').click();
          await late.getByTestId('join-error').waitFor({timeout: 30_000});
          await shot(late, 'workshop-full', locale, variant);

          // the end: the board keeps the results for export, attendees see the workshop is over
          await board.getByTestId('board-end').click();
          await board.getByTestId('board-dialog-confirm').click();
          await board.locator('[data-testid="board"][data-ended="true"]').waitFor();
          await rooms[0]!.getByTestId('workshop-ended').waitFor();
          await shot(board, 'workshop-board-ended', locale, variant);
          await shot(rooms[0]!, 'workshop-ended', locale, variant);
        } finally {
          for (const c of contexts) await c.close();
          await lab.dispose();
        }
      }
    }
  }
} finally {
  await browser.close();
}
