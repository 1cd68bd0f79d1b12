/**
 * Shell-integration parsing throughput: the OSC parser and the command detector on 100 MB of coloured log output,
 * as a command that floods the terminal produces. These were timed assertions in the unit tests (a loaded machine
 * failed them); here they are figures to read, never pass/fail.
 */
import {performance} from 'node:perf_hooks';
import {CommandDetector} from '../src/core/shell/command-detector';
import {OscParser} from '../src/core/shell/osc-parser';
import {fmt, printTable} from './stats';

const BYTES = Number(process.env.BENCH_PARSER_BYTES ?? 100 * 1024 * 1024);
const NONCE = 'bench-nonce';

function chunkOf(line: string): string {
  return line.repeat(Math.ceil(65536 / line.length));
}

function oscParserMBps(): number {
  const chunk = chunkOf('INFO 2026-01-01 some log line with \x1b[32mcolour\x1b[0m and text ............\n');
  let bytes = 0;
  const parser = new OscParser({text: (t) => (bytes += t.length), osc: () => {}});
  const start = performance.now();
  for (let sent = 0; sent < BYTES; sent += chunk.length) parser.write(chunk);
  return bytes / 1e6 / ((performance.now() - start) / 1000);
}

function detectorMBps(): number {
  const marker = (payload: string) => `\x1b]${payload};nonce=${NONCE}\x07`;
  const chunk = chunkOf('some \x1b[1mbold\x1b[0m log output line ..........................\r\n');
  const detector = new CommandDetector({nonce: NONCE});
  const start = performance.now();
  detector.write(marker('133;C'));
  let sent = 0;
  for (; sent < BYTES; sent += chunk.length) detector.write(chunk);
  detector.write(marker('133;D;0'));
  return sent / 1e6 / ((performance.now() - start) / 1000);
}

export async function benchParsers(): Promise<void> {
  printTable(`Shell-integration parsing (${fmt(BYTES / 1024 / 1024, 0)} MiB of coloured output)`, [
    {metric: 'OSC parser, MB/s', value: fmt(oscParserMBps(), 0)},
    {metric: 'command detector (parser + output capture), MB/s', value: fmt(detectorMBps(), 0)},
  ]);
}
