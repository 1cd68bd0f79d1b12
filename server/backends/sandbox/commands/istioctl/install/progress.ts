/**
 * The install progress lines (operator/pkg/util/progress/progress.go, written by cheggaaa/pb to stderr): one status
 * line for the components in flight — on a terminal rewritten in place, otherwise a new line only when the text
 * changes — and a persisted line per finished component (`✔ Istiod installed 🧠`) and for the end state.
 */
import {painter, type Output} from '../command';
import {COMPONENTS, type ComponentName} from './install-config';

export class ProgressLog {
  private last = '';
  private readonly c;

  constructor(
    private readonly out: Output,
    private readonly tty: boolean,
  ) {
    this.c = painter(tty);
  }

  /** "- Processing resources for CNI, Istiod, Ztunnel. Waiting for DaemonSet/istio-system/istio-cni-node, ..." */
  status(inFlight: ComponentName[], waiting: string[]): void {
    if (!inFlight.length) return;
    const comps = inFlight.map((n) => COMPONENTS[n].title).sort();
    let msg = `Processing resources for ${comps.join(', ')}.`;
    if (waiting.length) msg += ` Waiting for ${[...waiting].sort().join(', ')}`;
    const line = `${this.c.yellow('-')} ${msg}`;
    if (line === this.last) return;
    this.last = line;
    this.out.write(this.tty ? `\r\x1b[K${line}` : `${line}\n`);
  }

  finished(name: ComponentName): void {
    this.persist(`${this.c.green('✔')} ${COMPONENTS[name].title} installed ${COMPONENTS[name].icon}`);
  }

  failed(name: ComponentName, err: string): void {
    this.persist(`${this.c.red('✘')} ${COMPONENTS[name].title} encountered an error: ${err}`);
  }

  /** "✔ Installation complete" / "✔ Uninstall complete" */
  done(text: string): void {
    this.persist(`${this.c.green('✔')} ${text}`);
  }

  private persist(line: string): void {
    this.last = '';
    this.out.write(this.tty ? `\r\x1b[K${line}\n` : `${line}\n`);
  }
}
