import type {Disposable} from '../../kit/disposable';

export interface LogLine {
  time: Date;
  text: string;
}

/**
 * One container's log: a bounded ring of lines (the kubelet keeps ~10 MiB per container; we keep fewer lines), and
 * the followers of `kubectl logs -f` who get each new line as it is appended.
 */
export class LogBuffer {
  private lines: LogLine[] = [];
  private readonly followers = new Set<(l: LogLine) => void>();

  constructor(private readonly maxLines: number) {}

  append(line: LogLine): void {
    this.lines.push(line);
    // drop in chunks so a busy follower-free buffer does not shift an array on every line
    if (this.lines.length > this.maxLines + Math.ceil(this.maxLines / 10))
      this.lines = this.lines.slice(-this.maxLines);
    for (const f of this.followers) f(line);
  }

  snapshot(): LogLine[] {
    return this.lines.length > this.maxLines ? this.lines.slice(-this.maxLines) : this.lines.slice();
  }

  follow(fn: (l: LogLine) => void): Disposable {
    this.followers.add(fn);
    return {dispose: () => this.followers.delete(fn)};
  }

  /** the container is gone: followers learn it through their own pod watch, so only drop them here */
  close(): void {
    this.followers.clear();
  }
}
