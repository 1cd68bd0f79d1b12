/**
 * A TerminalSession stand-in for engine tests: it records what is typed and, when a responder is given, answers
 * each typed line the way the shell integration would (CommandStarted, output, CommandFinished).
 */
import type {CommandFinished, CommandStarted} from '../../src/core/shell/events';
import type {Disposable, SessionInfo, TerminalSession} from '../../server/sessions/types';

export type Responder = (line: string) => {exitCode: number; output: string; command?: string} | 'hang' | undefined;

export class FakeSession implements TerminalSession {
  readonly info: SessionInfo = {id: 'fake-session-1', learner: 'local', createdAt: 0, pid: 1};
  readonly ready = Promise.resolve();
  busy = false;
  readonly written: string[] = [];
  private buffer = '';
  private readonly outputs = new Set<(data: string) => void>();
  private readonly starts = new Set<(event: CommandStarted) => void>();
  private readonly finishes = new Set<(event: CommandFinished) => void>();
  private readonly exits = new Set<(event: {exitCode: number; reason: string}) => void>();

  constructor(private readonly responder?: Responder) {}

  onOutput(listener: (data: string) => void): Disposable {
    return subscribe(this.outputs, listener);
  }
  onCommandStarted(listener: (event: CommandStarted) => void): Disposable {
    return subscribe(this.starts, listener);
  }
  onCommandFinished(listener: (event: CommandFinished) => void): Disposable {
    return subscribe(this.finishes, listener);
  }
  onExit(listener: (event: {exitCode: number; reason: string}) => void): Disposable {
    return subscribe(this.exits, listener);
  }

  write(data: string): void {
    this.written.push(data);
    this.buffer += data;
    let end: number;
    while ((end = this.buffer.indexOf('\r')) >= 0) {
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 1);
      const answer = this.responder?.(line);
      if (answer === 'hang') {
        this.busy = true;
        this.start(line);
      } else if (answer) {
        // the shell answers asynchronously
        setImmediate(() => this.type(answer.command ?? line, answer.exitCode, answer.output));
      }
    }
  }

  /** as if the learner typed `command` and it ran */
  type(command: string, exitCode: number, output: string): void {
    this.start(command);
    this.emitOutput(output);
    this.finish(command, exitCode, output);
  }

  start(command: string): void {
    this.busy = true;
    for (const listener of this.starts) listener({command, startedAt: Date.now()});
  }

  finish(command: string, exitCode: number, output: string): void {
    this.busy = false;
    const now = Date.now();
    for (const listener of this.finishes) listener({command, exitCode, output, startedAt: now, finishedAt: now});
  }

  emitOutput(data: string): void {
    for (const listener of this.outputs) listener(data);
  }

  exit(reason: string): void {
    for (const listener of this.exits) listener({exitCode: 0, reason});
  }

  resize(): void {}
  pause(): void {}
  resume(): void {}
  scrollback(): string {
    return '';
  }
  async close(): Promise<void> {}
}

function subscribe<T>(set: Set<T>, listener: T): Disposable {
  set.add(listener);
  return {dispose: () => set.delete(listener)};
}
