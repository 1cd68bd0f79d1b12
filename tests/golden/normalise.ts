/**
 * Normalises a terminal transcript so that a real one and the sandbox's can be compared line by line. It replaces
 * ONLY what legitimately differs between two runs of the same command: random name suffixes, IP addresses and
 * ephemeral ports, ages and durations, timestamps, UIDs and request ids, byte and request counters, PIDs, versions,
 * and the column widths and whitespace runs that follow from those. Everything else (words, statuses, column
 * names, field names, flags, exit codes, well-known ports) must match.
 *
 * The rules are listed in order in RULES; each is unit-tested in tests/unit/golden-normalise.test.ts.
 */
import {normalizeOutput} from '../../src/core/steps/matcher';

/** Kubernetes' random-name alphabet (k8s.io/apimachinery/pkg/util/rand): no vowels, no 0, 1 or 3. */
const K8S_RAND = '[bcdfghjklmnpqrstvwxz2456789]';

export interface Rule {
  name: string;
  pattern: RegExp;
  replace: string | ((match: string, ...groups: string[]) => string);
}

/** Linux's default ephemeral port range starts here (net.ipv4.ip_local_port_range 32768-60999). */
const EPHEMERAL_PORT = 32768;

/** The token rules, applied in this order to every line (tables: to every cell). */
export const RULES: readonly Rule[] = [
  {name: 'uuid', pattern: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, replace: '<uuid>'},
  {
    name: 'timestamp',
    pattern: /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g,
    replace: '<time>',
  },
  {name: 'elapsed (logrus)', pattern: /\b(INFO|WARN|ERRO|FATA|DEBU)\[\d{4}\]/g, replace: '$1[<t>]'},
  {
    name: 'ipv4 with port',
    pattern: /\b(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})\b/g,
    replace: (_m, _ip: string, port: string) => `<ip>:${Number(port) >= EPHEMERAL_PORT ? '<port>' : port}`,
  },
  {name: 'ipv4', pattern: /\b\d{1,3}(?:\.\d{1,3}){3}(\/\d{1,2})?\b/g, replace: '<ip>$1'},
  // k3s names a LoadBalancer's svclb DaemonSet after the Service and the first 8 hex digits of its UID
  {
    name: 'svclb pod (uid prefix)',
    pattern: new RegExp(`\\b(svclb-[a-z0-9-]+?)-[0-9a-f]{8}-${K8S_RAND}{5}\\b`, 'g'),
    replace: '$1-<uid>-<id>',
  },
  {
    name: 'generated pod name (deployment)',
    pattern: new RegExp(`\\b([a-z0-9][a-z0-9-]*?)-${K8S_RAND}{6,10}-${K8S_RAND}{5}\\b`, 'g'),
    replace: '$1-<rs>-<pod>',
  },
  {
    name: 'generated name suffix',
    pattern: new RegExp(`\\b([a-z0-9][a-z0-9-]*?)-${K8S_RAND}{5}\\b`, 'g'),
    replace: '$1-<id>',
  },
  {name: 'byte counters (ztunnel)', pattern: /\b(bytes_sent|bytes_recv)=\d+/g, replace: '$1=<n>'},
  {name: 'duration (ztunnel)', pattern: /\bduration="\d+ms"/g, replace: 'duration="<ms>"'},
  {
    name: 'counters and durations (Envoy access log)',
    pattern: /^(\[<time>\] "[^"]*" \d{3} \S+ \S+ \S+ "[^"]*") \d+ \d+ \d+ (?:\d+|(-))(?= )/,
    replace: (_m, head: string, dash: string | undefined) => `${head} <n> <n> <n> ${dash ?? '<n>'}`,
  },
  {name: 'upstream service time', pattern: /\b(x-envoy-upstream-service-time:) \d+$/i, replace: '$1 <n>'},
  {name: 'content length', pattern: /\b(content-length:) \d+$/i, replace: '$1 <n>'},
  {name: 'proxy count', pattern: /\(\d+ prox(y|ies)\)/g, replace: '(<n> proxies)'},
  {name: 'pid', pattern: /\bpid=\d+\b/g, replace: 'pid=<pid>'},
  {
    name: 'version',
    pattern:
      /(?<![\w.-]|HTTP\/)v?\d+\.\d+(?:\.\d+)?(?:-(?:alpha|beta|rc)[.\w]*|[-+][0-9A-Za-z][0-9A-Za-z.+-]*)?(?![\w.])/g,
    replace: (m: string) => (/^v?\d+\.\d+$/.test(m) && !m.startsWith('v') ? m : '<version>'),
  },
  {name: 'long hex (hashes, serials, commits)', pattern: /\b[0-9a-f]{16,}\b/g, replace: '<hex>'},
];

/** Applies RULES to one line or cell. */
export function normaliseTokens(text: string): string {
  let out = text;
  for (const rule of RULES) out = out.replace(rule.pattern, rule.replace as never);
  return out;
}

/** An age as kubectl prints it (`45s`, `2m10s`, `5d`, `<invalid>`, `<unknown>`), in a table cell. */
const AGE = /^(?:\d+(?:ms|s|m|h|d|y))+$|^<invalid>$|^<unknown>$/;
/** Table columns whose values are counters by nature. */
const COUNTER_COLUMNS = new Set(['PID', 'TIME']);

/** A table header: two or more upper-case column names (`NAME`, `PORT(S)`, `UP-TO-DATE`, `POD NAME`). */
const HEADER = /^[A-Z][A-Z0-9()_./-]*(?: +[A-Z][A-Z0-9()_./-]*)+$/;

export function isTableHeader(line: string): boolean {
  return HEADER.test(line);
}

/**
 * Splits the lines of one table (header first) into cells. A column starts where the header has a word that is
 * preceded by a position blank in every line (so `POD NAME` over `details-v1-...` stays one column); the last
 * column runs to the end of the line.
 */
export function splitTable(lines: string[]): string[][] {
  const header = lines[0] ?? '';
  const blankEverywhere = (p: number) => lines.every((l) => p >= l.length || l[p] === ' ');
  const starts: number[] = [0];
  for (let p = 1; p < header.length; p++) {
    if (header[p] !== ' ' && header[p - 1] === ' ' && blankEverywhere(p - 1)) starts.push(p);
  }
  return lines.map((line) => starts.map((s, i) => line.slice(s, starts[i + 1] ?? line.length).trim()));
}

function normaliseTable(lines: string[]): string[] {
  const cells = splitTable(lines);
  const names = cells[0] ?? [];
  return cells.map((row, r) => {
    const out = row.map((cell, c) => {
      if (r === 0) return cell;
      if (COUNTER_COLUMNS.has(names[c] ?? '') && /^[\d:]+$/.test(cell)) return '<n>';
      const tokens = normaliseTokens(cell);
      return AGE.test(tokens) ? '<age>' : tokens;
    });
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    return out.join('  ');
  });
}

/** Collapses runs of blanks inside a line (tabs of pasted logs, tabwriter padding) but keeps its indentation. */
function collapseBlanks(line: string): string {
  const indent = /^[ \t]*/.exec(line)![0].replace(/\t/g, '    ');
  return indent + line.slice(/^[ \t]*/.exec(line)![0].length).replace(/[ \t]+/g, ' ');
}

/**
 * The normalised lines of a transcript: ANSI codes, `\r` and trailing blanks removed (as the step checks do),
 * tables re-flowed cell by cell, every other line's blank runs collapsed, then the token RULES.
 */
export function normaliseOutput(text: string): string[] {
  const lines = normalizeOutput(text).split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    const line = lines[i]!;
    if (isTableHeader(line)) {
      let j = i + 1;
      while (j < lines.length && lines[j]!.trim() !== '' && !isTableHeader(lines[j]!)) j++;
      out.push(...normaliseTable(lines.slice(i, j)));
      i = j;
      continue;
    }
    out.push(normaliseTokens(collapseBlanks(line)));
    i++;
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}
