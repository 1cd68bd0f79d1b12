/**
 * Replay work (replay-terminal.ts: parsing held-back output, serializing scrollback) for every session of the lab,
 * one slice per event-loop turn, round robin. A room reconnecting at once then costs the other terminals one
 * slice of delay at a time, not every reattach back to back: the sessions' own setImmediate or timer callbacks
 * would all run in the same check or timers phase, and hold the loop for their sum.
 */
interface Job {
  step(): boolean;
  left: number;
  resolve(): void;
}

export class ReplaySlices {
  private readonly jobs: Job[] = [];
  private scheduled = false;

  /**
   * Call `step` once per turn, interleaved with the other jobs, until it returns false or has run `maxSlices`
   * times; then resolve (in the turn of the last slice, so what awaits it runs right after, in that turn).
   */
  run(step: () => boolean, maxSlices: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.jobs.push({step, left: maxSlices, resolve});
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.jobs.length === 0) return;
    this.scheduled = true;
    // an immediate queued from the check phase runs in the next loop iteration: timers and I/O in between
    setImmediate(() => {
      this.scheduled = false;
      const job = this.jobs.shift()!;
      let more: boolean;
      try {
        more = job.left-- > 0 && job.step();
      } catch {
        more = false; // a failing step ends its job; the replay then does the rest itself
      }
      if (more) this.jobs.push(job);
      else job.resolve();
      this.schedule();
    });
  }
}

/** the lab's one queue: its event loop is shared by every session */
export const replaySlices = new ReplaySlices();
