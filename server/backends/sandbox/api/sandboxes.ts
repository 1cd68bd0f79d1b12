import {randomBytes} from 'node:crypto';
import {existsSync, readdirSync, renameSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {dns1123LabelErrors} from './names';
import {seedFreshCluster} from './seed';
import {sandboxStateFile, type SandboxStateFile} from './sandbox-state';
import {DebouncedJsonFile, readJson} from './state-file';
import {ObjectStore, type StoreOptions} from './store';
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
  /** save debounce; 0 is fine in tests */
  saveDebounceMs?: number;
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
 * The sandboxes one API process serves. State lives in `<stateDir>/sandboxes/<name>/state.json`; `restoreAll`
 * brings every saved sandbox back after a restart. A corrupt file is set aside (renamed) and reported.
 */
export class SandboxRegistry {
  private readonly items = new Map<string, {sandbox: Sandbox; file: DebouncedJsonFile; sub: Disposable}>();

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
    this.attach(sandbox).flush();
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
    it.file.dispose();
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
    const path = join(this.dir(name), 'state.json');
    const r = readJson(path, sandboxStateFile);
    if (r.kind === 'missing') return undefined;
    const store = this.newStore();
    try {
      if (r.kind === 'corrupt') throw new Error(r.error);
      // well-formed, yet possibly more than the store can take (a CRD it cannot serve): unreadable all the same
      store.restore(r.value.store);
      const sandbox: Sandbox = {name, token: r.value.token, createdAt: r.value.createdAt, store};
      this.attach(sandbox);
      return sandbox;
    } catch (e) {
      store.dispose();
      const aside = `${path}.corrupt-${Date.now()}`;
      try {
        renameSync(path, aside);
      } catch {
        // leave it where it is; it is reported either way
      }
      this.opts.onProblem?.(
        `sandbox "${name}": state file is unreadable and was set aside; the sandbox is not restored`,
        {path, movedTo: aside, error: e instanceof Error ? e.message : String(e)},
      );
      return undefined;
    }
  }

  /** write every pending change now (before exit) */
  flushAll(): void {
    for (const it of this.items.values()) it.file.flush();
  }

  dispose(): void {
    for (const it of this.items.values()) {
      it.sub.dispose();
      it.file.dispose();
      it.sandbox.store.dispose();
    }
    this.items.clear();
  }

  private newStore(): ObjectStore {
    return new ObjectStore({...this.opts.store, clock: this.opts.clock});
  }

  private attach(sandbox: Sandbox): DebouncedJsonFile {
    const state = (): SandboxStateFile => ({
      version: 1,
      name: sandbox.name,
      token: sandbox.token,
      createdAt: sandbox.createdAt,
      store: sandbox.store.snapshot(),
    });
    const file = new DebouncedJsonFile(
      join(this.dir(sandbox.name), 'state.json'),
      state,
      this.opts.saveDebounceMs ?? 250,
      (e) => this.opts.onProblem?.(`sandbox "${sandbox.name}": could not save state`, {error: e.message}),
    );
    const sub = sandbox.store.watch(() => file.touch());
    this.items.set(sandbox.name, {sandbox, file, sub});
    return file;
  }
}
