import {defineConfig, devices} from '@playwright/test';
import os from 'node:os';
import path from 'node:path';

/**
 * End-to-end: the real lab server (built site + WebSocket + node-pty sessions) driven by Debian's Chromium.
 * The server is started once for the whole run with a fixed token and a fresh state directory.
 */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 4399);
export const E2E_TOKEN = process.env.E2E_TOKEN ?? 'e2e-token-0123456789abcdef';
const BACKEND = process.env.E2E_BACKEND ?? 'sandbox';
const STATE_DIR = process.env.E2E_STATE_DIR ?? path.join(os.tmpdir(), `ambient-lab-e2e-${process.pid}`);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
/**
 * Shells read no rc file of the machine (`lab start --no-rc`): the suite tests the lab, not this machine's
 * ~/.bashrc. A CI image's pyenv init, say, waits 60 s on a lock file a killed shell left behind, and then every
 * new terminal of the run is "not showing its prompt". Set here so the labs the specs start in-process get it too;
 * the rc-file paths themselves are unit-tested (shell-start, shell-seal).
 */
process.env.LAB_SHELL_RC ??= 'none';

export default defineConfig({
  testDir: './tests/e2e',
  timeout: 120_000,
  // the whole run, so that a stuck test ends with a report while CI (90 minutes for everything) still has time
  globalTimeout: 65 * 60_000,
  expect: {timeout: 15_000},
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI
    ? [
        ['list'],
        ['html', {open: 'never', outputFolder: 'playwright-report'}],
        ['junit', {outputFile: 'test-results/e2e-junit.xml'}],
      ]
    : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium-system',
      use: {
        ...devices['Desktop Chrome'],
        viewport: {width: 1280, height: 900},
        launchOptions: {
          executablePath: CHROMIUM,
          args: [
            ...(isRoot ? ['--no-sandbox'] : []),
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            '--disable-gpu',
            '--disable-dev-shm-usage',
          ],
        },
      },
    },
  ],
  webServer: {
    command: `node --import tsx server/cli/main.ts start --host 127.0.0.1 --port ${E2E_PORT} --backend ${BACKEND}`,
    url: `http://127.0.0.1:${E2E_PORT}/healthz`,
    env: {
      LAB_TOKEN: E2E_TOKEN,
      LAB_STATE_DIR: STATE_DIR,
      // every test is a fresh browser context, hence a new session: allow plenty
      LAB_MAX_SESSIONS_PER_LEARNER: '50',
      LAB_LOG_LEVEL: 'warn',
      LAB_SHELL_RC: process.env.LAB_SHELL_RC,
    },
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
