import { Pipe } from './streams';

/**
 * The terminal's cooked mode, on the "pod" side of `kubectl exec -it`: kubectl puts the local terminal in raw mode
 * and sends every keystroke, so echo, erase, Ctrl-C, Ctrl-D and line buffering happen here, as a kernel tty would.
 */
export class LineDiscipline {
  /** complete lines for whatever runs in the foreground (the shell, or cat) */
  readonly input = new Pipe();
  private line = '';
  private escape = 0;

  constructor(private readonly echo: (s: string) => void, private readonly interrupt: () => void) {}

  feed(data: Buffer): void {
    for (const ch of data.toString('utf8')) {
      if (this.escape > 0) {
        // swallow cursor keys and other CSI sequences: ESC [ ... final byte
        if (this.escape === 1 && ch !== '[' && ch !== 'O') this.escape = 0;
        else if (this.escape === 2 && /[@-~]/.test(ch)) this.escape = 0;
        else this.escape = 2;
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
