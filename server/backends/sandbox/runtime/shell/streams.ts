/** Byte streams between the commands of a pipeline and the exec session: in-process, never host pipes. */

export interface Input {
  /** the next chunk, or null at end of input */
  read(): Promise<Buffer | null>;
}

export interface Output {
  write(data: string | Buffer): void;
}

/** writing to a pipe whose reader has finished: the writer dies as of SIGPIPE (status 141), as `yes | head -1` does */
export class BrokenPipe extends Error {}

/** a pipe between two commands (or from the exec session's stdin to the first command) */
export class Pipe implements Input, Output {
  private chunks: Buffer[] = [];
  private closed = false;
  private readerGone = false;
  private waiter: (() => void) | null = null;

  write(data: string | Buffer): void {
    if (this.readerGone) throw new BrokenPipe('broken pipe');
    if (this.closed) return;
    this.chunks.push(typeof data === 'string' ? Buffer.from(data) : data);
    this.wake();
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  /** the reading command ended: drop what is buffered and break the writer's next write */
  closeReader(): void {
    this.readerGone = true;
    this.chunks = [];
  }

  async read(): Promise<Buffer | null> {
    while (this.chunks.length === 0) {
      if (this.closed) return null;
      await new Promise<void>((r) => (this.waiter = r));
    }
    return this.chunks.shift()!;
  }

  private wake() {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}

export const EMPTY_INPUT: Input = {read: async () => null};
export const NULL_OUTPUT: Output = {write: () => undefined};

/** collect output into a string (command substitution, tests) */
export class StringOutput implements Output {
  private parts: Buffer[] = [];
  write(data: string | Buffer): void {
    this.parts.push(typeof data === 'string' ? Buffer.from(data) : data);
  }
  text(): string {
    return Buffer.concat(this.parts).toString();
  }
}

export async function readAllInput(input: Input): Promise<string> {
  const parts: Buffer[] = [];
  for (let c = await input.read(); c !== null; c = await input.read()) parts.push(c);
  return Buffer.concat(parts).toString();
}

/** split input into lines as they arrive (for grep, head, interactive cat) */
export async function* lines(input: Input): AsyncGenerator<string> {
  let buf = '';
  for (let c = await input.read(); c !== null; c = await input.read()) {
    buf += c.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      yield buf.slice(0, nl + 1);
      buf = buf.slice(nl + 1);
    }
  }
  if (buf) yield buf;
}
