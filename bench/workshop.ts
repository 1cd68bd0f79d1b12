/**
 * Workshop benchmark (`npm run bench -- workshop`): N simulated attendees (protocol clients, not browsers) join one
 * lab in workshop mode and each runs the walkthrough's first pages with the Run button's message, as a room does.
 * Printed, never asserted:
 * - join storm: N joins at once (wall time, slowest join);
 * - step latency: each step alone (one attendee), then with N attendees in two ways: at their own pace (each reads
 *   for a seeded random 10-30 s before each Run, BENCH_WORKSHOP_THINK="10-30") and in lockstep (all press Run at the
 *   same instant, the worst case an instructor's "now run this" approaches). p50/p99 over all steps, and the worst
 *   step's p99 minus its time alone (target ≤ 1 s);
 * - memory per active attendee: the lab's RSS growth / N + the PSS of the attendees' own processes (their uids, when
 *   isolated); server CPU per attendee;
 * - a hostile attendee (fork bomb, `yes` flooding the terminal, a 100000-replica Deployment) running beside the
 *   others: their first-page step p99 against the same walk (same think times) without it (target ≤ +20%), paced
 *   and in lockstep.
 * BENCH_WORKSHOP_N (default 10; the issue's target is 50), BENCH_WORKSHOP_PAGES (default before-you-begin,create-cluster).
 */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import WebSocket from 'ws';
import {silentLogger} from '../server/config/logger';
import {startLabServer, type LabServer} from '../server/http/server';
import {PROTOCOL_VERSION, serverMessage, type ServerMessage} from '../src/core/protocol/messages';
import type {PageManifest} from '../src/core/steps/types';
import {buildManifests} from '../tests/fixtures/site-manifests';
import {fmt, percentile, printTable, pssKiB, rssKiB, type Row} from './stats';

const N = Number(process.env.BENCH_WORKSHOP_N ?? 10);
const PAGES = (process.env.BENCH_WORKSHOP_PAGES ?? 'before-you-begin,create-cluster').split(',');
const [THINK_MIN_S, THINK_MAX_S] = (process.env.BENCH_WORKSHOP_THINK ?? '10-30').split('-').map(Number) as [
  number,
  number,
];

/** how long an attendee reads before a Run: the same for the same (seed, attendee, step), so two walks compare */
interface Pace {
  seed: number;
}

/** mulberry32: a tiny seeded generator, so a paced walk can be repeated exactly with and without the hostile */
function thinkMs(pace: Pace, attendee: number, step: number): number {
  let t = (pace.seed ^ Math.imul(attendee + 1, 0x9e3779b1) ^ Math.imul(step + 1, 0x85ebca6b)) >>> 0;
  t = (t + 0x6d2b79f5) >>> 0;
  let r = Math.imul(t ^ (t >>> 15), t | 1);
  r ^= r + Math.imul(r ^ (r >>> 7), r | 61);
  const u = ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  return (THINK_MIN_S + u * (THINK_MAX_S - THINK_MIN_S)) * 1000;
}

/** one attendee's browser tab, as protocol frames */
class Attendee {
  private waiters: Array<{match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void}> = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, binary) => {
      if (binary) return;
      const m = serverMessage.parse(JSON.parse(String(data)));
      this.waiters = this.waiters.filter((w) => (w.match(m) ? (w.resolve(m), false) : true));
    });
  }

  static async join(lab: LabServer, name: string): Promise<Attendee> {
    const origin = `http://127.0.0.1:${lab.port}`;
    const res = await fetch(`${origin}/api/workshop/join`, {
      method: 'POST',
      headers: {Origin: origin, 'Content-Type': 'application/json'},
      body: JSON.stringify({code: lab.workshop!.code, name}),
    });
    if (res.status !== 200) throw new Error(`join refused: ${res.status} ${await res.text()}`);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const ws = new WebSocket(`ws://127.0.0.1:${lab.port}/ws`, {headers: {Origin: origin, Cookie: cookie}});
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    const a = new Attendee(ws);
    const attached = a.next((m) => m.type === 'attached');
    ws.send(JSON.stringify({type: 'attach', protocol: PROTOCOL_VERSION, cols: 120, rows: 40}));
    await attached;
    return a;
  }

  next(match: (m: ServerMessage) => boolean): Promise<ServerMessage> {
    return new Promise((resolve) => this.waiters.push({match, resolve}));
  }

  /** Run one step as the page's button does; resolves with its wall time and status */
  async run(pageId: string, stepId: string): Promise<{ms: number; status: string; why: string}> {
    const t = performance.now();
    let m: ServerMessage;
    for (;;) {
      const done = this.next(
        (x) => (x.type === 'step' && x.result.stepId === stepId && x.result.status !== 'running') || x.type === 'error',
      );
      this.ws.send(JSON.stringify({type: 'run', locale: 'en', pageId, stepId}));
      m = await done;
      // busy: the prompt after the last command has not come back yet; a person would press Run again shortly
      if (m.type !== 'error' || m.code !== 'busy') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return {
      ms: performance.now() - t,
      status: m.type === 'step' ? m.result.status : m.type === 'error' ? `error ${m.code}` : '?',
      why:
        m.type === 'step' && m.result.failure
          ? `${m.result.failure.check}: ${m.result.failure.actual.slice(0, 300)}`
          : m.type === 'error'
            ? m.message
            : '',
    };
  }

  type(data: string): void {
    this.ws.send(JSON.stringify({type: 'input', data}));
  }

  close(): void {
    this.ws.close();
  }
}

async function startLab(dir: string, pages: PageManifest[], capacity: number): Promise<LabServer> {
  return startLabServer({
    port: 0,
    token: 'bench-workshop-token-0123456789',
    siteDir: path.join(dir, 'site'),
    stateDir: path.join(dir, 'state'),
    logger: silentLogger(),
    manifests: {get: (_l, id) => pages.find((p) => p.pageId === id), pages: () => pages},
    workshop: {capacity, durationMinutes: 60, pages: PAGES, fresh: true, lan: false},
  });
}

/**
 * Every step of the pages, in order, per attendee: in lockstep (each Run as soon as the last step finished), or at
 * a pace (a think time before each Run). Returns per-step wall times.
 */
async function walk(attendees: Attendee[], pages: PageManifest[], pace?: Pace): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>();
  await Promise.all(
    attendees.map(async (a, i) => {
      let n = 0;
      for (const page of pages)
        for (const s of page.steps) {
          if (pace) await new Promise((r) => setTimeout(r, thinkMs(pace, i, n++)));
          const r = await a.run(page.pageId, s.id);
          const key = `${page.pageId}/${s.id}`;
          (times.get(key) ?? times.set(key, []).get(key)!).push(r.ms);
          if (r.status !== 'passed') process.stderr.write(`  (step ${key} ${r.status} for one attendee: ${r.why})\n`);
        }
    }),
  );
  return times;
}

function attendeeProcessesKiB(): number {
  // isolated attendees run as uids from 200000: their processes are theirs alone. PSS, not RSS: every attendee's
  // bash and network relay map the same binaries, which are in memory once (RSS would count node's 35 MB of code
  // once per relay)
  try {
    const out = execFileSync('ps', ['-e', '-o', 'uid=,pid='], {encoding: 'utf8'});
    return out
      .split('\n')
      .map((l) => l.trim().split(/\s+/).map(Number))
      .filter(([uid]) => (uid ?? 0) >= 200_000)
      .reduce((sum, [, pid]) => sum + (pid ? pssKiB(pid) || 0 : 0), 0);
  } catch {
    return NaN;
  }
}

export async function benchWorkshop(): Promise<void> {
  const manifestDir = mkdtempSync(path.join(os.tmpdir(), 'bench-manifests-'));
  const all = (await buildManifests(path.resolve('.'), manifestDir)).pages('en');
  rmSync(manifestDir, {recursive: true, force: true});
  const pages = PAGES.map((id) => all.find((p) => p.pageId === id)).filter((p): p is PageManifest => !!p);
  const rows: Row[] = [];

  // alone: one attendee, the floor each step is compared with
  let dir = mkdtempSync(path.join(os.tmpdir(), 'bench-workshop-'));
  let lab = await startLab(dir, pages, N + 2);
  const solo = await Attendee.join(lab, 'solo');
  const alone = await walk([solo], pages);
  solo.close();
  await lab.close();
  rmSync(dir, {recursive: true, force: true});

  // the room: N join at once, then all walk the pages at their own pace
  dir = mkdtempSync(path.join(os.tmpdir(), 'bench-workshop-'));
  lab = await startLab(dir, pages, N + 2);
  const rssBefore = rssKiB(process.pid);
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const joinTimes: number[] = [];
  const room = await Promise.all(
    Array.from({length: N}, async (_, i) => {
      const t = performance.now();
      const a = await Attendee.join(lab, `attendee ${i + 1}`);
      joinTimes.push(performance.now() - t);
      return a;
    }),
  );
  const stormMs = performance.now() - t0;
  const paced = await walk(room, pages, {seed: 1});
  const cpu = process.cpuUsage(cpuBefore);
  const perAttendeeKiB = (rssKiB(process.pid) - rssBefore) / N + attendeeProcessesKiB() / N;
  // the first page's steps only read, so it can be walked again (the cluster's page would create a second cluster)
  const firstPage = pages.slice(0, 1);
  const lockstep = await walk(room, firstPage);
  const calmPaced = await walk(room, firstPage, {seed: 2});

  // the same walks again with one hostile attendee beside the room
  const hostile = await Attendee.join(lab, 'hostile');
  hostile.type(':(){ :|:& };: 2>/dev/null\r');
  hostile.type('yes flooding-the-terminal &\r');
  hostile.type(
    'k3d cluster create hostile >/dev/null 2>&1; kubectl create deploy big --image=nginx --replicas=100000\r',
  );
  const roughPaced = await walk(room, firstPage, {seed: 2});
  const roughLockstep = await walk(room, firstPage);
  hostile.close();
  for (const a of room) a.close();
  await lab.close();
  rmSync(dir, {recursive: true, force: true});

  const flat = (m: Map<string, number[]>) => [...m.values()].flat();
  const worstOverAlone = (m: Map<string, number[]>) => {
    let worst = {key: '', over: -Infinity};
    for (const [key, xs] of m) {
      const over = percentile(xs, 99) - percentile(alone.get(key) ?? [], 50);
      if (over > worst.over) worst = {key, over};
    }
    return worst;
  };
  const p50p99 = (m: Map<string, number[]>) => `${fmt(percentile(flat(m), 50))} / ${fmt(percentile(flat(m), 99))} ms`;
  const hostileRow = (how: string, rough: Map<string, number[]>, calm: Map<string, number[]>): Row => {
    const [r, c] = [percentile(flat(rough), 99), percentile(flat(calm), 99)];
    return {
      metric: `first page p99 ${how}, with a hostile attendee / without`,
      value: rough.size ? `${fmt(r)} / ${fmt(c)} ms` : 'skipped: attendee shells are not isolated here',
      ratio: rough.size ? fmt(r / c) : undefined,
      target: '≤ 1.20',
    };
  };
  const worstPaced = worstOverAlone(paced);
  const worstLockstep = worstOverAlone(lockstep);
  rows.push(
    {metric: `join storm: ${N} joins at once`, value: `${fmt(stormMs / 1000)} s`, target: '≤ 10 s'},
    {metric: 'slowest single join', value: `${fmt(Math.max(...joinTimes))} ms`},
    {metric: 'step latency alone p50 / p99', value: p50p99(alone)},
    {metric: `step latency, ${N} at their own pace (${THINK_MIN_S}-${THINK_MAX_S} s) p50 / p99`, value: p50p99(paced)},
    {
      metric: `  worst step p99 over alone (${worstPaced.key})`,
      value: `${fmt(worstPaced.over)} ms`,
      target: '≤ 1000 ms',
    },
    {metric: `step latency, ${N} in lockstep (first page) p50 / p99`, value: p50p99(lockstep)},
    {
      metric: `  worst step p99 over alone (${worstLockstep.key})`,
      value: `${fmt(worstLockstep.over)} ms`,
      target: '≤ 1000 ms',
    },
    {
      metric: 'memory per active attendee (lab share + own processes)',
      value: `${fmt(perAttendeeKiB / 1024, 1)} MiB`,
      target: '≤ 50 MB',
    },
    {metric: 'lab CPU per attendee over the paced walk', value: `${fmt((cpu.user + cpu.system) / 1000 / N)} ms`},
    hostileRow('at their own pace', roughPaced, calmPaced),
    hostileRow('in lockstep', roughLockstep, lockstep),
  );
  printTable(`workshop (${N} attendees, pages ${PAGES.join(', ')})`, rows);
}
