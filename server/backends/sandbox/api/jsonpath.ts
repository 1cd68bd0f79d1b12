/**
 * The JSONPath subset CRD additionalPrinterColumns use: `.a.b`, `.a[0]`, `.a[*].b`,
 * `.a[?(@.type=="Ready")].status`. Returns every match; callers join or take the first.
 */
export function jsonPathValues(obj: unknown, path: string): unknown[] {
  let cur: unknown[] = [obj];
  const re =
    /\.([A-Za-z0-9_$-]+)|\['([^']+)'\]|\[(\*|-?\d+)\]|\[\?\(@\.([A-Za-z0-9_.-]+)\s*(==|!=)\s*["']?([^"')]*)["']?\)\]/g;
  const p = path.replace(/^\{|\}$/g, '').replace(/^\$/, '');
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(p))) {
    if (m.index !== consumed) return [];
    consumed = re.lastIndex;
    const next: unknown[] = [];
    for (const v of cur) {
      if (m[1] !== undefined || m[2] !== undefined) {
        const k = (m[1] ?? m[2])!;
        if (v && typeof v === 'object' && !Array.isArray(v) && k in v) next.push((v as Record<string, unknown>)[k]);
      } else if (m[3] !== undefined) {
        if (!Array.isArray(v)) continue;
        if (m[3] === '*') next.push(...v);
        else {
          const i = Number(m[3]);
          const e = v[i < 0 ? v.length + i : i];
          if (e !== undefined) next.push(e);
        }
      } else if (Array.isArray(v)) {
        for (const e of v) {
          const got = jsonPathValues(e, '.' + m[4]!)[0];
          if ((String(got) === m[6]) === (m[5] === '==')) next.push(e);
        }
      }
    }
    cur = next;
  }
  return consumed === p.length ? cur : [];
}
