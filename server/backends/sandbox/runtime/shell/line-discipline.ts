import {Pipe} from './streams';

/** What an interactive shell gets from the terminal it runs on: Ctrl-C routing and the line history. */
export interface TerminalHooks {
  /** route Ctrl-C to this function (the command in the foreground) */
  onInterrupt(fn: () => void): void;
  /** lines entered at the shell prompt, oldest first; the arrow keys walk it */
  history: string[];
  /** the window size the client last sent (remotecommand's resize channel); `stty size` prints it */
  size?: {rows: number; cols: number};
  /**
   * set by a shell waiting at its prompt: draw the prompt and the line being typed again, as ash's line editor
   * does on SIGWINCH (what makes the prompt appear when `kubectl attach` resizes the terminal)
   */
  redraw?: (line: string) => void;
}

/**
 * The terminal's cooked mode, on the "pod" side of `kubectl exec -it`: kubectl puts the local terminal in raw mode
 * and sends every keystroke, so echo, erase, Ctrl-C, Ctrl-D and line buffering happen here, as a kernel tty would.
 */
export class LineDiscipline {
  /** complete lines for whatever runs in the foreground (the shell, or cat) */
  readonly input = new Pipe();
  private line = '';
  private escape = 0;
  private csi = '';
  /** where the arrow keys are in history; history.length means "the line being typed" */
  private cursor = -1;

  constructor(
    private readonly echo: (s: string) => void,
    private readonly interrupt: () => void,
    private readonly history: string[] = [],
  ) {}

  /** the line typed so far, not yet entered */
  get pending(): string {
    return this.line;
  }

  /** replace the line being edited (history recall), redrawing it as a line editor does */
  private replaceLine(next: string): void {
    this.echo('\b \b'.repeat([...this.line].length) + next);
    this.line = next;
  }

  private arrow(key: string): void {
    if (this.cursor < 0 || this.cursor > this.history.length) this.cursor = this.history.length;
    if (key === 'A' && this.cursor > 0) this.replaceLine(this.history[--this.cursor]!);
    else if (key === 'B' && this.cursor < this.history.length) {
      this.cursor++;
      this.replaceLine(this.history[this.cursor] ?? '');
    }
  }

  feed(data: Buffer): void {
    for (const ch of data.toString('utf8')) {
      if (this.escape > 0) {
        // swallow cursor keys and other CSI sequences: ESC [ ... final byte
        if (this.escape === 1 && ch !== '[' && ch !== 'O') this.escape = 0;
        else if (this.escape === 2 && /[@-~]/.test(ch)) {
          this.escape = 0;
          if (this.csi === '' && (ch === 'A' || ch === 'B')) this.arrow(ch);
        } else if (this.escape === 2) this.csi += ch;
        else {
          this.escape = 2;
          this.csi = '';
        }
        continue;
      }
      switch (ch) {
        case '\x1b':
          this.escape = 1;
          break;
        case '\x03':
          this.echo('^C\r\n');
          this.line = '';
          this.interrupt();
          break;
        case '\x04':
          if (this.line === '') this.input.close();
          else {
            this.input.write(this.line);
            this.line = '';
          }
          break;
        case '\x7f':
        case '\b':
          if (this.line) {
            this.line = [...this.line].slice(0, -1).join('');
            this.echo('\b \b');
          }
          break;
        case '\x15':
          this.echo('\b \b'.repeat([...this.line].length));
          this.line = '';
          break;
        case '\r':
        case '\n':
          this.echo('\r\n');
          this.input.write(`${this.line}\n`);
          this.line = '';
          this.cursor = -1;
          break;
        default:
          if (ch >= ' ' || ch === '\t') {
            this.line += ch;
            this.echo(ch);
          }
      }
    }
  }

  close(): void {
    this.input.close();
  }
}
