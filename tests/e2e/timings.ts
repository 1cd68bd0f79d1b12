/**
 * Where a walkthrough's time goes, per page and per step, attached to the test as `timings-<locale>.txt`:
 * - load: opening the page until its terminal is connected, its steps are shown and its progress is reset;
 * - click: from "go" until Run was clicked (waiting for the button to be enabled, Playwright's actionability);
 * - server: the step's own duration as the server measured it (command, checks, verify retries), from the `step`
 *   result on the WebSocket;
 * - seen: from the result's arrival on the WebSocket until the test saw the step's final status in the page.
 * - the page's main thread: what Chromium's Performance domain counts over the run (script, layout, style, all tasks),
 *   to tell a busy page from a busy shell.
 * Measured, never asserted (CI machines differ); read it to see whether time goes to the shell or to the browser.
 */
import type {CDPSession, Page} from '@playwright/test';

/** Chromium's main-thread totals, in seconds (Performance.getMetrics) */
interface MainThread {
  task: number;
  script: number;
  layout: number;
  style: number;
}

interface StepTiming {
  pageId: string;
  stepId: string;
  clickMs: number;
  serverMs: number;
  seenMs: number;
  totalMs: number;
}

export class WalkthroughTimings {
  private readonly loads: {pageId: string; ms: number}[] = [];
  private readonly steps: StepTiming[] = [];
  /** arrival time of the last final `step` result, by `pageId/stepId` */
  private readonly arrived = new Map<string, {at: number; durationMs: number}>();
  private cdp: CDPSession | undefined;
  private mainAtStart: MainThread | undefined;
  private mainAtEnd: MainThread | undefined;
  /** the whole walkthrough, from before its login to finish() */
  private readonly createdAt = Date.now();
  private endedAt = NaN;

  constructor(private readonly page: Page) {
    page.on('websocket', (ws) =>
      ws.on('framereceived', ({payload}) => {
        if (typeof payload !== 'string' || !payload.includes('"step"')) return;
        const message = JSON.parse(payload) as {
          type: string;
          result?: {pageId: string; stepId: string; status: string; durationMs?: number};
        };
        const result = message.result;
        if (message.type !== 'step' || !result || (result.status !== 'passed' && result.status !== 'failed')) return;
        this.arrived.set(`${result.pageId}/${result.stepId}`, {at: Date.now(), durationMs: result.durationMs ?? 0});
      }),
    );
  }

  /** start counting the page's main-thread time (Chromium only; elsewhere the report leaves it out) */
  async start(): Promise<void> {
    try {
      this.cdp = await this.page.context().newCDPSession(this.page);
      await this.cdp.send('Performance.enable');
      this.mainAtStart = await this.mainThread();
    } catch {
      this.cdp = undefined;
    }
  }

  async finish(): Promise<void> {
    this.endedAt = Date.now();
    if (this.cdp) this.mainAtEnd = await this.mainThread();
  }

  private async mainThread(): Promise<MainThread> {
    const {metrics} = (await this.cdp!.send('Performance.getMetrics')) as {metrics: {name: string; value: number}[]};
    const m = (name: string) => metrics.find((x) => x.name === name)?.value ?? NaN;
    return {
      task: m('TaskDuration'),
      script: m('ScriptDuration'),
      layout: m('LayoutDuration'),
      style: m('RecalcStyleDuration'),
    };
  }

  async load(pageId: string, open: () => Promise<void>): Promise<void> {
    const start = Date.now();
    await open();
    this.loads.push({pageId, ms: Date.now() - start});
  }

  async step(pageId: string, stepId: string, run: () => Promise<void>, settled: () => Promise<void>): Promise<void> {
    const start = Date.now();
    await run();
    const clicked = Date.now();
    await settled();
    const seen = Date.now();
    const result = this.arrived.get(`${pageId}/${stepId}`);
    this.steps.push({
      pageId,
      stepId,
      clickMs: clicked - start,
      serverMs: result?.durationMs ?? NaN,
      seenMs: result ? seen - result.at : NaN,
      totalMs: seen - start,
    });
  }

  report(): string {
    const sum = (values: number[]) => values.filter(Number.isFinite).reduce((a, b) => a + b, 0);
    const s = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '-');
    const loads = sum(this.loads.map((l) => l.ms));
    const click = sum(this.steps.map((t) => t.clickMs));
    const server = sum(this.steps.map((t) => t.serverMs));
    const seen = sum(this.steps.map((t) => t.seenMs));
    const steps = sum(this.steps.map((t) => t.totalMs));
    // what is left of a step's time once click, server and seen are taken away: the Run message's way to the
    // server and the result's way back
    const wire = steps - click - server - seen;
    const a = this.mainAtStart;
    const b = this.mainAtEnd;
    const f = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');
    const lines = [
      `pages ${this.loads.length}, steps ${this.steps.length}, walkthrough ${s(this.endedAt - this.createdAt)} s`,
      `page loads ${s(loads)} s; steps ${s(steps)} s = click ${s(click)} + server ${s(server)} + wire ${s(wire)} + seen ${s(seen)}`,
      a && b
        ? `page main thread ${f(b.task - a.task)} s busy: script ${f(b.script - a.script)}, layout ${f(b.layout - a.layout)}, style ${f(b.style - a.style)}`
        : 'page main thread: not measured (not Chromium)',
      '',
      'page                 load s',
      ...this.loads.map((l) => `${l.pageId.padEnd(20)} ${s(l.ms).padStart(6)}`),
      '',
      'step                                        click  server    seen   total',
      ...this.steps.map(
        (t) =>
          `${`${t.pageId}/${t.stepId}`.padEnd(42)} ${s(t.clickMs).padStart(6)} ${s(t.serverMs).padStart(7)} ${s(t.seenMs).padStart(7)} ${s(t.totalMs).padStart(7)}`,
      ),
    ];
    return lines.join('\n') + '\n';
  }
}
