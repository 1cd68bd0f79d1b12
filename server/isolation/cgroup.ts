/**
 * One attendee's cgroups: a process ceiling (pids), a memory ceiling and a CPU weight, on cgroup v2 or v1 — whatever
 * the probe found writable. The shell is placed in them before it runs anything (see isolated-shell.ts), so every
 * process it starts is counted; dispose() kills what is left and removes the groups.
 */
import {mkdirSync, readFileSync, rmdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import type {CgroupController, CgroupMount} from './probe';

export interface CgroupLimits {
  /** processes and threads */
  maxProcesses: number;
  /** bytes of memory (anonymous + page cache charged to the group) */
  memoryBytes: number;
  /** relative CPU share, 1–10000 (cgroup v2 cpu.weight scale; 100 is a normal process) */
  cpuWeight: number;
}

/** what the kernel says was refused so far: a limit the attendee ran into */
export interface LimitEvents {
  /** forks refused because the pids ceiling was reached */
  pidsMax: number;
  /** processes killed because the memory ceiling was reached */
  oomKills: number;
}

/** the lab's own parent group under each mount: attendees' groups go below it */
export const LAB_GROUP = 'ambient-lab';

export class AttendeeCgroup {
  private readonly dirs: Partial<Record<CgroupController, {dir: string; version: 1 | 2}>> = {};

  constructor(
    mounts: Partial<Record<CgroupController, CgroupMount>>,
    readonly name: string,
    limits: CgroupLimits,
  ) {
    if (!/^[a-z0-9-]{1,64}$/.test(name)) throw new Error(`cgroup name must be [a-z0-9-]{1,64}, got "${name}"`);
    for (const [controller, mount] of Object.entries(mounts) as [CgroupController, CgroupMount][]) {
      const parent = path.join(mount.dir, LAB_GROUP);
      const dir = path.join(parent, name);
      // v2 shares one directory for every controller: create once, enable each controller in the parent
      mkdirSync(dir, {recursive: true});
      if (mount.version === 2) enableV2(mount.dir, parent, controller);
      this.dirs[controller] = {dir, version: mount.version};
    }
    this.apply(limits);
  }

  /** the files a launcher writes its own pid into before exec'ing the shell (one per distinct directory) */
  get procsFiles(): string[] {
    return [...new Set(Object.values(this.dirs).map((d) => path.join(d.dir, 'cgroup.procs')))];
  }

  get controllers(): CgroupController[] {
    return Object.keys(this.dirs) as CgroupController[];
  }

  apply(limits: CgroupLimits): void {
    const pids = this.dirs.pids;
    if (pids) write(pids.dir, 'pids.max', String(limits.maxProcesses));
    const memory = this.dirs.memory;
    if (memory?.version === 2) {
      write(memory.dir, 'memory.max', String(limits.memoryBytes));
      write(memory.dir, 'memory.swap.max', '0', true);
    } else if (memory) {
      write(memory.dir, 'memory.limit_in_bytes', String(limits.memoryBytes));
      write(memory.dir, 'memory.memsw.limit_in_bytes', String(limits.memoryBytes), true);
    }
    const cpu = this.dirs.cpu;
    if (cpu?.version === 2) write(cpu.dir, 'cpu.weight', String(limits.cpuWeight));
    // v1 cpu.shares: 1024 is the default share, as 100 is v2's default weight
    else if (cpu) write(cpu.dir, 'cpu.shares', String(Math.max(2, Math.round((limits.cpuWeight * 1024) / 100))));
  }

  events(): LimitEvents {
    const pids = this.dirs.pids;
    const memory = this.dirs.memory;
    return {
      pidsMax: pids ? keyed(read(pids.dir, 'pids.events'), 'max') : 0,
      oomKills: memory
        ? memory.version === 2
          ? keyed(read(memory.dir, 'memory.events'), 'oom_kill')
          : keyed(read(memory.dir, 'memory.oom_control'), 'oom_kill')
        : 0,
    };
  }

  /** every pid in the groups (host pid namespace) */
  pids(): number[] {
    const all = new Set<number>();
    for (const file of this.procsFiles) {
      for (const line of read(path.dirname(file), 'cgroup.procs').split('\n')) {
        const pid = Number(line);
        if (Number.isInteger(pid) && pid > 0) all.add(pid);
      }
    }
    return [...all];
  }

  /** bytes charged to the memory group now */
  memoryUsage(): number | undefined {
    const memory = this.dirs.memory;
    if (!memory) return undefined;
    const text = read(memory.dir, memory.version === 2 ? 'memory.current' : 'memory.usage_in_bytes');
    return text ? Number(text) : undefined;
  }

  /** SIGKILL whatever is left, then remove the groups (a group with members cannot be removed) */
  async dispose(): Promise<void> {
    // a fork bomb keeps forking between rounds; the pids ceiling bounds it, so a few rounds catch everything
    for (let round = 0; round < 250; round++) {
      const left = this.pids();
      if (left.length === 0) break;
      for (const pid of left) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const {dir} of Object.values(this.dirs)) {
      // killed processes leave the group only once reaped: retry for a moment
      for (let attempt = 0; attempt < 50; attempt++) {
        try {
          rmdirSync(dir);
          break;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    }
  }
}

function enableV2(root: string, parent: string, controller: CgroupController): void {
  // the controller must be enabled in every ancestor's subtree_control down to our parent
  write(root, 'cgroup.subtree_control', `+${controller}`, true);
  write(parent, 'cgroup.subtree_control', `+${controller}`, true);
}

function write(dir: string, file: string, value: string, optional = false): void {
  try {
    writeFileSync(path.join(dir, file), value);
  } catch (error) {
    if (!optional) {
      throw new Error(`cannot set ${path.join(dir, file)} to ${value}: ${(error as Error).message}`, {cause: error});
    }
  }
}

function read(dir: string, file: string): string {
  try {
    return readFileSync(path.join(dir, file), 'utf8').trim();
  } catch {
    return '';
  }
}

function keyed(text: string, key: string): number {
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k === key) return Number(v) || 0;
  }
  return 0;
}
