/**
 * `npm run bench`: prints benchmark figures (never pass/fail). `npm run bench -- workshop` (or BENCH_ONLY=workshop)
 * runs one group; the workshop and fairness groups run only when named (many shells; minutes of a busy sandbox).
 */
import {benchFairness} from './fairness';
import {benchParsers} from './parsers';
import {benchReplay} from './replay';
import {benchSandbox} from './sandbox';
import {benchSandboxWrites} from './sandbox-writes';
import {benchTerminal} from './terminal';
import {benchWorkshop} from './workshop';

const groups: Record<string, () => Promise<void>> = {
  terminal: benchTerminal,
  parsers: benchParsers,
  replay: benchReplay,
  sandbox: benchSandbox,
  'sandbox-writes': benchSandboxWrites,
  workshop: benchWorkshop,
  fairness: benchFairness,
};
/** groups that run only when named */
const onRequest = new Set(['workshop', 'fairness']);
const named = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const only = named.length > 0 ? named : process.env.BENCH_ONLY?.split(',');
process.stdout.write(`machine: ${(await import('node:os')).cpus().length} cores, node ${process.version}\n`);
for (const [name, run] of Object.entries(groups)) {
  if (only ? !only.includes(name) : onRequest.has(name)) continue;
  await run();
}
