/**
 * Learner progress on disk: one JSON file per learner, `<stateDir>/progress/<learner>.json`.
 *
 * - Read on first use of a learner (synchronously: the ProgressStore interface is synchronous and the file is small).
 * - Writes are debounced (a walkthrough records results in bursts) and atomic: write a temp file, then rename, so a
 *   crash mid-write leaves the previous file intact, never a truncated one.
 * - A corrupt file is kept aside as `<learner>.json.corrupt` and the learner starts empty: progress is a
 *   convenience, never a reason for the server not to start.
 * - Only final results (passed/failed) are kept: a `running` result is live state, meaningless after a restart.
 */
import {mkdirSync, readFileSync, renameSync} from 'node:fs';
import {mkdir, rename, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {progressSnapshot, type ProgressSnapshot, type StepResult} from '../../src/core/protocol/messages';
import type {ProgressStore} from '../engine/types';

export interface ProgressLogger {
  warn(obj: object, msg: string): void;
}

export interface FileProgressStoreOptions {
  /** delay before a change is written; further changes within it are written together */
  debounceMs?: number;
  logger?: ProgressLogger;
  /** starts the debounce timer and returns its cancel function (tests inject one; the default never keeps the process alive) */
  setTimer?: (fn: () => void, ms: number) => () => void;
}

function unrefTimer(fn: () => void, ms: number): () => void {
  const timer = setTimeout(fn, ms);
  // a pending write must not keep a finished process alive; shutdown calls flush()
  timer.unref();
  return () => clearTimeout(timer);
}

const LEARNER_ID = /^[A-Za-z0-9_-]{1,64}$/;

export class FileProgressStore implements ProgressStore {
  private readonly dir: string;
  private readonly debounceMs: number;
  private readonly logger: ProgressLogger | undefined;
  private readonly learners = new Map<string, ProgressSnapshot>();
  private readonly setTimer: (fn: () => void, ms: number) => () => void;
  /** per learner, the cancel function of the pending debounce timer */
  private readonly timers = new Map<string, () => void>();
  /** per learner, the write in flight: writes to one file never overlap, so renames land in order */
  private readonly writing = new Map<string, Promise<void>>();
  private disposed = false;

  constructor(stateDir: string, options: FileProgressStoreOptions = {}) {
    this.dir = path.join(stateDir, 'progress');
    this.debounceMs = options.debounceMs ?? 250;
    this.logger = options.logger;
    this.setTimer = options.setTimer ?? unrefTimer;
  }

  snapshot(learner: string): ProgressSnapshot {
    return structuredClone(this.load(learner));
  }

  record(learner: string, result: StepResult): void {
    if (result.status !== 'passed' && result.status !== 'failed') return;
    const progress = this.load(learner);
    (progress[result.pageId] ??= {})[result.stepId] = result;
    this.scheduleWrite(learner);
  }

  resetPage(learner: string, pageId: string): void {
    const progress = this.load(learner);
    if (!(pageId in progress)) return;
    delete progress[pageId];
    this.scheduleWrite(learner);
  }

  /** write everything pending now (server shutdown, tests) */
  async flush(): Promise<void> {
    const pending = [...this.timers.keys()];
    for (const learner of pending) {
      this.timers.get(learner)?.();
      this.timers.delete(learner);
      this.enqueueWrite(learner);
    }
    await Promise.all([...this.writing.values()]);
  }

  /** flush, then refuse further writes */
  async dispose(): Promise<void> {
    await this.flush();
    this.disposed = true;
  }

  fileOf(learner: string): string {
    if (!LEARNER_ID.test(learner)) throw new Error(`learner id not usable as a file name: ${JSON.stringify(learner)}`);
    return path.join(this.dir, `${learner}.json`);
  }

  private load(learner: string): ProgressSnapshot {
    let progress = this.learners.get(learner);
    if (progress) return progress;
    progress = this.read(learner);
    this.learners.set(learner, progress);
    return progress;
  }

  private read(learner: string): ProgressSnapshot {
    const file = this.fileOf(learner);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      this.logger?.warn({err, file}, 'progress file unreadable; starting with empty progress');
      return {};
    }
    let reason: string;
    try {
      const parsed = progressSnapshot.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
      reason = parsed.error.issues[0]?.message ?? 'invalid';
    } catch {
      reason = 'not valid JSON';
    }
    const aside = `${file}.corrupt`;
    try {
      renameSync(file, aside);
    } catch {
      // keeping the copy is best effort; starting is what matters
    }
    this.logger?.warn(
      {file, kept: aside, reason},
      'progress file is corrupt; kept a copy and starting with empty progress',
    );
    return {};
  }

  private scheduleWrite(learner: string): void {
    if (this.disposed || this.timers.has(learner)) return;
    const cancel = this.setTimer(() => {
      this.timers.delete(learner);
      this.enqueueWrite(learner);
    }, this.debounceMs);
    this.timers.set(learner, cancel);
  }

  private enqueueWrite(learner: string): void {
    const previous = this.writing.get(learner) ?? Promise.resolve();
    const next = previous
      .then(() => this.write(learner))
      .catch((err) => this.logger?.warn({err, learner}, 'could not save progress'))
      .finally(() => {
        if (this.writing.get(learner) === next) this.writing.delete(learner);
      });
    this.writing.set(learner, next);
  }

  private async write(learner: string): Promise<void> {
    const file = this.fileOf(learner);
    // serialise at write time, so the file gets the latest state even if changes arrived while queued
    const text = JSON.stringify(this.learners.get(learner) ?? {}, null, 2) + '\n';
    await mkdir(this.dir, {recursive: true});
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, text, {encoding: 'utf8', mode: 0o600});
    await rename(temp, file);
  }
}

/** Make sure the directory exists up front, so a permission problem shows at start, not at the first step. */
export function ensureProgressDir(stateDir: string): void {
  mkdirSync(path.join(stateDir, 'progress'), {recursive: true});
}
