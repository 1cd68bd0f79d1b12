/**
 * The instructor's board as a model: every attendee's step results (with attempts), where they are, whether they are
 * stuck, raised hands and limits hit, turned into a BoardSnapshot for the page and result rows for the export.
 *
 * Step results are also appended to `results.jsonl` in the workshop's folder as they happen, and replayed on start:
 * the export after a restart (or after the workshop ended) has every attempt. Listeners hear about changes at most
 * every `coalesceMs`, so a burst (a catch-up marking twenty steps) is one board update, well within a second.
 */
import {appendFileSync, mkdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {z} from 'zod';
import type {StepResult} from '../../src/core/protocol/messages';
import type {BoardCell, BoardRow, BoardSnapshot, LimitKind, ResultRow} from '../../src/core/protocol/workshop';
import type {WorkshopState} from './workshop-state';

export interface BoardColumn {
  pageId: string;
  stepId: string;
  title: string;
}

export interface BoardOptions {
  workshop: WorkshopState;
  /** the steps in scope, in walkthrough order */
  columns: BoardColumn[];
  /** each page in scope's title per locale */
  pageTitles?: Record<string, Record<string, string>>;
  /** the workshop's folder (results.jsonl) */
  dir: string;
  /** connected but nothing typed or run for this long: stuck (default 5 min) */
  idleStuckMs?: number;
  coalesceMs?: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => {cancel(): void};
}

const resultEvent = z.object({
  t: z.number(),
  attendee: z.string(),
  pageId: z.string(),
  stepId: z.string(),
  status: z.enum(['running', 'passed', 'failed', 'caught-up']),
});
type ResultEvent = z.infer<typeof resultEvent>;

interface Ledger {
  state: BoardCell['state'];
  attempts: number;
  /** failures since the last pass */
  failuresSincePass: number;
  firstStartedAt?: number;
  lastEndedAt?: number;
  passedAt?: number;
  lastChangeAt: number;
}

interface Live {
  pageId?: string;
  sockets: number;
  lastActivityAt: number;
  limit?: {kind: LimitKind; at: number};
  watched?: 'viewing' | 'typing';
}

export class Board {
  private readonly ledgers = new Map<string, Map<string, Ledger>>();
  private readonly live = new Map<string, Live>();
  private readonly listeners = new Set<() => void>();
  private readonly file: string;
  private readonly order: Map<string, number>;
  private readonly now: () => number;
  private pending: {cancel(): void} | undefined;
  broadcasting = false;
  /** where attendees join (the LAN address under --lan), shown big on the board */
  joinUrl: string | undefined;
  follow: {pageId: string; stepId?: string} | undefined;

  constructor(private readonly opts: BoardOptions) {
    this.now = opts.now ?? Date.now;
    mkdirSync(opts.dir, {recursive: true, mode: 0o700});
    this.file = path.join(opts.dir, 'results.jsonl');
    this.order = new Map(opts.columns.map((c, i) => [`${c.pageId}/${c.stepId}`, i]));
    this.replay();
  }

  /** a step's status changed in an attendee's session (the engine's StepResult) */
  onStep(attendee: string, result: Pick<StepResult, 'pageId' | 'stepId' | 'status'>): void {
    if (result.status === 'idle') return;
    this.apply({t: this.now(), attendee, pageId: result.pageId, stepId: result.stepId, status: result.status}, true);
  }

  /** the instructor (or the attendee's "Catch me up") ran this step for them */
  onCaughtUp(attendee: string, pageId: string, stepId: string): void {
    this.apply({t: this.now(), attendee, pageId, stepId, status: 'caught-up'}, true);
  }

  onPage(attendee: string, pageId: string): void {
    this.liveOf(attendee).pageId = pageId;
    this.changed();
  }

  onActivity(attendee: string): void {
    const live = this.liveOf(attendee);
    const wasIdle = this.now() - live.lastActivityAt > (this.opts.idleStuckMs ?? 5 * 60_000);
    live.lastActivityAt = this.now();
    if (wasIdle) this.changed();
  }

  onSocket(attendee: string, delta: 1 | -1): void {
    const live = this.liveOf(attendee);
    live.sockets = Math.max(0, live.sockets + delta);
    this.changed();
  }

  onLimit(attendee: string, kind: LimitKind): void {
    this.liveOf(attendee).limit = {kind, at: this.now()};
    this.changed();
  }

  setWatched(attendee: string, mode: 'viewing' | 'typing' | undefined): void {
    this.liveOf(attendee).watched = mode;
    this.changed();
  }

  /** forget an attendee's results (the instructor reset their sandbox) */
  reset(attendee: string): void {
    this.ledgers.delete(attendee);
    this.append({t: this.now(), attendee, pageId: '*', stepId: '*', status: 'failed'}, 'reset');
    this.changed();
  }

  onChange(listener: () => void): {dispose(): void} {
    this.listeners.add(listener);
    return {dispose: () => this.listeners.delete(listener)};
  }

  /** tell listeners now (something outside the board changed: a raised hand, the workshop ended) */
  changed(): void {
    if (this.pending) return;
    const fire = () => {
      this.pending = undefined;
      for (const l of [...this.listeners]) l();
    };
    const ms = this.opts.coalesceMs ?? 100;
    this.pending = this.opts.setTimer
      ? this.opts.setTimer(fire, ms)
      : (() => {
          const t = setTimeout(fire, ms);
          t.unref();
          return {cancel: () => clearTimeout(t)};
        })();
  }

  snapshot(): BoardSnapshot {
    const w = this.opts.workshop;
    return {
      workshopId: w.id,
      joinCode: w.code,
      joinUrl: this.joinUrl,
      capacity: w.capacity,
      expiresAt: w.expiresAt,
      endedAt: w.endedAt,
      columns: this.opts.columns,
      pageTitles: this.opts.pageTitles,
      rows: w.attendees().map((a) => this.row(a.id, a.name, a.handRaisedAt, a.lastSeenAt)),
      broadcasting: this.broadcasting,
      follow: this.follow,
    };
  }

  /** one row per attendee and step in scope, in walkthrough order */
  exportRows(): ResultRow[] {
    const rows: ResultRow[] = [];
    for (const a of this.opts.workshop.attendees()) {
      const ledgers = this.ledgers.get(a.id);
      for (const c of this.opts.columns) {
        const l = ledgers?.get(`${c.pageId}/${c.stepId}`);
        const end = l?.passedAt ?? l?.lastEndedAt;
        rows.push({
          attendee: a.name,
          attendeeId: a.id,
          pageId: c.pageId,
          stepId: c.stepId,
          status: !l || l.state === 'running' ? (l && l.attempts > 1 ? 'failed' : 'not-run') : l.state,
          attempts: l?.attempts ?? 0,
          timeTakenSeconds:
            l?.firstStartedAt !== undefined && end !== undefined
              ? Math.round((end - l.firstStartedAt) / 100) / 10
              : undefined,
        });
      }
    }
    return rows;
  }

  private row(id: string, name: string, handRaisedAt: number | undefined, lastSeenAt: number): BoardRow {
    const ledgers = this.ledgers.get(id) ?? new Map<string, Ledger>();
    const live = this.live.get(id);
    const steps: Record<string, BoardCell> = {};
    let reached: string | undefined;
    let latest: {key: string; l: Ledger} | undefined;
    for (const [key, l] of ledgers) {
      steps[key] = {state: l.state, attempts: l.attempts};
      if (
        (l.state === 'passed' || l.state === 'caught-up') &&
        (this.order.get(key) ?? -1) > (this.order.get(reached ?? '') ?? -1)
      ) {
        reached = key;
      }
      if (!latest || l.lastChangeAt > latest.l.lastChangeAt) latest = {key, l};
    }
    const lastActivityAt = Math.max(live?.lastActivityAt ?? 0, lastSeenAt, latest?.l.lastChangeAt ?? 0);
    const connected = (live?.sockets ?? 0) > 0;
    const done =
      ledgers.size > 0 &&
      [...this.order.keys()].every((k) => ['passed', 'caught-up'].includes(ledgers.get(k)?.state ?? ''));
    const stuck =
      latest && latest.l.state === 'failed' && latest.l.failuresSincePass >= 2
        ? ('failed-twice' as const)
        : connected && !done && this.now() - lastActivityAt > (this.opts.idleStuckMs ?? 5 * 60_000)
          ? ('idle' as const)
          : undefined;
    return {
      id,
      name,
      pageId: live?.pageId,
      reached,
      steps,
      lastActivityAt,
      connected,
      stuck,
      handRaisedAt,
      limit: live?.limit,
      watched: live?.watched,
    };
  }

  private apply(e: ResultEvent, persist: boolean): void {
    if (persist) this.append(e);
    const ledgers = this.ledgers.get(e.attendee) ?? new Map<string, Ledger>();
    this.ledgers.set(e.attendee, ledgers);
    const key = `${e.pageId}/${e.stepId}`;
    const l = ledgers.get(key) ?? {state: 'running', attempts: 0, failuresSincePass: 0, lastChangeAt: e.t};
    ledgers.set(key, l);
    l.lastChangeAt = e.t;
    if (e.status === 'running') {
      l.attempts++;
      l.firstStartedAt ??= e.t;
      l.state = 'running';
    } else if (e.status === 'caught-up') {
      // a step the attendee passed themselves stays theirs
      if (l.state !== 'passed') l.state = 'caught-up';
      l.failuresSincePass = 0;
    } else {
      l.state = e.status;
      l.lastEndedAt = e.t;
      if (e.status === 'passed') {
        l.passedAt ??= e.t;
        l.failuresSincePass = 0;
      } else l.failuresSincePass++;
    }
    if (persist) this.changed();
  }

  private liveOf(attendee: string): Live {
    let live = this.live.get(attendee);
    if (!live) {
      live = {sockets: 0, lastActivityAt: this.now()};
      this.live.set(attendee, live);
    }
    return live;
  }

  private append(e: ResultEvent, kind?: 'reset'): void {
    appendFileSync(this.file, JSON.stringify(kind ? {...e, reset: true} : e) + '\n', {mode: 0o600});
  }

  private replay(): void {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return;
    }
    // a crash may have cut the last line: end it, so the next append starts a line of its own
    if (text && !text.endsWith('\n')) appendFileSync(this.file, '\n');
    for (const line of text.split('\n')) {
      if (!line) continue;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        continue; // a line cut by a crash: the rest still counts
      }
      if ((raw as {reset?: boolean}).reset) {
        this.ledgers.delete(String((raw as {attendee?: unknown}).attendee));
        continue;
      }
      const parsed = resultEvent.safeParse(raw);
      if (parsed.success) this.apply(parsed.data, false);
    }
  }
}
