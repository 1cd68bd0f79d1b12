/**
 * A node:test reporter that fails the run when any test or suite was skipped because a program it needs is missing
 * (a skip reason made by tests/fixtures/missing-tool.ts, starting with MISSING_TOOL): a green `npm test` must mean
 * every suite ran. It prints nothing else; the spec reporter beside it shows the run. Plain JavaScript: node loads
 * reporters before tsx's loader is in place.
 */

/** the start of every missing-tool skip reason (tests/fixtures/missing-tool.ts uses this same text) */
export const MISSING_TOOL = 'missing tool:';

/** @param {AsyncIterable<{type: string, data: {name: string, skip?: string | boolean}}>} source */
export default async function* missingToolReporter(source) {
  const skipped = [];
  for await (const event of source) {
    if (event.type !== 'test:pass') continue;
    const reason = event.data.skip;
    if (typeof reason === 'string' && reason.startsWith(MISSING_TOOL)) skipped.push(`${event.data.name}: ${reason}`);
  }
  if (skipped.length === 0) return;
  process.exitCode = 1;
  yield (
    `\n${skipped.length} test(s) skipped for a missing tool, so this run fails:\n` +
    `${skipped.map((s) => `  - ${s}`).join('\n')}\n` +
    'Install what they need (bash .ci/run shows how), then run the tests again.\n'
  );
}
