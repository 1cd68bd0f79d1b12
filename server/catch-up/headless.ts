/**
 * `lab run --to <page>`: the same catch-up as the page's "Catch me up", headless, in a shell of its own. What the
 * page needs is checked against the learner's cluster (the same state directory as the lab), the plan is derived the
 * same way, each step runs through the same engine, and the results are recorded in the learner's progress as caught
 * up, so the pages show them. Steps that only set something in the shell (an export) are recorded for this shell, so
 * the page asks for a re-run of those in its own.
 */
import type {Locale, StepResult} from '../../src/core/protocol/messages';
import {stripAnsi} from '../../src/core/steps/matcher';
import {LOCAL_LEARNER, type Backend} from '../backends/types';
import {createStepEngine} from '../engine/create-step-engine';
import type {ManifestIndex, ProgressStore} from '../engine/types';
import {createVerifyRunner} from '../engine/verify-runner';
import {failureReport, resultTable} from '../runner/report';
import type {TerminalSession} from '../sessions/types';
import {pageNeeds} from './needs';
import {runCatchUp} from './run-catch-up';

export interface HeadlessCatchUpOptions {
  backend: Backend;
  manifests: ManifestIndex;
  locale: Locale;
  pageId: string;
  out: NodeJS.WritableStream;
  progress: ProgressStore;
  createSession(): Promise<TerminalSession>;
}

export async function catchUpHeadless(options: HeadlessCatchUpOptions): Promise<{ok: boolean; results: StepResult[]}> {
  const {out, locale, pageId, manifests} = options;
  const title = (id: string) => manifests.get(locale, id)?.title ?? id;
  const tty = (out as {isTTY?: boolean}).isTTY === true;
  const session = await options.createSession();
  const output = session.onOutput((data) => out.write(tty ? data : stripAnsi(data).replace(/\r/g, '')));
  // the probe runs beside the shell as verify commands do; the engine is built as for the server and `lab run`
  const runVerify = createVerifyRunner(await options.backend.shellEnvironment(LOCAL_LEARNER), {
    followShellPid: session.info.pid,
  });
  const engine = await createStepEngine({session, backend: options.backend, manifests, defaultLocale: locale});
  const started = Date.now();
  try {
    await session.ready;
    const {needs, plan} = await pageNeeds({
      manifests,
      locale,
      pageId,
      runVerify,
      progress: options.progress.snapshot(LOCAL_LEARNER),
      shell: session.info.id,
    });
    const missing = needs.filter((need) => !need.met);
    if (missing.length === 0) {
      out.write(`\n"${title(pageId)}" has everything it needs from the pages before it; nothing to catch up.\n`);
      return {ok: true, results: []};
    }
    out.write(`\nCatching up to "${title(pageId)}": it needs\n`);
    for (const need of missing) out.write(`  - ${need.kind} ${need.name} (from "${title(need.pageId)}")\n`);
    out.write(`${plan.length} steps to run.\n`);
    engine.onResult((result) => {
      if (result.status !== 'running') options.progress.record(LOCAL_LEARNER, {...result, shell: session.info.id});
    });
    const outcome = await runCatchUp({
      engine,
      session,
      locale,
      plan,
      cancelled: () => false,
      onEvent: (event) => {
        if (event.state === 'running' && event.current) {
          engine.setCurrentPage(locale, event.current.pageId);
          out.write(`\n── ${event.current.pageId} / ${event.current.stepId} (${event.done + 1}/${plan.length}) ──\n`);
        }
      },
    });
    const failed = outcome.results.find((result) => result.status !== 'passed');
    if (failed) out.write(`\n${failureReport(failed)}\n`);
    out.write(`\n${resultTable(outcome.results, Date.now() - started)}\n`);
    return {ok: outcome.state === 'passed', results: outcome.results};
  } finally {
    output.dispose();
    engine.dispose();
    await session.close('catch-up finished');
  }
}
