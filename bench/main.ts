/**
 * `npm run bench`: prints benchmark figures (never pass/fail). `npm run bench -- workshop` (or BENCH_ONLY=workshop)
 * runs one group; the workshop group runs only when named (it starts many shells).
 */
import {benchParsers} from './parsers';
import {benchSandbox} from './sandbox';
import {benchSandboxWrites} from './sandbox-writes';
import {benchTerminal} from './terminal';
import {benchWorkshop} from './workshop';

const groups: Record<string, () => Promise<void>> = {
  terminal: benchTerminal,
  parsers: benchParsers,
  sandbox: benchSandbox,
  'sandbox-writes': benchSandboxWrites,
  workshop: benchWorkshop,
};
/** groups that run only when named */
const onRequest = new Set(['workshop']);
const named = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const only = named.length > 0 ? named : process.env.BENCH_ONLY?.split(',');
process.stdout.write(`machine: ${(await import('node:os')).cpus().length} cores, node ${process.version}\n`);
for (const [name, run] of Object.entries(groups)) {
  if (only ? !only.includes(name) : onRequest.has(name)) continue;
  await run();
}
