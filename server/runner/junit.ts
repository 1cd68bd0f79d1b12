/**
 * JUnit XML for CI dashboards: one testsuite per page, one testcase per step; steps after a failure are
 * reported as skipped, so the report always lists the whole selection.
 */
import type {StepResult} from '../../src/core/protocol/messages';
import type {PlannedStep} from './select-steps';

export function junitXml(suiteName: string, plan: PlannedStep[], results: StepResult[]): string {
  const byKey = new Map(results.map((result) => [`${result.pageId}/${result.stepId}`, result]));
  const pages: {pageId: string; title: string; steps: PlannedStep[]}[] = [];
  for (const entry of plan) {
    const last = pages[pages.length - 1];
    if (last?.pageId === entry.page.pageId) last.steps.push(entry);
    else pages.push({pageId: entry.page.pageId, title: entry.page.title, steps: [entry]});
  }
  const seconds = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(3);
  const suites = pages.map((page) => {
    const cases = page.steps.map(({step}) => byKey.get(`${page.pageId}/${step.id}`));
    const failures = cases.filter((result) => result?.status === 'failed').length;
    const skipped = cases.filter((result) => result === undefined).length;
    const time = cases.reduce((sum, result) => sum + (result?.durationMs ?? 0), 0);
    const body = page.steps.map(({step}, i) => {
      const result = cases[i];
      const open = `    <testcase name="${escape(step.id)}" classname="${escape(`${suiteName}.${page.pageId}`)}" time="${seconds(result?.durationMs)}"`;
      if (!result) return `${open}>\n      <skipped message="not run: an earlier step failed"/>\n    </testcase>`;
      if (result.status !== 'failed') return `${open}/>`;
      const failure = result.failure;
      const message = failure ? `${failure.check}: expected ${failure.expected}` : 'failed';
      const text = failure ? `check: ${failure.check}\nexpected:\n${failure.expected}\nactual:\n${failure.actual}` : '';
      return `${open}>\n      <failure message="${escape(message)}" type="${escape(failure?.check ?? 'failed')}">${escape(text)}</failure>\n    </testcase>`;
    });
    return (
      `  <testsuite name="${escape(`${suiteName}.${page.pageId}`)}" tests="${page.steps.length}" failures="${failures}" ` +
      `errors="0" skipped="${skipped}" time="${seconds(time)}">\n${body.join('\n')}\n  </testsuite>`
    );
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${escape(suiteName)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/** XML text/attribute escaping, dropping characters XML 1.0 cannot carry (terminal control codes). */
export function escape(text: string): string {
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
