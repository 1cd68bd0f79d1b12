/**
 * One long-lived bash in a learner's sandbox shell environment, fed one command at a time, as a terminal would
 * be: variables and the working directory carry over between commands, stdout and stderr arrive interleaved
 * (`exec 2>&1`), and each command reads nothing from the terminal (`</dev/null`), so a command that waits for input
 * fails instead of swallowing the next one.
 */
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {writeFileSync} from 'node:fs';
import path from 'node:path';

export interface ShellEnvironmentLike {
  env: Record<string, string>;
  cwd: string;
}

export interface RunResult {
  output: string;
  code: number;
}

export class ScenarioShell {
  private readonly bash: ChildProcessWithoutNullStreams;
  private buffer = '';
  private count = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    environment: ShellEnvironmentLike,
    private readonly scratchDir: string,
  ) {
    this.bash = spawn('bash', ['--norc', '--noprofile'], {
      env: {...process.env, ...environment.env, HOME: environment.cwd, TERM: 'dumb'},
      cwd: environment.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const append = (chunk: Buffer) => (this.buffer += chunk.toString('utf8'));
    this.bash.stdout.on('data', append);
    this.bash.stderr.on('data', append);
    this.bash.stdin.write('exec 2>&1\n');
  }

  /** runs `command` (any bash text: several lines, heredocs) and resolves with its output and exit code */
  run(command: string, timeoutMs = 60_000): Promise<RunResult> {
    const next = this.queue.then(() => this.runNow(command, timeoutMs));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow(command: string, timeoutMs: number): Promise<RunResult> {
    const n = ++this.count;
    const file = path.join(this.scratchDir, `command-${n}.sh`);
    writeFileSync(file, `${command}\n`);
    const mark = `__golden_end_${n}_${process.pid}__`;
    this.buffer = '';
    this.bash.stdin.write(`source ${file} </dev/null; printf '\\n${mark}%s\\n' "$?"\n`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.buffer.indexOf(mark);
      const eol = at >= 0 ? this.buffer.indexOf('\n', at) : -1;
      if (eol >= 0) {
        const code = Number(this.buffer.slice(at + mark.length, eol));
        return {output: this.buffer.slice(0, at).replace(/\n$/, ''), code};
      }
      if (Date.now() > deadline) throw new Error(`command timed out after ${timeoutMs} ms: ${command.split('\n')[0]}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  dispose(): void {
    this.bash.stdin.end();
    this.bash.kill();
  }
}
