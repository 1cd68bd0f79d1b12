/**
 * A workshop lab of a spec's (or the screenshot script's) own: `lab workshop start` on loopback, in the Playwright
 * process, with its own state directory and port; and what the instructor and attendees do in their browsers.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {expect, type BrowserContext, type Page} from '@playwright/test';
import {storedToken} from '../../server/auth/token-file';
import {silentLogger} from '../../server/config/logger';
import {startLabServer, type LabServer} from '../../server/http/server';

export class WorkshopLab {
  readonly stateDir = mkdtempSync(path.join(tmpdir(), 'ambient-lab-e2e-workshop-'));
  server: LabServer | null = null;
  token = '';

  constructor(
    readonly port: number,
    private readonly workshop: {capacity?: number; durationMinutes?: number; pages?: string[]} = {},
  ) {}

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get code(): string {
    return this.server?.workshop?.code ?? '';
  }

  async start(): Promise<void> {
    this.token = (await storedToken(this.stateDir)).token;
    this.server = await startLabServer({
      port: this.port,
      token: this.token,
      stateDir: this.stateDir,
      backend: 'sandbox',
      logger: silentLogger(),
      workshop: {
        capacity: this.workshop.capacity ?? 10,
        durationMinutes: this.workshop.durationMinutes ?? 120,
        pages: this.workshop.pages ?? [],
        fresh: true,
        lan: false,
      },
    });
  }

  /** The instructor opens the URL `lab workshop start` printed: the board, with the token turned into a cookie. */
  async instructor(page: Page, locale: 'en' | 'ko' = 'en'): Promise<void> {
    await page.goto(`${this.origin}/workshop?token=${this.token}`);
    await expect(page).not.toHaveURL(/token=/);
    if (locale === 'ko') await page.goto(`${this.origin}/ko/workshop`);
    await expect(page.getByTestId('board')).toHaveAttribute('data-status', 'open', {timeout: 30_000});
  }

  /** An attendee scans the QR code (join?code=…), types a name and lands on the first page with a terminal. */
  async join(context: BrowserContext, name: string, locale: 'en' | 'ko' = 'en'): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${this.origin}${locale === 'ko' ? '/ko' : ''}/join?code=${this.code.toLowerCase()}`);
    await expect(page.getByTestId('join-code')).toHaveValue(`${this.code.slice(0, 3)}-${this.code.slice(3)}`);
    await page.getByTestId('join-name').fill(name);
    await page.getByTestId('join-submit').click();
    // generous: a room joining at once on a busy laptop
    await expect(page).toHaveURL(/\/docs\//, {timeout: 60_000});
    await expect(page.getByTestId('workshop-bar')).toContainText(name, {timeout: 60_000});
    await expect(page.getByTestId('lab-terminal')).toHaveAttribute('data-status', 'open', {timeout: 120_000});
    return page;
  }

  async dispose(): Promise<void> {
    await this.server?.close();
    this.server = null;
    rmSync(this.stateDir, {recursive: true, force: true});
  }
}

/** The text of an xterm instance the page exposes for tests (`__labTerminal`, `__labWatchTerminal`). */
export function terminalText(page: Page, hook: '__labTerminal' | '__labWatchTerminal'): Promise<string> {
  return page.evaluate((name) => {
    // runs in the page; this file is compiled without the DOM library
    const term = (globalThis as unknown as Record<string, unknown>)[name] as
      | {buffer: {active: {length: number; getLine(i: number): {translateToString(trim: boolean): string} | undefined}}}
      | undefined;
    if (!term) return '';
    const buffer = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n');
  }, hook);
}

/** The size of an exposed xterm instance. */
export function terminalSize(page: Page, hook: '__labTerminal' | '__labWatchTerminal'): Promise<string> {
  return page.evaluate((name) => {
    const term = (globalThis as unknown as Record<string, {cols: number; rows: number} | undefined>)[name];
    return term ? `${term.cols}x${term.rows}` : '';
  }, hook);
}
