/**
 * Page objects for the lab: what a person sees and does (open a page, press Run, type in the terminal),
 * with locators on the components' test ids. Specs read like a user; waiting is by web-first assertions.
 */
import {expect, type Locator, type Page} from '@playwright/test';
import type {Locale} from '../../src/core/protocol/messages';
import {E2E_TOKEN} from '../../playwright.config';

export function pagePath(locale: Locale, pageId: string): string {
  return `${locale === 'en' ? '' : `/${locale}`}/docs/${pageId}`;
}

export class LabPage {
  readonly terminal: TerminalPanel;
  constructor(readonly page: Page) {
    this.terminal = new TerminalPanel(page);
  }

  /** The printed URL carries the token; the server turns it into a cookie and redirects. */
  async login(): Promise<void> {
    await this.page.goto(`/?token=${E2E_TOKEN}`);
    await expect(this.page).not.toHaveURL(/token=/);
  }

  async open(locale: Locale, pageId: string): Promise<void> {
    await this.page.goto(pagePath(locale, pageId));
    await this.terminal.waitOpen();
  }

  steps(): Locator {
    return this.page.getByTestId('step');
  }

  step(stepId: string): StepBlock {
    return new StepBlock(this.page.locator(`[data-testid="step"][data-step-id="${stepId}"]`));
  }

  progress(): Locator {
    return this.page.getByTestId('page-progress');
  }

  async resetProgress(): Promise<void> {
    const reset = this.page.getByTestId('page-progress-reset');
    if ((await reset.isVisible()) && (await reset.isEnabled())) await reset.click();
  }
}

export class StepBlock {
  constructor(readonly root: Locator) {}
  async run(): Promise<void> {
    await expect(this.root.getByTestId('step-run')).toBeEnabled();
    await this.root.getByTestId('step-run').click();
  }
  status(): Locator {
    return this.root.getByTestId('step-status');
  }
  async expectStatus(status: 'idle' | 'running' | 'passed' | 'failed', timeout?: number): Promise<void> {
    await expect(this.root, `step ${await this.root.getAttribute('data-step-id')}`).toHaveAttribute(
      'data-status',
      status,
      {timeout},
    );
  }
  failure(): Locator {
    return this.root.getByTestId('step-failure');
  }
}

export class TerminalPanel {
  constructor(readonly page: Page) {}

  root(): Locator {
    return this.page.getByTestId('lab-terminal');
  }

  async waitOpen(): Promise<void> {
    await expect(this.root()).toHaveAttribute('data-status', 'open', {timeout: 30_000});
  }

  /** The whole xterm buffer (scrollback + screen) as text, through the component's test hook. */
  async text(): Promise<string> {
    return this.page.evaluate(() => {
      // runs in the page; globalThis is the window there
      const term = (
        globalThis as unknown as {
          __labTerminal?: {
            buffer: {
              active: {length: number; getLine(i: number): {translateToString(trim: boolean): string} | undefined};
            };
          };
        }
      ).__labTerminal;
      if (!term) return '';
      const buffer = term.buffer.active;
      const lines: string[] = [];
      for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
      return lines.join('\n');
    });
  }

  async type(text: string): Promise<void> {
    await this.root().locator('.xterm').click();
    await this.page.keyboard.type(text);
  }

  async press(key: string): Promise<void> {
    await this.page.keyboard.press(key);
  }

  async expectText(pattern: RegExp, timeout = 15_000): Promise<void> {
    await expect.poll(() => this.text(), {timeout}).toMatch(pattern);
  }
}
