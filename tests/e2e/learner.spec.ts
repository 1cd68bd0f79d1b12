/**
 * The moments that used to leave a learner stuck or puzzled (issue #12), as a learner meets them: a lab restart, a new
 * token, too many terminals, a reload mid-step, steps run back to back, a failed step's help, the keyboard, a phone,
 * dark mode, Korean. Each test says what the page must show.
 */
import {readFileSync} from 'node:fs';
import {test, expect, type Page} from '@playwright/test';
import {siteManifests} from './pages';
import {LabPage, pagePath} from './lab';
import {OwnLab, ownPort} from './own-lab';

const manifests = await siteManifests();
const firstPage = manifests.get('en', 'before-you-begin');
if (!firstPage) throw new Error('the e2e suite needs the before-you-begin page');

/** The browser globals these tests read, typed here: the e2e code is compiled without the DOM library. */
interface BrowserGlobals {
  getComputedStyle(element: unknown): {whiteSpace: string; lineHeight: string};
  document: {
    activeElement: {classList: {contains(name: string): boolean}} | null;
    fonts: {
      ready: Promise<unknown>;
      load(font: string, text: string): Promise<unknown>;
      check(font: string, text: string): boolean;
    };
  };
}

function refusal(page: Page) {
  return page.getByTestId('lab-terminal-refusal');
}

async function waitOpen(page: Page): Promise<void> {
  await expect(page.getByTestId('lab-terminal')).toHaveAttribute('data-status', 'open', {timeout: 30_000});
}

// Progress belongs to the learner, and the shared lab's learner is every spec's: leave before-you-begin as found,
// not run (terminal.spec.ts starts from a step that has not run yet).
test.afterEach(async ({page, baseURL}) => {
  if (!baseURL || !page.url().startsWith(baseURL)) return;
  // only where this test logged in to the shared lab (others never ran a step there)
  const cookies = await page.context().cookies(baseURL);
  if (!cookies.some((cookie) => cookie.name === `lab_token_${new URL(baseURL).port}`)) return;
  const lab = new LabPage(page);
  await lab.open('en', 'before-you-begin');
  await lab.resetProgress();
  await expect(lab.progress()).toHaveAttribute('data-done', '0');
});

test.describe('connection and session', () => {
  test('a lab restart: the page reconnects by itself, keeps its progress, and asks to re-run what lived in the shell', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const own = new OwnLab(ownPort(1));
    try {
      const token = await own.start();
      await own.login(page, token);
      await page.goto(`${own.origin}/docs/before-you-begin`);
      await waitOpen(page);
      const lab = new LabPage(page);
      for (const id of ['set-cluster-name', 'use-cluster-name']) {
        await lab.step(id).run();
        await lab.step(id).expectStatus('passed');
      }

      // the server goes away: the terminal says so in plain words
      await own.stop();
      await expect(refusal(page)).toHaveAttribute('data-kind', 'server-gone', {timeout: 20_000});
      await expect(refusal(page)).toContainText('npm start');

      // `npm start` again on the same state: the same token, so the page reconnects by itself, progress and all
      expect(await own.start()).toBe(token);
      await waitOpen(page);
      await expect(refusal(page)).toHaveCount(0);
      await expect(lab.step('use-cluster-name').root).toHaveAttribute('data-status', 'passed');
      // the export lived in the old shell: the step asks for a re-run, and the step that reads it says why
      await expect(lab.step('set-cluster-name').root).toHaveAttribute('data-needs-rerun', 'true');
      await expect(lab.step('set-cluster-name').root.getByTestId('step-rerun')).toContainText('LAB_CLUSTER');
      await expect(lab.step('use-cluster-name').root.getByTestId('step-inputs')).toContainText('LAB_CLUSTER');
      await expect(lab.progress()).toHaveAttribute('data-rerun', '1');

      // running it in the new shell puts everything right, from the note on the later step
      await lab.step('use-cluster-name').root.getByTestId('step-inputs').getByRole('button').click();
      await lab.step('set-cluster-name').expectStatus('passed');
      await expect(lab.step('set-cluster-name').root).not.toHaveAttribute('data-needs-rerun', 'true');
      await expect(lab.step('use-cluster-name').root.getByTestId('step-inputs')).toHaveCount(0);
      await expect(lab.progress()).toHaveAttribute('data-rerun', '0');
    } finally {
      await own.dispose();
    }
  });

  test('a new token: the page says to open the new URL printed in the terminal', async ({page}) => {
    test.setTimeout(90_000);
    const own = new OwnLab(ownPort(2));
    try {
      const token = await own.start();
      await own.login(page, token);
      await page.goto(`${own.origin}/ko/docs/before-you-begin`);
      await waitOpen(page);
      await own.stop();
      await own.start({newToken: true});
      await expect(refusal(page)).toHaveAttribute('data-kind', 'token', {timeout: 30_000});
      await expect(refusal(page)).toContainText('새 URL');
      // it does not keep knocking: the page waits for the learner
      await expect(page.getByTestId('lab-terminal')).toHaveAttribute('data-status', 'closed');
    } finally {
      await own.dispose();
    }
  });

  test('a page opened without the printed URL says where the key to the lab is', async ({page}) => {
    await page.goto(pagePath('en', 'before-you-begin')); // no ?token= first: no cookie
    await expect(refusal(page)).toHaveAttribute('data-kind', 'token', {timeout: 30_000});
    await expect(refusal(page)).toContainText('no key to the lab yet');
    await expect(refusal(page)).toContainText('Open http://127.0.0.1');
  });

  test('too many terminals: the page says so and takes over the oldest session', async ({browser}) => {
    test.setTimeout(90_000);
    const own = new OwnLab(ownPort(3), {maxSessionsPerLearner: 1});
    const first = await browser.newContext();
    const second = await browser.newContext(); // another browser profile: its own storage, so its own session
    try {
      const token = await own.start();
      const a = await first.newPage();
      await own.login(a, token);
      await a.goto(`${own.origin}/docs/before-you-begin`);
      await waitOpen(a);
      await a.locator('.xterm').click();
      await a.keyboard.type('export TAKE_OVER_MARK=kept\n');

      const b = await second.newPage();
      await own.login(b, token);
      await b.goto(`${own.origin}/docs/before-you-begin`);
      await expect(refusal(b)).toHaveAttribute('data-kind', 'session-limit', {timeout: 20_000});
      await expect(refusal(b)).toContainText('Take over the oldest session');
      await b.getByTestId('lab-take-over').click();
      await waitOpen(b);
      await b.locator('.xterm').click();
      await b.keyboard.type('echo "mark:$TAKE_OVER_MARK"\n');
      await expect.poll(() => terminalText(b)).toMatch(/^mark:kept$/m);

      // the first window is told, and can take it back
      await expect(refusal(a)).toHaveAttribute('data-kind', 'taken-over');
      await a.getByTestId('lab-take-back').click();
      await waitOpen(a);
      await expect(refusal(b)).toHaveAttribute('data-kind', 'taken-over');
    } finally {
      await first.close();
      await second.close();
      await own.dispose();
    }
  });

  test('a reload while a step runs shows it still running', async ({page}) => {
    const lab = new LabPage(page);
    await lab.login();
    await lab.open('en', 'before-you-begin');
    // the step's verify waits for the file ~/ambient-lab/.ready; a directory of that name keeps it waiting (test -f)
    // for as long as this test needs, however slow the machine
    await lab.terminal.type('rm -rf ~/ambient-lab/.ready && mkdir -p ~/ambient-lab/.ready');
    await lab.terminal.press('Enter');
    const step = lab.step('wait-for-ready');
    await step.run();
    await step.expectStatus('running');
    await page.reload();
    await lab.terminal.waitOpen();
    await expect(step.root).toHaveAttribute('data-status', 'running');
    await expect(step.root.getByTestId('step-run')).toBeDisabled();
    await lab.terminal.type('rmdir ~/ambient-lab/.ready && touch ~/ambient-lab/.ready');
    await lab.terminal.press('Enter');
    await step.expectStatus('passed', 30_000);
  });

  test('steps run back to back print each command once, after a prompt', async ({page}) => {
    const lab = new LabPage(page);
    await lab.login();
    await lab.open('en', 'before-you-begin');
    const ids = ['bash-version', 'set-cluster-name', 'use-cluster-name', 'workdir'];
    for (const id of ids) {
      await lab.step(id).run(); // as soon as the button is enabled again
      await lab.step(id).expectStatus('passed');
    }
    const text = await lab.terminal.text();
    for (const id of ids) {
      const command = firstPage!.steps.find((s) => s.id === id)!.command;
      const lines = text.split('\n').filter((line) => line.trimEnd().endsWith(command));
      expect(lines.length, `"${command}" echoed once:\n${lines.join('\n')}`).toBe(1);
      expect(lines[0], 'after the prompt').toMatch(/[$#] /);
    }
  });
});

test.describe('help and progress', () => {
  test('a failed step shows translated checks, a wrapped diff, its hint and its solution (ko)', async ({page}) => {
    const lab = new LabPage(page);
    await lab.login();
    await lab.open('ko', 'before-you-begin');
    await lab.terminal.type('unset LAB_CLUSTER');
    await lab.terminal.press('Enter');
    const step = lab.step('use-cluster-name');
    await step.run();
    await step.expectStatus('failed');
    const failure = step.failure();
    await expect(failure).toContainText('확인 실패');
    await expect(failure).toContainText('출력이 예상 출력과 비슷함');
    await expect(failure).toContainText('처음 어긋난 곳');
    const actual = failure.getByTestId('step-failure-actual');
    expect(
      await actual.evaluate((el) => (globalThis as unknown as BrowserGlobals).getComputedStyle(el).whiteSpace),
    ).toBe('pre-wrap');
    const help = step.root.getByTestId('step-help');
    await expect(help.getByTestId('step-hint')).toContainText('LAB_CLUSTER');
    await expect(help.getByTestId('step-solution')).not.toHaveAttribute('open', '');
    await help.getByText('해결 방법 보기').click();
    await expect(help.getByTestId('step-solution')).toContainText('export LAB_CLUSTER=ambient');
    // the hint is not shown before a failure
    await expect(lab.step('set-cluster-name').root.getByTestId('step-help')).toHaveCount(0);
    await lab.terminal.type('export LAB_CLUSTER=ambient');
    await lab.terminal.press('Enter');
  });

  test('the sidebar marks pages done and in progress, from the same progress', async ({page}) => {
    const lab = new LabPage(page);
    await lab.login();
    await lab.open('en', 'before-you-begin');
    await lab.resetProgress();
    const mark = (pageId: string) => page.locator(`[data-testid="sidebar-mark"][data-page-id="${pageId}"]`);
    await lab.step('bash-version').run();
    await lab.step('bash-version').expectStatus('passed');
    await expect(mark('before-you-begin')).toHaveAttribute('data-state', 'progress');
    for (const spec of firstPage!.steps) {
      const step = lab.step(spec.id);
      if ((await step.root.getAttribute('data-status')) === 'passed') continue;
      await step.run();
      await step.expectStatus('passed', spec.timeoutMs + (spec.verify?.timeoutMs ?? 0));
    }
    await expect(mark('before-you-begin')).toHaveAttribute('data-state', 'done');
    await expect(mark('before-you-begin')).toContainText('all steps passed');
    // pages without any result have no mark
    await expect(mark('authorization')).toHaveCount(0);
  });
});

test.describe('catch up', () => {
  test('a later page opened first says what it lacks, and "Catch me up" runs the earlier steps in the terminal', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    const own = new OwnLab(ownPort(4)); // a fresh state: no cluster yet
    try {
      const token = await own.start();
      await own.login(page, token);
      await page.goto(`${own.origin}/docs/install-istio`);
      await waitOpen(page);
      const banner = page.getByTestId('catch-up');
      await expect(banner).toHaveAttribute('data-state', 'needed', {timeout: 30_000});
      await expect(banner.locator('[data-need-kind="cluster"]')).toContainText('Create the k3d cluster');

      await page.getByTestId('catch-up-run').click();
      await expect(banner).toHaveAttribute('data-state', 'running');
      await expect(banner).toHaveAttribute('data-state', 'passed', {timeout: 120_000});
      const lab = new LabPage(page);
      // the page's own steps now work: the cluster is there
      await lab.step('precheck').run();
      await lab.step('precheck').expectStatus('passed', 60_000);
      await expect(page.locator('[data-testid="sidebar-mark"][data-page-id="create-cluster"]')).toHaveAttribute(
        'data-state',
        'done',
      );
      // the caught-up steps say so on their page
      await page.getByRole('link', {name: 'Create the k3d cluster'}).first().click();
      await expect(lab.step('cluster-create').status()).toContainText('caught up');
      await expect(page.getByTestId('catch-up')).toHaveCount(0);
    } finally {
      await own.dispose();
    }
  });
});

test.describe('polish', () => {
  test('keyboard: Enter on Run keeps the focus there; Ctrl+M lets Tab leave the terminal', async ({page}) => {
    const lab = new LabPage(page);
    await lab.login();
    await lab.open('en', 'before-you-begin');
    const run = lab.step('bash-version').root.getByTestId('step-run');
    await run.focus();
    await page.keyboard.press('Enter');
    await lab.step('bash-version').expectStatus('passed');
    await expect(run).toBeFocused();

    await page.locator('.xterm').click();
    const inTerminal = () =>
      page.evaluate(() =>
        (globalThis as unknown as BrowserGlobals).document.activeElement?.classList.contains('xterm-helper-textarea'),
      );
    expect(await inTerminal()).toBe(true);
    await page.keyboard.press('Tab'); // completion: stays in the shell
    expect(await inTerminal()).toBe(true);
    await page.keyboard.press('Control+m');
    await expect(page.getByTestId('lab-terminal-tab-focus')).toBeVisible();
    await page.keyboard.press('Tab');
    expect(await inTerminal()).toBe(false);
    await page.locator('.xterm').click();
    await page.keyboard.press('Control+m');
    await expect(page.getByTestId('lab-terminal-tab-focus')).toHaveCount(0);
  });

  test('a phone: the terminal header fits, 터미널 stays on one line, and the terminal folds', async ({browser}) => {
    // every page of both locales is loaded in full: about a minute on two idle cores, over four on a loaded machine
    test.setTimeout(420_000);
    const context = await browser.newContext({viewport: {width: 390, height: 844}, isMobile: true, hasTouch: true});
    const page = await context.newPage();
    try {
      const lab = new LabPage(page);
      await lab.login();
      await lab.open('ko', 'before-you-begin');
      const header = page.getByTestId('lab-terminal').locator('header');
      for (const control of await header.locator('button').all()) {
        const box = (await control.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width, await control.innerText()).toBeLessThanOrEqual(390);
      }
      const title = header.getByText('터미널', {exact: true});
      const lineHeight = await title.evaluate(
        (el) => parseFloat((globalThis as unknown as BrowserGlobals).getComputedStyle(el).lineHeight) || 20,
      );
      expect((await title.boundingBox())!.height).toBeLessThan(lineHeight * 1.5);
      await header.getByRole('button', {name: '터미널 숨기기'}).click();
      await expect(page.getByTestId('lab-terminal')).toHaveAttribute('data-open', 'false');
      await header.getByRole('button', {name: '터미널 보이기'}).click();
      await expect(page.getByTestId('lab-terminal')).toHaveAttribute('data-open', 'true');
      // no page is wider than the phone: a wider page widens the docked terminal too, and its header runs off screen
      for (const locale of ['en', 'ko'] as const) {
        for (const manifest of manifests.pages(locale)) {
          await page.goto(pagePath(locale, manifest.pageId));
          await page.locator('article').waitFor();
          const width = await page.evaluate(
            () =>
              (globalThis as unknown as {document: {documentElement: {scrollWidth: number}}}).document.documentElement
                .scrollWidth,
          );
          expect(width, `${locale}/${manifest.pageId} fits 390 px`).toBeLessThanOrEqual(390);
        }
      }
    } finally {
      await context.close();
    }
  });

  for (const locale of ['en', 'ko'] as const) {
    test(`dark mode, full page load (${locale}): every Concepts diagram is drawn`, async ({browser}) => {
      const context = await browser.newContext({colorScheme: 'dark'});
      const page = await context.newPage();
      try {
        await page.goto(pagePath(locale, 'concepts'));
        const source = readFileSync(
          locale === 'en' ? 'docs/concepts.mdx' : 'i18n/ko/docusaurus-plugin-content-docs/current/concepts.mdx',
          'utf8',
        );
        const diagrams = source.match(/^```mermaid$/gm)?.length ?? 0;
        expect(diagrams).toBeGreaterThan(1);
        await expect(page.locator('.docusaurus-mermaid-container svg')).toHaveCount(diagrams);
        for (const svg of await page.locator('.docusaurus-mermaid-container svg').all()) {
          expect((await svg.boundingBox())!.height).toBeGreaterThan(40);
        }
      } finally {
        await context.close();
      }
    });
  }

  test('Korean: the site brings its own Korean font, and search speaks Korean without button labels', async ({
    page,
  }) => {
    await page.goto(pagePath('ko', 'before-you-begin'));
    const hangul = await page.evaluate(async () => {
      const {fonts} = (globalThis as unknown as BrowserGlobals).document;
      await fonts.ready;
      await fonts.load('16px "Noto Sans KR Variable"', '한국어');
      return fonts.check('16px "Noto Sans KR Variable"', '한국어');
    });
    expect(hangul).toBe(true);
    // what Chrome actually draws the page title and the breadcrumb with (pure Hangul: the case that showed boxes)
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const {root} = await cdp.send('DOM.getDocument', {depth: -1});
    for (const selector of ['h1', '.breadcrumbs__item--active .breadcrumbs__link']) {
      const {nodeId} = await cdp.send('DOM.querySelector', {nodeId: root.nodeId, selector});
      await expect
        .poll(async () => (await cdp.send('CSS.getPlatformFontsForNode', {nodeId})).fonts.map((f) => f.familyName))
        .toEqual([expect.stringMatching(/^Noto Sans KR/)]);
    }
    await expect(page.locator('.navbar__search-input')).toHaveAttribute('placeholder', '검색');
    for (const index of ['build/search-index.json', 'build/ko/search-index.json']) {
      const text = readFileSync(index, 'utf8');
      for (const label of ['Not run yet', 'StepNot', 'Checks exits', '아직 실행 전', '확인 항목', 'Run again'])
        expect(text, `${index} has "${label}"`).not.toContain(label);
    }
  });

  test('the learner pages show the versions, not the developer override variables', async ({page}) => {
    await page.goto(pagePath('en', 'concepts'));
    await expect(page.getByTestId('versions')).toBeVisible();
    await expect(page.getByTestId('versions')).not.toContainText('LAB_VERSION_');
  });
});

async function terminalText(page: Page): Promise<string> {
  return new LabPage(page).terminal.text();
}
