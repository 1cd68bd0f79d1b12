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

  /** Load the page afresh (a reload: the terminal reconnects and replays its scrollback). */
  async open(locale: Locale, pageId: string): Promise<void> {
    await this.page.goto(pagePath(locale, pageId));
    await this.terminal.waitOpen();
  }

  /**
   * Go to a page as a learner moving through the tutorial does: by its sidebar link, inside the running app (the
   * terminal and its session stay as they are). The first page of a visit is loaded instead.
   */
  async navigate(locale: Locale, pageId: string): Promise<void> {
    const path = pagePath(locale, pageId);
    const link = this.page.locator(`nav.menu a.menu__link[href="${path}"]`);
    if ((await link.count()) === 0) return this.open(locale, pageId);
    // the link's own click handler (client-side routing), without waiting for the sidebar to hold still; the URL
    // changes when the router has the page (history.pushState), which waitForURL hears as it happens
    const url = new RegExp(`${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
    await Promise.all([this.page.waitForURL(url), link.evaluate((el) => (el as unknown as {click(): void}).click())]);
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
    // one round trip: a page nobody ran here has nothing to reset (the button is disabled then); React gets the same
    // click event as from Playwright's click, without its wait for the button to hold still
    const clicked = await reset.evaluate((el) => {
      if (el.hasAttribute('disabled')) return false;
      (el as unknown as {click(): void}).click();
      return true;
    });
    if (clicked) await attributeSettles(this.progress(), 'data-done', ['0'], 15_000);
  }
}

export class StepBlock {
  constructor(readonly root: Locator) {}
  /** Press Run as soon as it is enabled (the previous step's shell prompt is back). */
  async run(timeoutMs = 30_000): Promise<void> {
    const button = this.root.getByTestId('step-run');
    await attributeSettles(button, 'disabled', [null], timeoutMs);
    await button.click();
  }
  /**
   * Press Run the moment it is enabled, from inside the page: one round trip to the browser per step. Playwright's
   * click first waits for the button to hold still over animation frames and hit-tests it, a second or more per
   * step on a busy machine (`timings-<locale>.txt` showed it); React gets the same click event either way.
   * terminal.spec.ts presses Run with Playwright's click.
   */
  async runWhenEnabled(timeoutMs = 30_000): Promise<void> {
    await this.root.getByTestId('step-run').evaluate(
      (button, ms) =>
        new Promise<void>((resolve, reject) => {
          // runs in the page; this file is compiled without the DOM library
          const Observer = (
            globalThis as unknown as {
              MutationObserver: new (callback: () => void) => {
                observe(target: unknown, options: object): void;
                disconnect(): void;
              };
            }
          ).MutationObserver;
          const press = () => {
            if (button.hasAttribute('disabled')) return;
            observer.disconnect();
            clearTimeout(timer);
            button.scrollIntoView({block: 'center'});
            (button as unknown as {click(): void}).click();
            resolve();
          };
          const observer = new Observer(press);
          const timer = setTimeout(() => {
            observer.disconnect();
            reject(
              new Error(
                `Run of ${button.closest('[data-step-id]')?.getAttribute('data-step-id')} still disabled after ${ms} ms`,
              ),
            );
          }, ms);
          observer.observe(button, {attributes: true, attributeFilter: ['disabled']});
          press();
        }),
      timeoutMs,
    );
  }
  /** Waits until the step has a result (passed or failed) and returns it. */
  async result(timeoutMs: number): Promise<'passed' | 'failed'> {
    const status = await attributeSettles(this.root, 'data-status', ['passed', 'failed'], timeoutMs);
    return status as 'passed' | 'failed';
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
  /**
   * What the step shows after it failed or was refused, for a test's error message. Bounded: a locator's innerText
   * would otherwise wait for the whole test's timeout when neither box is there.
   */
  async explanation(): Promise<string> {
    return this.root
      .locator('[data-testid=step-failure], [data-testid=step-refusal]')
      .first()
      .innerText({timeout: 5_000})
      .catch(() => '(no failure shown)');
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

/**
 * Resolves with the value of `attribute` on the element once it is one of `accepted` (null: absent). A MutationObserver in the page
 * reports the change as soon as React renders it; a retrying assertion would see it only at its next poll, up to a
 * second later, which over 75 steps is most of a walkthrough's time in a browser.
 */
export function attributeSettles(
  element: Locator,
  attribute: string,
  accepted: (string | null)[],
  timeoutMs: number,
): Promise<string | null> {
  return element.evaluate(
    (el, {attribute, accepted, timeoutMs}) =>
      new Promise<string | null>((resolve, reject) => {
        // runs in the page; this file is compiled without the DOM library
        const Observer = (
          globalThis as unknown as {
            MutationObserver: new (callback: () => void) => {
              observe(target: unknown, options: object): void;
              disconnect(): void;
            };
          }
        ).MutationObserver;
        const check = () => {
          const value = el.getAttribute(attribute);
          if (!accepted.includes(value)) return;
          observer.disconnect();
          clearTimeout(timer);
          resolve(value);
        };
        const observer = new Observer(check);
        const timer = setTimeout(() => {
          observer.disconnect();
          reject(
            new Error(
              `${attribute} of ${el.outerHTML.slice(0, 120)} still ${el.getAttribute(attribute)} after ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
        observer.observe(el, {attributes: true, attributeFilter: [attribute]});
        check();
      }),
    {attribute, accepted, timeoutMs},
  );
}
