/**
 * The part of Go's text/template that `docker inspect -f` / `docker ps --format` users type: `{{.A.B}}`,
 * `{{json .A}}`, `{{index .A "key"}}`, `{{range .A}}…{{end}}` (over maps and lists, `.` the element), `{{.}}`,
 * and `{{"\n"}}`-style string literals. Anything else is Go's parse error text.
 */
type Value = unknown;

export class TemplateError extends Error {}

function lookup(dot: Value, path: string): Value {
  if (path === '.') return dot;
  let v: Value = dot;
  for (const part of path.split('.').slice(1)) {
    if (v === null || typeof v !== 'object') throw new TemplateError(`can't evaluate field ${part} in type string`);
    if (!(part in (v as Record<string, Value>)))
      throw new TemplateError(`template: :1: map has no entry for key "${part}"`);
    v = (v as Record<string, Value>)[part];
  }
  return v;
}

/** Go's default printing of a value (%v): maps as map[k:v], lists as [a b] */
function print(v: Value): string {
  if (v === null || v === undefined) return '<no value>';
  if (Array.isArray(v)) return `[${v.map(print).join(' ')}]`;
  if (typeof v === 'object')
    return `map[${Object.keys(v as object)
      .sort()
      .map((k) => `${k}:${print((v as Record<string, Value>)[k])}`)
      .join(' ')}]`;
  return String(v);
}

function evalPipeline(expr: string, dot: Value): Value {
  const e = expr.trim();
  const str = /^"((?:[^"\\]|\\.)*)"$/.exec(e);
  if (str) return JSON.parse(`"${str[1]}"`) as string;
  if (e === '.' || e.startsWith('.')) return lookup(dot, e);
  const json = /^json\s+(\S+)$/.exec(e);
  if (json) return JSON.stringify(lookup(dot, json[1]!));
  const index = /^index\s+(\S+)\s+"([^"]*)"$/.exec(e);
  if (index) {
    const base = lookup(dot, index[1]!);
    return base && typeof base === 'object' ? (base as Record<string, Value>)[index[2]!] : undefined;
  }
  throw new TemplateError(`template: :1: function "${e.split(/\s+/)[0]}" not defined`);
}

export function renderTemplate(tpl: string, dot: Value): string {
  let out = '';
  let i = 0;
  while (i < tpl.length) {
    const open = tpl.indexOf('{{', i);
    if (open < 0) {
      out += tpl.slice(i);
      break;
    }
    out += tpl.slice(i, open);
    const close = tpl.indexOf('}}', open);
    if (close < 0) throw new TemplateError('template: :1: unclosed action');
    const action = tpl.slice(open + 2, close).trim();
    i = close + 2;
    const range = /^range\s+(\S+)$/.exec(action);
    if (range) {
      // find the matching {{end}}, counting nested ranges
      let depth = 1;
      let j = i;
      let bodyEnd = -1;
      while (depth > 0) {
        const o = tpl.indexOf('{{', j);
        if (o < 0) throw new TemplateError('template: :1: unexpected EOF');
        const c = tpl.indexOf('}}', o);
        const a = tpl.slice(o + 2, c).trim();
        if (a.startsWith('range ')) depth++;
        if (a === 'end') depth--;
        if (depth === 0) bodyEnd = o;
        j = c + 2;
      }
      const body = tpl.slice(i, bodyEnd);
      const over = lookup(dot, range[1]!);
      const items = Array.isArray(over)
        ? over
        : over && typeof over === 'object'
          ? Object.keys(over)
              .sort()
              .map((k) => (over as Record<string, Value>)[k])
          : [];
      for (const item of items) out += renderTemplate(body, item);
      i = j;
      continue;
    }
    if (action === 'end') throw new TemplateError('template: :1: unexpected {{end}}');
    out += print(evalPipeline(action, dot));
  }
  return out;
}
