/** `npm run bench`: prints benchmark figures (never pass/fail). BENCH_ONLY=terminal runs one group. */
import {benchParsers} from './parsers';
import {benchSandbox} from './sandbox';
import {benchTerminal} from './terminal';

const groups: Record<string, () => Promise<void>> = {
  terminal: benchTerminal,
  parsers: benchParsers,
  sandbox: benchSandbox,
};
const only = process.env.BENCH_ONLY?.split(',');
process.stdout.write(`machine: ${(await import('node:os')).cpus().length} cores, node ${process.version}\n`);
for (const [name, run] of Object.entries(groups)) {
  if (only && !only.includes(name)) continue;
  await run();
}
