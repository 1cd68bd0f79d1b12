/**
 * pino's JSON lines as a person reads them, for a terminal: `12:01:02 INFO  lab server listening  backend=sandbox`.
 * Used when stderr is a TTY (createLogger); piped or redirected, the log stays JSON for machines.
 */

const LEVELS: Record<number, {name: string; color: string}> = {
  10: {name: 'TRACE', color: '\x1b[90m'},
  20: {name: 'DEBUG', color: '\x1b[90m'},
  30: {name: 'INFO ', color: '\x1b[36m'},
  40: {name: 'WARN ', color: '\x1b[33m'},
  50: {name: 'ERROR', color: '\x1b[31m'},
  60: {name: 'FATAL', color: '\x1b[41m'},
};
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';
/** written on every line already, or not worth a person's attention */
const OMITTED = new Set(['level', 'time', 'msg', 'name', 'pid', 'hostname']);

export interface LineSink {
  write(text: string): unknown;
}

/** One JSON log line → one readable line (several for an error's stack). Text that is not JSON passes through. */
export function prettyLine(line: string, color: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : line + '\n';
  }
  const paint = (code: string, text: string) => (color ? `${code}${text}${RESET}` : text);
  const level = LEVELS[Number(entry.level)] ?? {name: String(entry.level ?? '?').padEnd(5), color: ''};
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : new Date().toTimeString().slice(0, 8);
  const fields: string[] = [];
  let stack = '';
  for (const [key, value] of Object.entries(entry)) {
    if (OMITTED.has(key) || value === undefined) continue;
    if (key === 'err' && value && typeof value === 'object') {
      const err = value as {message?: unknown; stack?: unknown};
      fields.push(`err=${JSON.stringify(String(err.message ?? ''))}`);
      if (Number(entry.level) >= 50 && typeof err.stack === 'string') stack = err.stack;
      continue;
    }
    fields.push(`${key}=${typeof value === 'string' && !/[\s"=]/.test(value) ? value : JSON.stringify(value)}`);
  }
  const text = `${paint(DIM, time)} ${paint(level.color, level.name)} ${String(entry.msg ?? '')}${
    fields.length > 0 ? '  ' + paint(DIM, fields.join(' ')) : ''
  }\n`;
  return stack ? text + paint(DIM, stack.replace(/^/gm, '    ')) + '\n' : text;
}

/** A pino destination that writes pretty lines to `sink` (stderr). */
export function prettyDestination(sink: LineSink, color: boolean): {write(chunk: string): void} {
  return {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line !== '') sink.write(prettyLine(line, color));
    },
  };
}
