/**
 * Write latency of the sandbox API through its real HTTPS interface, the server in a child process of its own:
 * create, update (PUT) and delete of ConfigMaps one at a time, then creates with several in flight (what group
 * commit is for). Numbers are printed, never asserted. BENCH_ONLY=sandbox-writes runs only this.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {apiClient, spawnApiProcess, type ApiClient} from '../tests/fixtures/sandbox/api-process';
import {fmt, percentile, printTable, type Row} from './stats';

const WRITES = Number(process.env.BENCH_WRITES ?? 300);
const IN_FLIGHT = Number(process.env.BENCH_WRITES_IN_FLIGHT ?? 8);
const CM = '/api/v1/namespaces/default/configmaps';

const configMap = (name: string, value: string) =>
  JSON.stringify({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name}, data: {value}});

async function timed(client: ApiClient, method: string, p: string, body: string | undefined, want: number) {
  const t = performance.now();
  const r = await client.call(method, p, body);
  const ms = performance.now() - t;
  if (r.status !== want) throw new Error(`${method} ${p}: ${r.status} ${r.body}`);
  return ms;
}

const row = (metric: string, xs: number[]): Row => ({
  metric,
  value: `${fmt(percentile(xs, 50))} / ${fmt(percentile(xs, 99))}`,
});

export async function benchSandboxWrites(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sandbox-writes-bench-'));
  const proc = await spawnApiProcess(dir, 'bench');
  const client = apiClient(proc, IN_FLIGHT);
  try {
    for (let i = 0; i < 20; i++) await timed(client, 'POST', CM, configMap(`warm-${i}`, 'x'), 201); // JIT, sockets
    const create: number[] = [];
    const update: number[] = [];
    const remove: number[] = [];
    for (let i = 0; i < WRITES; i++) create.push(await timed(client, 'POST', CM, configMap(`cm-${i}`, 'a'), 201));
    for (let i = 0; i < WRITES; i++)
      update.push(await timed(client, 'PUT', `${CM}/cm-${i}`, configMap(`cm-${i}`, 'b'), 200));
    for (let i = 0; i < WRITES; i++) remove.push(await timed(client, 'DELETE', `${CM}/cm-${i}`, undefined, 200));
    const parallel: number[] = [];
    let next = 0;
    const t = performance.now();
    await Promise.all(
      Array.from({length: IN_FLIGHT}, async () => {
        while (next < WRITES) {
          const i = next++;
          parallel.push(await timed(client, 'POST', CM, configMap(`par-${i}`, 'c'), 201));
        }
      }),
    );
    const perSecond = WRITES / ((performance.now() - t) / 1000);
    printTable(`sandbox-writes (${WRITES} each, p50 / p99 ms)`, [
      row('create (POST), one at a time', create),
      row('update (PUT), one at a time', update),
      row('delete, one at a time', remove),
      row(`create, ${IN_FLIGHT} in flight`, parallel),
      {metric: `creates per second, ${IN_FLIGHT} in flight`, value: fmt(perSecond, 0)},
    ]);
  } finally {
    client.close();
    proc.child.kill('SIGTERM');
    await proc.exited;
    rmSync(dir, {recursive: true, force: true});
  }
}
