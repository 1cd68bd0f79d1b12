/**
 * A lab server of a spec's own, in the Playwright process, for what the shared server cannot show: a restart of the
 * lab (same state directory, so the same token), a new token, a small session limit. Ports above E2E_PORT.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {expect, type Page} from '@playwright/test';
import {storedToken} from '../../server/auth/token-file';
import {silentLogger} from '../../server/config/logger';
import {startLabServer, type LabServer} from '../../server/http/server';
import {E2E_PORT} from '../../playwright.config';

export class OwnLab {
  readonly stateDir: string;
  server: LabServer | null = null;

  constructor(
    readonly port: number,
    private readonly options: {maxSessionsPerLearner?: number} = {},
  ) {
    this.stateDir = mkdtempSync(path.join(tmpdir(), `ambient-lab-e2e-own-${port}-`));
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the lab as `lab start` does: the token kept in the state directory, or a new one (`--new-token`). */
  async start(options: {newToken?: boolean} = {}): Promise<string> {
    const {token} = await storedToken(this.stateDir, {rotate: options.newToken === true});
    this.server = await startLabServer({
      port: this.port,
      token,
      stateDir: this.stateDir,
      backend: 'sandbox',
      logger: silentLogger(),
      ...(this.options.maxSessionsPerLearner ? {maxSessionsPerLearner: this.options.maxSessionsPerLearner} : {}),
    });
    return token;
  }

  async stop(): Promise<void> {
    await this.server?.close();
    this.server = null;
  }

  /** Opens the printed URL (token in the query; the lab turns it into a cookie) and then the page. */
  async login(page: Page, token: string): Promise<void> {
    await page.goto(`${this.origin}/?token=${token}`);
    await expect(page).not.toHaveURL(/token=/);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.stateDir, {recursive: true, force: true});
  }
}

/** A port for a spec's own lab: E2E_PORT + n (n ≥ 1). */
export function ownPort(n: number): number {
  return E2E_PORT + n;
}
