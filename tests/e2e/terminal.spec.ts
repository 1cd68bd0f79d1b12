/** The terminal as a person uses it: typing a step's command by hand, and reloading mid-session. */
import {test, expect} from '@playwright/test';
import {LabPage} from './lab';
import {siteManifests} from './pages';

const manifests = await siteManifests();
const firstPage = manifests.pages('en').find((m) => m.steps.length > 0);
if (!firstPage) throw new Error('no tutorial page with steps: the e2e suite needs at least one');
// a one-line step without verify, typed by hand
const typedStep = firstPage.steps.find((s) => !s.command.includes('\n') && !s.verify);
if (!typedStep) throw new Error(`no one-line step without verify on ${firstPage.pageId}`);

test('a command typed by hand is recognised as its step', async ({page}) => {
  const lab = new LabPage(page);
  await lab.login();
  await lab.open('en', firstPage.pageId);
  const step = lab.step(typedStep.id);
  await step.expectStatus('idle');
  await lab.terminal.type(typedStep.command);
  await lab.terminal.press('Enter');
  await step.expectStatus('passed', typedStep.timeoutMs);
  await expect(step.root).toContainText(/typed|입력/i);
});

test('a reload reattaches to the same shell with scrollback and progress intact', async ({page}) => {
  const lab = new LabPage(page);
  await lab.login();
  await lab.open('en', firstPage.pageId);
  const marker = `reload-marker-${Date.now()}`;
  await lab.terminal.type(`export LAB_E2E_MARK=${marker}; echo "$LAB_E2E_MARK"`);
  await lab.terminal.press('Enter');
  await lab.terminal.expectText(new RegExp(`^${marker}$`, 'm'));
  const step = lab.step(typedStep.id);
  await step.run();
  await step.expectStatus('passed', typedStep.timeoutMs);
  const before = await lab.terminal.text();

  await page.reload();
  await lab.terminal.waitOpen();
  // scrollback replayed: the marker line and the step's command are back on screen
  await lab.terminal.expectText(new RegExp(`^${marker}$`, 'm'));
  const after = await lab.terminal.text();
  expect(after.trimEnd().split('\n').filter(Boolean).slice(0, 5)).toEqual(
    before.trimEnd().split('\n').filter(Boolean).slice(0, 5),
  );
  // progress restored from the server
  await step.expectStatus('passed');
  // the same shell: the variable set before the reload is still there
  await lab.terminal.type('echo "again:$LAB_E2E_MARK"');
  await lab.terminal.press('Enter');
  await lab.terminal.expectText(new RegExp(`^again:${marker}$`, 'm'));
});

test('the terminal and its shell survive client-side navigation', async ({page}) => {
  const lab = new LabPage(page);
  await lab.login();
  await lab.open('en', firstPage.pageId);
  await lab.terminal.type('export LAB_NAV_MARK=kept');
  await lab.terminal.press('Enter');
  await page
    .getByRole('link', {name: /Ambient Lab/})
    .first()
    .click(); // navbar brand: client-side route
  await page.goBack();
  await lab.terminal.waitOpen();
  await lab.terminal.type('echo "nav:$LAB_NAV_MARK"');
  await lab.terminal.press('Enter');
  await lab.terminal.expectText(/^nav:kept$/m);
});

test('pages without steps stay light: the terminal code loads only where it is needed', async ({page}) => {
  // the built chunk that carries xterm.js (its DOM class names are in no other chunk)
  const {readdirSync, readFileSync} = await import('node:fs');
  const dir = 'build/assets/js';
  const xtermChunks = readdirSync(dir).filter(
    (f) => f.endsWith('.js') && readFileSync(`${dir}/${f}`, 'utf8').includes('xterm-helper-textarea'),
  );
  expect(xtermChunks.length).toBeGreaterThan(0);
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));

  const lab = new LabPage(page);
  await lab.login();
  // network idle: every chunk the route needs has been requested (it came again once the page read the body of the
  // workshop check's 404: Chromium does not finish a fetch whose body nobody reads)
  await page.goto('/');
  await page.waitForLoadState('networkidle');
  expect(requested.filter((u) => xtermChunks.some((c) => u.endsWith(c)))).toEqual([]);

  await lab.open('en', firstPage.pageId);
  expect(requested.filter((u) => xtermChunks.some((c) => u.endsWith(c))).length).toBeGreaterThan(0);
});
