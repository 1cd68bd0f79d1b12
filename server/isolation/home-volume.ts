/**
 * An attendee's HOME with a hard size: a sparse ext4 image under the lab's state dir, loop-mounted on the HOME
 * directory while the attendee is active. Writes past the size fail with "No space left on device" in that HOME
 * alone; the image keeps the files across lab restarts (for the export and for rejoining). Needs root and loop
 * devices; where either is missing, `mount()` says why and the caller falls back to per-file limits (RLIMIT_FSIZE).
 */
import {execFile} from 'node:child_process';
import {existsSync, mkdirSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {promisify} from 'node:util';

const run = promisify(execFile);

export interface HomeVolumeOptions {
  /** the image file (created sparse on first mount) */
  image: string;
  /** where it is mounted: the attendee's HOME on the host */
  mountPoint: string;
  sizeBytes: number;
  uid: number;
  gid: number;
}

export class HomeVolume {
  private mounted = false;

  constructor(private readonly opts: HomeVolumeOptions) {
    if (!Number.isInteger(opts.sizeBytes) || opts.sizeBytes < 8 * 1024 * 1024) {
      throw new RangeError(`a HOME volume needs at least 8 MiB, got ${opts.sizeBytes}`);
    }
  }

  /** mount (creating the image on first use); resolves to a reason when this machine cannot */
  async mount(): Promise<{ok: true} | {ok: false; reason: string}> {
    const {image, mountPoint, sizeBytes, uid, gid} = this.opts;
    try {
      mkdirSync(mountPoint, {recursive: true, mode: 0o700});
      if (await isMountPoint(mountPoint)) {
        this.mounted = true;
        return {ok: true};
      }
      if (!existsSync(image)) {
        await run('truncate', ['-s', String(sizeBytes), image]);
        // -m 0: no blocks reserved for root; root_owner: the attendee owns its HOME's root directory
        await run('mkfs.ext4', ['-q', '-F', '-m', '0', '-E', `root_owner=${uid}:${gid}`, image]);
      }
      await run('mount', ['-o', 'loop,nosuid,nodev', image, mountPoint]);
      this.mounted = true;
      // a fresh ext4 has lost+found; the attendee never needs it
      await run('rm', ['-rf', `${mountPoint}/lost+found`]).catch(() => undefined);
      return {ok: true};
    } catch (error) {
      const e = error as {stderr?: string; message: string};
      return {ok: false, reason: (e.stderr || e.message).trim().split('\n')[0] ?? 'mount failed'};
    }
  }

  /** bytes used and available, as df sees them (the board shows it) */
  async usage(): Promise<{usedBytes: number; sizeBytes: number} | undefined> {
    if (!this.mounted) return undefined;
    try {
      const {stdout} = await run('df', ['-B1', '--output=used,size', this.opts.mountPoint]);
      const [used, size] = stdout.trim().split('\n')[1]!.trim().split(/\s+/).map(Number);
      return {usedBytes: used!, sizeBytes: size!};
    } catch {
      return undefined;
    }
  }

  async unmount(): Promise<void> {
    if (!this.mounted) return;
    this.mounted = false;
    // lazy: a process the cgroup kill has not reaped yet must not keep the lab from stopping
    await run('umount', ['-l', this.opts.mountPoint]).catch(() => undefined);
  }
}

async function isMountPoint(dir: string): Promise<boolean> {
  const mounts = await readFile('/proc/self/mounts', 'utf8');
  return mounts.split('\n').some((line) => line.split(' ')[1] === dir);
}
