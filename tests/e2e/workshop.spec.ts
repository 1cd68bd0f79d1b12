/**
 * Workshop mode as a room lives it: an instructor and three attendees, each in a browser context of their own. They
 * join with the code, run steps, and the board shows each result within a second; the instructor views a terminal
 * read-only, takes one over with consent, broadcasts, and leads with "follow me"; an attendee cannot reach the board;
 * the end closes the room and the export holds every result. The board in both locales.
 */
import {test, expect, type Browser, type BrowserContext, type Page} from '@playwright/test';
import {resultRow} from '../../src/core/protocol/workshop';
import {LabPage} from './lab';
import {ownPort} from './own-lab';
import {WorkshopLab, terminalSize, terminalText} from './workshop-lab';

test.describe.configure({mode: 'serial'});

const NAMES = ['Ann', 'Bora', 'Chen'];
const STEP = 'before-you-begin/bash-version';

let lab: WorkshopLab;
let instructorContext: BrowserContext;
let board: Page;
const attendees: {name: string; context: BrowserContext; page: Page; id: string}[] = [];

function row(name: string) {
  return board.locator(`[data-testid="board-row"][data-name="${name}"]`);
}

function cell(name: string, step: string) {
  return row(name).locator(`[data-testid="board-cell"][data-step="${step}"]`);
}

/** the lab's terminal on a page is connected (generous: xterm loads slowly on a busy machine) */
async function terminalOpen(page: Page): Promise<void> {
  await expect(page.getByTestId('lab-terminal')).toHaveAttribute('data-status', 'open', {timeout: 120_000});
}

async function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({viewport: {width: 1280, height: 900}});
}

test.beforeAll(async ({browser}) => {
  test.setTimeout(240_000);
  lab = new WorkshopLab(ownPort(30), {pages: ['before-you-begin', 'create-cluster', 'sample-apps']});
  await lab.start();
  instructorContext = await newContext(browser);
  board = await instructorContext.newPage();
  await lab.instructor(board);
  for (const name of NAMES) {
    const context = await newContext(browser);
    const page = await lab.join(context, name);
    await expect(row(name)).toBeVisible();
    const id = (await row(name).getAttribute('data-attendee')) ?? '';
    attendees.push({name, context, page, id});
  }
});

test.afterAll(async () => {
  for (const a of attendees) await a.context.close();
  await instructorContext?.close();
  await lab?.dispose();
});

test('the board shows the join code, the room and every attendee', async () => {
  await expect(board.getByTestId('board-code')).toHaveText(`${lab.code.slice(0, 3)}-${lab.code.slice(3)}`);
  await expect(board.getByTestId('board-capacity')).toHaveText('3 / 10');
  await expect(board.getByTestId('board-row')).toHaveCount(3);
  for (const a of attendees) {
    await expect(row(a.name)).toHaveAttribute('data-connected', 'true');
    await expect(row(a.name).getByTestId('board-page').locator('a')).toHaveAttribute('data-page', 'before-you-begin');
    await expect(row(a.name).getByTestId('board-page')).toHaveText('Before you begin');
  }
});

test('each attendee runs a step; the board shows it within a second', async () => {
  for (const a of attendees) {
    const page = new LabPage(a.page);
    await page.step('bash-version').run();
    await page.step('bash-version').expectStatus('passed', 30_000);
    await expect(cell(a.name, STEP), `${a.name}'s cell`).toHaveAttribute('data-state', 'passed', {timeout: 1_000});
  }
  await expect(board.locator(`[data-testid="board-total"][data-step="${STEP}"]`)).toHaveAttribute('data-passed', '3');
});

test('a raised hand shows on the board and the instructor lowers it', async () => {
  const ann = attendees[0]!;
  await ann.page.getByTestId('workshop-hand').click();
  await expect(row('Ann')).toHaveAttribute('data-hand', 'up');
  await expect(ann.page.getByTestId('workshop-bar')).toHaveAttribute('data-hand', 'up');
  await row('Ann').getByTestId('board-lower-hand').click();
  await expect(row('Ann')).toHaveAttribute('data-hand', 'down');
  await expect(ann.page.getByTestId('workshop-bar')).toHaveAttribute('data-hand', 'down');
});

test('view read-only: the instructor sees the attendee’s output, the attendee a banner, and the size stays', async () => {
  const ann = attendees[0]!;
  const sizeBefore = await terminalSize(ann.page, '__labTerminal');
  await row('Ann').getByTestId('board-view').click();
  const viewer = board.getByTestId('board-viewer');
  await expect(viewer.getByTestId('watch-terminal')).toHaveAttribute('data-status', 'open');
  await expect(viewer).toHaveAttribute('data-mode', 'viewing');
  await expect(ann.page.locator('[data-testid="workshop-banner"][data-kind="viewing"]')).toBeVisible();
  await expect(row('Ann')).toHaveAttribute('data-watched', 'viewing');
  // the scrollback came with the view, and live output follows
  await expect.poll(() => terminalText(board, '__labWatchTerminal')).toContain('GNU bash');
  await new LabPage(ann.page).terminal.type('echo seen-by-the-$((6*7))-instructor\r');
  await expect.poll(() => terminalText(board, '__labWatchTerminal')).toContain('seen-by-the-42-instructor');
  // read-only: keys typed in the viewer go nowhere
  await viewer.locator('.xterm').click();
  await board.keyboard.type('echo should-not-arrive\r');
  await new LabPage(ann.page).terminal.type('echo after-the-viewer-typed\r');
  await expect.poll(() => terminalText(ann.page, '__labTerminal')).toContain('after-the-viewer-typed');
  expect(await terminalText(ann.page, '__labTerminal')).not.toContain('should-not-arrive');
  expect(await terminalSize(ann.page, '__labTerminal')).toBe(sizeBefore);
});

test('take over asks the attendee; with consent the instructor types, and releases', async () => {
  const ann = attendees[0]!;
  await board
    .getByTestId('board-viewer')
    .getByRole('button', {name: /Take over/})
    .click();
  await board.getByTestId('board-dialog-confirm').click();
  await expect(ann.page.locator('[data-testid="workshop-banner"][data-kind="asking"]')).toBeVisible();
  await ann.page.getByTestId('workshop-consent-allow').click();
  await expect(ann.page.locator('[data-testid="workshop-banner"][data-kind="typing"]')).toBeVisible();
  const viewer = board.getByTestId('board-viewer');
  await expect(viewer).toHaveAttribute('data-mode', 'typing');
  await expect(row('Ann')).toHaveAttribute('data-watched', 'typing');
  await viewer.locator('.xterm').click();
  await board.keyboard.type('echo typed-by-$((40+2))-instructor\r');
  await expect.poll(() => terminalText(ann.page, '__labTerminal')).toContain('typed-by-42-instructor');
  await row('Ann').getByTestId('board-release').click();
  await expect(viewer).toHaveAttribute('data-mode', 'viewing');
  await expect(ann.page.locator('[data-testid="workshop-banner"][data-kind="viewing"]')).toBeVisible();
  await board.getByTestId('board-viewer-close').click();
  await expect(ann.page.getByTestId('workshop-banner')).toHaveCount(0);
});

test('broadcast: attendees watch the instructor’s terminal read-only', async () => {
  const own = await instructorContext.newPage();
  const instructorPage = new LabPage(own);
  await own.goto(`${lab.origin}/docs/before-you-begin`);
  await terminalOpen(own);
  await board.getByTestId('board-broadcast').click();
  await expect(board.getByTestId('board-broadcast')).toHaveAttribute('aria-pressed', 'true');
  const bora = attendees[1]!;
  await bora.page.getByTestId('workshop-broadcast-open').click();
  const viewer = bora.page.getByTestId('workshop-broadcast-viewer').getByTestId('watch-terminal');
  await expect(viewer).toHaveAttribute('data-status', 'open');
  await expect(viewer).toHaveAttribute('data-of', 'instructor');
  await instructorPage.terminal.type('echo broadcast-$((2*21))-marker\r');
  await expect.poll(() => terminalText(bora.page, '__labWatchTerminal')).toContain('broadcast-42-marker');
  await board.getByTestId('board-broadcast').click();
  await expect(bora.page.getByTestId('workshop-broadcast-open')).toHaveCount(0);
  await own.close();
});

test('follow me: attendees’ pages go where the instructor is, unless they left follow mode', async () => {
  const own = await instructorContext.newPage();
  await own.goto(`${lab.origin}/docs/create-cluster`);
  await terminalOpen(own);
  await board.getByTestId('board-follow').click();
  await expect(board.getByTestId('board-follow')).toHaveAttribute('aria-pressed', 'true');
  for (const a of attendees) await expect(a.page).toHaveURL(/\/docs\/create-cluster$/);
  const chen = attendees[2]!;
  await chen.page.getByTestId('workshop-follow').click();
  await expect(chen.page.getByTestId('workshop-bar')).toHaveAttribute('data-following', 'false');
  await own.goto(`${lab.origin}/docs/before-you-begin`);
  await terminalOpen(own);
  await expect(board.getByTestId('board-follow')).toContainText('(Before you begin)');
  await expect(attendees[0]!.page).toHaveURL(/\/docs\/before-you-begin$/);
  await expect(chen.page).toHaveURL(/\/docs\/create-cluster$/);
  await board.getByTestId('board-follow').click();
  await expect(board.getByTestId('board-follow')).toHaveAttribute('aria-pressed', 'false');
  await own.close();
});

test('an attendee cannot open the board, its data, its socket or another attendee’s terminal', async () => {
  const ann = attendees[0]!;
  const page = await ann.context.newPage();
  await page.goto(`${lab.origin}/workshop`);
  await expect(page.getByTestId('board-refused')).toHaveAttribute('data-reason', 'forbidden');
  for (const route of ['/api/workshop/board', '/api/workshop/export.csv', '/api/workshop/export.json']) {
    const response = await ann.context.request.get(`${lab.origin}${route}`, {headers: {origin: lab.origin}});
    expect([401, 403], route).toContain(response.status());
  }
  const action = await ann.context.request.post(`${lab.origin}/api/workshop/action`, {
    headers: {origin: lab.origin},
    data: {action: 'end'},
  });
  expect([401, 403]).toContain(action.status());
  const other = attendees[1]!.id;
  const outcome = await page.evaluate(
    ({other}) => {
      // runs in the page; this file is compiled without the DOM library
      const WS = (globalThis as unknown as {WebSocket: new (url: string) => {onmessage: unknown; onclose: unknown}})
        .WebSocket;
      const host = (globalThis as unknown as {location: {host: string}}).location.host;
      const open = (path: string) =>
        new Promise<string>((resolve) => {
          const ws = new WS(`ws://${host}${path}`);
          let first = '';
          ws.onmessage = (event: {data: unknown}) => {
            if (typeof event.data === 'string' && !first) first = event.data;
          };
          ws.onclose = () => resolve(first || 'closed');
        });
      return Promise.all([open('/ws/board'), open(`/ws/watch?attendee=${other}`)]);
    },
    {other},
  );
  expect(outcome[0]).toBe('closed');
  expect(outcome[1]).toContain('watch-ended');
  await page.close();
});

test('catch up: a fresh attendee is brought to the sample apps, and their next step passes', async ({browser}) => {
  test.setTimeout(600_000);
  const context = await newContext(browser);
  const page = await lab.join(context, 'Dee');
  try {
    await row('Dee').getByTestId('board-catch-up').click();
    const target = board.locator('[data-testid="board-catch-up-step"] option[data-step="sample-apps/foo-namespace"]');
    await board.getByTestId('board-catch-up-step').selectOption((await target.getAttribute('value')) ?? '');
    await board.getByTestId('board-dialog-confirm').click();
    // Dee watches it on the page it leads to: the earlier steps run in Dee's shell
    const lab2 = new LabPage(page);
    await lab2.navigate('en', 'sample-apps');
    await expect(page.locator('[data-testid="catch-up"][data-state="passed"]')).toBeVisible({timeout: 540_000});
    // marked caught up on the board, not passed: Dee did not run them
    await expect(cell('Dee', 'create-cluster/cluster-create')).toHaveAttribute('data-state', 'caught-up');
    await lab2.step('foo-namespace').run(120_000);
    await lab2.step('foo-namespace').expectStatus('passed', 60_000);
    await expect(cell('Dee', 'sample-apps/foo-namespace')).toHaveAttribute('data-state', 'passed', {timeout: 1_000});
  } finally {
    await context.close();
  }
});

test('the board in Korean', async () => {
  const ko = await instructorContext.newPage();
  await ko.goto(`${lab.origin}/ko/workshop`);
  await expect(ko.getByTestId('board')).toHaveAttribute('data-status', 'open');
  await expect(ko.getByTestId('board-table')).toContainText('참가자');
  await expect(ko.getByTestId('board-end')).toHaveText('워크숍 끝내기');
  // the same room as the English board shows
  await expect(ko.getByTestId('board-row')).toHaveCount(await board.getByTestId('board-row').count());
  const state = (await cell('Bora', STEP).getAttribute('data-state')) ?? '';
  await expect(ko.locator(`[data-testid="board-row"][data-name="Bora"] [data-step="${STEP}"]`)).toHaveAttribute(
    'data-state',
    state,
  );
  await ko.close();
});

test('end: attendees see the end, and the export holds every step result', async () => {
  // every cell of the board, as the export must have it (a step never tried is "not-run")
  const shown = new Map<string, string>();
  for (const c of await board.getByTestId('board-cell').all()) {
    const name = await c.locator('xpath=ancestor::tr').getAttribute('data-name');
    const state = await c.getAttribute('data-state');
    shown.set(`${name} ${await c.getAttribute('data-step')}`, state === 'none' ? 'not-run' : (state ?? ''));
  }
  expect(shown.size).toBeGreaterThan(0);
  await board.getByTestId('board-end').click();
  await board.getByTestId('board-dialog-confirm').click();
  await expect(board.getByTestId('board')).toHaveAttribute('data-ended', 'true');
  for (const a of attendees) {
    await expect(a.page.getByTestId('workshop-ended')).toBeVisible();
    // the terminal says its shell is gone for good, not "Connected"
    await expect(a.page.getByTestId('lab-terminal-status')).toHaveText('Workshop ended');
  }
  // the notice can be closed, so the pages can be read
  await attendees[0]!.page.getByTestId('workshop-ended-close').click();
  await expect(attendees[0]!.page.getByTestId('workshop-ended')).toHaveCount(0);
  // as the board's download link asks: same-origin, with the instructor's cookie
  const headers = {'sec-fetch-site': 'same-origin'};
  const json = await instructorContext.request.get(`${lab.origin}/api/workshop/export.json`, {headers});
  expect(json.status(), await json.text()).toBe(200);
  const body = (await json.json()) as {results: unknown[]};
  const rows = body.results.map((r) => resultRow.parse(r));
  for (const [key, status] of shown) {
    expect(
      rows.find((r) => `${r.attendee} ${r.pageId}/${r.stepId}` === key),
      key,
    ).toMatchObject({status});
  }
  const csv = await (await instructorContext.request.get(`${lab.origin}/api/workshop/export.csv`, {headers})).text();
  for (const a of attendees) expect(csv).toContain(a.name);
});
