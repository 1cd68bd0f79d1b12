import {randomBytes} from 'node:crypto';
import {existsSync, readdirSync, renameSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {dns1123LabelErrors} from './names';
import {loadSandbox, logLine, STATE_FILE, stateFileText} from './sandbox-persistence';
import {seedFreshCluster} from './seed';
import type {SandboxStateFile} from './sandbox-state';
import {writeJsonAtomic} from './state-file';
import {ObjectStore, type StoreOptions} from './store';
import {listSegments, WriteAheadLog} from './write-ahead-log';
import type {Clock} from '../kit/clock';
import type {Disposable} from '../kit/disposable';

/** One simulated cluster: its own objects, its own bearer token, its own state file. */
export interface Sandbox {
  readonly name: string;
  readonly token: string;
  readonly createdAt: string;
  readonly store: ObjectStore;
}

export interface SandboxRegistryOptions {
  stateDir: string;
  clock?: Clock;
  /** compact a sandbox's write-ahead log into its state.json once the log holds this many bytes (default 4 MiB) */
  compactLogBytes?: number;
  store?: Omit<StoreOptions, 'clock'>;
  /** problems worth telling the operator (a corrupt state file, a failed save); never thrown */
  onProblem?: (message: string, detail: Record<string, unknown>) => void;
}

export class SandboxError extends Error {
  constructor(
    readonly code: 'invalid-name' | 'exists' | 'not-found',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The sandboxes one API process serves. State lives in `<stateDir>/sandboxes/<name>/`: state.json plus a
 * write-ahead log of every change since (see sandbox-persistence.ts); `committed(name)` resolves once a
 * sandbox's changes so far are on disk, and the API answers a write only then. `restoreAll` brings every saved
 * sandbox back after a restart. A corrupt state file is set aside (renamed) and reported.
 */
export class SandboxRegistry {
  private readonly items = new Map<string, {sandbox: Sandbox; log: WriteAheadLog; sub: Disposable}>();

  constructor(private readonly opts: SandboxRegistryOptions) {}

  private dir(name: string): string {
    return join(this.opts.stateDir, 'sandboxes', name);
  }

  list(): Sandbox[] {
    return [...this.items.values()].map((x) => x.sandbox).sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): Sandbox | undefined {
    return this.items.get(name)?.sandbox;
  }

  create(name: string): Sandbox {
    const bad = dns1123LabelErrors(name);
    if (bad.length) throw new SandboxError('invalid-name', `invalid sandbox name "${name}": ${bad.join('; ')}`);
    if (this.items.has(name)) throw new SandboxError('exists', `sandbox "${name}" already exists`);
    const store = this.newStore();
    seedFreshCluster(store);
    const sandbox: Sandbox = {name, token: randomBytes(24).toString('hex'), createdAt: new Date().toISOString(), store};
    // a log left by an earlier sandbox of this name must not be replayed over this one
    for (const s of listSegments(this.dir(name))) rmSync(s.path, {force: true});
    writeJsonAtomic(join(this.dir(name), STATE_FILE), this.stateOf(sandbox));
    this.attach(sandbox, 1);
    return sandbox;
  }

  /** the sandbox, created when missing: what the lab does when a learner first needs one */
  ensure(name: string): Sandbox {
    return this.get(name) ?? this.create(name);
  }

  delete(name: string): void {
    const it = this.items.get(name);
    if (!it) throw new SandboxError('not-found', `sandbox "${name}" not found`);
    it.sub.dispose();
    it.log.dispose();
    it.sandbox.store.dispose();
    this.items.delete(name);
    rmSync(this.dir(name), {recursive: true, force: true});
  }

  /** load every saved sandbox that is not loaded yet */
  restoreAll(): Sandbox[] {
    const root = join(this.opts.stateDir, 'sandboxes');
    if (!existsSync(root)) return [];
    const out: Sandbox[] = [];
    for (const name of readdirSync(root)) {
      if (this.items.has(name) || dns1123LabelErrors(name).length) continue;
      const s = this.restore(name);
      if (s) out.push(s);
    }
    return out;
  }

  private restore(name: string): Sandbox | undefined {
    const dir = this.dir(name);
    const path = join(dir, STATE_FILE);
    const r = loadSandbox(dir);
    if (r.kind === 'missing') return undefined;
    const store = this.newStore();
    try {
      if (r.kind === 'corrupt') throw new Error(r.error);
      // well-formed, yet possibly more than the store can take (a CRD it cannot serve): unreadable all the same
      store.restore(r.state.store);
    } catch (e) {
      store.dispose();
      const stamp = `corrupt-${Date.now()}`;
      const aside = `${path}.${stamp}`;
      try {
        renameSync(path, aside);
        // the log belongs to that state: a sandbox created here later must not replay it
        for (const s of listSegments(dir)) renameSync(s.path, `${s.path}.${stamp}`);
      } catch {
        // leave it where it is; it is reported either way
      }
      this.opts.onProblem?.(
        `sandbox "${name}": state file is unreadable and was set aside; the sandbox is not restored`,
        {path, movedTo: aside, error: e instanceof Error ? e.message : String(e)},
      );
      return undefined;
    }
    const sandbox: Sandbox = {name, token: r.state.token, createdAt: r.state.createdAt, store};
    if (r.skipped.length)
      this.opts.onProblem?.(`sandbox "${name}": unreadable write-ahead log records were skipped`, {
        records: r.skipped.slice(0, 5),
        count: r.skipped.length,
      });
    const log = this.attach(sandbox, r.lastSegment + 1);
    // fold the replayed log into state.json, so the next start reads one file
    if (r.lastSegment > 0) log.compactSoon();
    return sandbox;
  }

  /** resolves once every change the sandbox made so far is durable; rejects if it could not be written */
  /** compact a sandbox's log into its state.json now; resolves once that is written and the old segments are gone */
  compact(name: string): Promise<void> {
    const log = this.items.get(name)?.log;
    if (!log) return Promise.resolve();
    log.compactSoon();
    return log.settled();
  }

  committed(name: string): Promise<void> {
    return this.items.get(name)?.log.committed() ?? Promise.resolve();
  }

  /** write what is pending and fold each sandbox's log into its state.json: a clean shutdown */
  async close(): Promise<void> {
    const all = [...this.items.values()];
    this.items.clear();
    for (const it of all) it.sub.dispose();
    await Promise.all(all.map((it) => it.log.close()));
    for (const it of all) it.sandbox.store.dispose();
  }

  /** stop at once; what is pending is still written to the log */
  dispose(): void {
    for (const it of this.items.values()) {
      it.sub.dispose();
      it.log.dispose();
      it.sandbox.store.dispose();
    }
    this.items.clear();
  }

  private newStore(): ObjectStore {
    return new ObjectStore({...this.opts.store, clock: this.opts.clock});
  }

  private stateOf(sandbox: Sandbox): SandboxStateFile {
    return {
      version: 1,
      name: sandbox.name,
      token: sandbox.token,
      createdAt: sandbox.createdAt,
      store: sandbox.store.snapshot(),
    };
  }

  /** log every change of the sandbox's store from now on, starting with segment `firstSegment` */
  private attach(sandbox: Sandbox, firstSegment: number): WriteAheadLog {
    const dir = this.dir(sandbox.name);
    const log = new WriteAheadLog({
      dir,
      snapshotPath: join(dir, STATE_FILE),
      firstSegment,
      compactAfterBytes: this.opts.compactLogBytes ?? 4 * 1024 * 1024,
      // the state is read now; its objects are serialized a slice per turn while the sandbox goes on
      snapshot: () => stateFileText(this.stateOf(sandbox)),
      onError: (e) => this.opts.onProblem?.(`sandbox "${sandbox.name}": could not save state`, {error: e.message}),
    });
    const sub = sandbox.store.watch((e) => log.append(logLine(e)));
    this.items.set(sandbox.name, {sandbox, log, sub});
    return log;
  }
}
