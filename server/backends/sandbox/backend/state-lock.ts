/**
 * One process at a time owns a state dir's sandboxes: two processes saving the same state.json would lose each
 * other's writes. The lock file also tells another `lab` process how to reach the owner (its command server and
 * control token), which is why it is owner-only. A lock whose process is gone is taken over.
 */
import {closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync} from 'node:fs';
import path from 'node:path';

export interface LockInfo {
  pid: number;
  startedAt: string;
  /** the owner's command server, e.g. http://127.0.0.1:41234 (set once it listens) */
  url?: string;
  controlToken?: string;
}

export class StateLockedError extends Error {
  readonly code = 'sandbox-state-locked';
  constructor(
    readonly lockFile: string,
    readonly holder: LockInfo,
  ) {
    super(
      `the sandbox state in ${path.dirname(path.dirname(lockFile))} is in use by another lab process (pid ${holder.pid}, since ${holder.startedAt}); ` +
        'stop that process first, or use `lab sandbox shell` / `lab sandbox env`, which connect to it',
    );
  }
}

export function lockFilePath(stateDir: string): string {
  return path.join(stateDir, 'sandbox-backend', 'lock');
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** the live owner of a state dir, if any */
export function readLock(stateDir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(lockFilePath(stateDir), 'utf8')) as LockInfo;
    return Number.isInteger(info.pid) && isAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

export class StateLock {
  private released = false;

  private constructor(
    readonly file: string,
    private info: LockInfo,
  ) {}

  static acquire(stateDir: string): StateLock {
    const file = lockFilePath(stateDir);
    mkdirSync(path.dirname(file), {recursive: true, mode: 0o700});
    const info: LockInfo = {pid: process.pid, startedAt: new Date().toISOString()};
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx', 0o600);
        writeSync(fd, JSON.stringify(info));
        closeSync(fd);
        return new StateLock(file, info);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const holder = readLock(stateDir);
        if (holder) throw new StateLockedError(file, holder);
        rmSync(file, {force: true}); // stale: its process is gone
      }
    }
    throw new Error(`could not take the sandbox state lock ${file}`);
  }

  /** add how to reach this process, once its command server listens */
  advertise(url: string, controlToken: string): void {
    this.info = {...this.info, url, controlToken};
    const fd = openSync(this.file, 'w', 0o600);
    writeSync(fd, JSON.stringify(this.info));
    closeSync(fd);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      const now = JSON.parse(readFileSync(this.file, 'utf8')) as LockInfo;
      if (now.pid === process.pid) rmSync(this.file, {force: true});
    } catch {
      // already gone
    }
  }
}
