/**
 * Copy buttons over plain HTTP: a workshop's attendees open the lab on a LAN address, where the page is no secure
 * context and the Clipboard API is missing. The copy still works (the old execCommand way), and when nothing can copy,
 * the code is selected and the page says to press Ctrl+C. The browser is made to look like such a page.
 */
import {test, expect, type Page} from '@playwright/test';
import {LabPage} from './lab';

async function asInsecurePage(page: Page, options: {execCommandWorks: boolean}): Promise<void> {
  await page.addInitScript((works) => {
    // runs in the page; this file is compiled without the DOM library
    const g = globalThis as unknown as {
      navigator: object;
      isSecureContext: boolean;
      document: {execCommand(name: string): boolean};
      __copied?: string[];
    };
    Object.defineProperty(g.navigator, 'clipboard', {value: undefined, configurable: true});
    Object.defineProperty(g, 'isSecureContext', {value: false, configurable: true});
    const original = g.document.execCommand.bind(g.document);
    g.document.execCommand = (name: string) => {
      if (name !== 'copy') return original(name);
      if (!works) return false;
      // what execCommand would copy: the selected text of the focused textarea (the fallback's hidden one)
      const active = (g.document as unknown as {activeElement: {value?: string} | null}).activeElement;
      (g.__copied ??= []).push(active?.value ?? '');
      return true;
    };
  }, options.execCommandWorks);
}

function firstStepCopy(page: Page) {
  return page.locator('[data-testid="step"][data-step-id="bash-version"]').getByTestId('code-copy');
}

test('without the Clipboard API, a step’s copy button copies the old way', async ({page}) => {
  await asInsecurePage(page, {execCommandWorks: true});
  const lab = new LabPage(page);
  await lab.login();
  await lab.open('en', 'before-you-begin');
  await firstStepCopy(page).click();
  await expect
    .poll(() => page.evaluate(() => (globalThis as unknown as {__copied?: string[]}).__copied ?? []))
    .toEqual(['bash --version']);
});

test('when nothing can copy, the code is selected and the page says to press Ctrl+C', async ({page}) => {
  await asInsecurePage(page, {execCommandWorks: false});
  const lab = new LabPage(page);
  await lab.login();
  await lab.open('ko', 'before-you-begin');
  await firstStepCopy(page).click();
  await expect(firstStepCopy(page)).toHaveAttribute('data-copy', 'manual');
  await expect(page.getByTestId('code-copy-manual')).toContainText('Ctrl+C');
  const selected = await page.evaluate(
    () => (globalThis as unknown as {getSelection(): {toString(): string} | null}).getSelection()?.toString() ?? '',
  );
  expect(selected.trim()).toBe('bash --version');
});
