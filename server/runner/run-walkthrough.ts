/**
 * The headless runner behind `lab run`: the nightly check that the tutorial still works. It drives a real
 * terminal session through the same SessionStepEngine the Run buttons use, page by page in sidebar order,
 * streams the terminal to `out`, stops at the first failing step, and leaves a transcript and a JUnit report.
 */
import {mkdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import type {Locale, StepResult} from '../../src/core/protocol/messages';
import {stripAnsi} from '../../src/core/steps/matcher';
import type {Backend} from '../backends/types';
import {createStepEngine} from '../engine/create-step-engine';
import {EngineError, type ManifestIndex, type StepEngine} from '../engine/types';
import type {TerminalSession} from '../sessions/types';
import {junitXml} from './junit';
import {failureReport, resultTable} from './report';
import {selectSteps} from './select-steps';

export interface RunWalkthroughOptions {
  backend: Backend;
  locale: Locale;
  /** one page id; default all pages of the locale */
  page?: string;
  /** first and last step to run (`step-id` or `page-id/step-id`), inclusive */
  from?: string;
  to?: string;
  /** where transcript-<locale>.txt and junit-<locale>.xml go */
  outDir: string;
  /** the live terminal output and the final report */
  out: NodeJS.WritableStream;
  /** the step manifests (server/manifests/load.ts) */
  manifests: ManifestIndex;
  createSession: () => Promise<TerminalSession>;
  /** how long the shell may take to show its first prompt (default 30s) */
  readyTimeoutMs?: number;
}

export interface WalkthroughOutcome {
  ok: boolean;
  results: StepResult[];
}

/** After a timeout the runner waits this long for the interrupted command to give the prompt back. */
const BUSY_WAIT_MS = 10_000;

export async function runWalkthrough(opts: RunWalkthroughOptions): Promise<WalkthroughOutcome> {
  const manifests = opts.manifests;
  const plan = selectSteps(manifests.pages(opts.locale), opts);
  const started = Date.now();
  const out = opts.out;
  const tty = (out as {isTTY?: boolean}).isTTY === true;
  const results: StepResult[] = [];
  if (plan.length === 0) {
    out.write(`No steps to run for ${opts.locale}${opts.page ? ` page ${opts.page}` : ''}.\n`);
    return {ok: true, results};
  }

  const session = await opts.createSession();
  let transcript = '';
  const output = session.onOutput((data) => {
    transcript += data;
    // A terminal shows colours itself; a log file or CI console reads better without escape sequences.
    out.write(tty ? data : stripAnsi(data).replace(/\r/g, ''));
  });
  const engine = await createStepEngine({session, backend: opts.backend, manifests, defaultLocale: opts.locale});
  try {
    await withTimeout(
      session.ready,
      opts.readyTimeoutMs ?? 30_000,
      'the shell did not show a prompt (an rc file such as ~/.bashrc may hang or wait; LAB_SHELL_RC=none skips them)',
    );
    for (const {page, step} of plan) {
      engine.setCurrentPage(opts.locale, page.pageId);
      out.write(`\n── ${page.pageId} / ${step.id} ──\n`);
      const result = await runWhenIdle(engine, session, opts.locale, page.pageId, step.id);
      results.push(result);
      out.write(`\n── ${result.status} (${((result.durationMs ?? 0) / 1000).toFixed(1)}s) ──\n`);
      if (result.status === 'failed') {
        out.write(`\n${failureReport(result)}\n`);
        break;
      }
    }
  } finally {
    output.dispose();
    engine.dispose();
    await session.close('walkthrough finished');
  }

  const ok = results.length === plan.length && results.every((result) => result.status === 'passed');
  out.write(`\n${resultTable(results, Date.now() - started)}\n`);
  await mkdir(opts.outDir, {recursive: true});
  await writeFile(join(opts.outDir, `transcript-${opts.locale}.txt`), stripAnsi(transcript).replace(/\r/g, ''));
  await writeFile(join(opts.outDir, `junit-${opts.locale}.xml`), junitXml(`ambient-lab.${opts.locale}`, plan, results));
  return {ok, results};
}

/** Runs a step, waiting (bounded) for the shell to be free if it is still finishing an interrupted command. */
async function runWhenIdle(
  engine: StepEngine,
  session: TerminalSession,
  locale: Locale,
  pageId: string,
  stepId: string,
): Promise<StepResult> {
  const deadline = Date.now() + BUSY_WAIT_MS;
  for (;;) {
    try {
      return await engine.run(locale, pageId, stepId);
    } catch (error) {
      if (!(error instanceof EngineError) || error.code !== 'busy' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, session.busy ? 100 : 20));
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms / 1000}s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
