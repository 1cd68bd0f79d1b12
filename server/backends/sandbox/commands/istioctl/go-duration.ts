/**
 * Go's time.ParseDuration (src/time/format.go, go1.25): an optional sign, then one or more decimal numbers each with
 * a unit (ns, us, µs, μs, ms, s, m, h), or "0"; the same error texts. Returns nanoseconds.
 */
const UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** strconv.Quote for the texts a flag holds: quotes, backslashes and control characters escaped */
const quote = (s: string) => JSON.stringify(s);

const MAX = 2 ** 63;

export function parseGoDuration(orig: string): number {
  const invalid = () => new Error(`time: invalid duration ${quote(orig)}`);
  let s = orig;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw invalid();
  let total = 0;
  while (s !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const [all, whole = '', frac] = number;
    if (whole === '' && (frac === undefined || frac === '')) throw invalid();
    s = s.slice(all.length);
    const unit = /^[^.\d]*/.exec(s)![0];
    if (unit === '') throw new Error(`time: missing unit in duration ${quote(orig)}`);
    s = s.slice(unit.length);
    const scale = UNITS[unit];
    if (scale === undefined) throw new Error(`time: unknown unit ${quote(unit)} in duration ${quote(orig)}`);
    total += Number(`${whole || '0'}.${frac ?? '0'}`) * scale;
    if (total > MAX) throw invalid();
  }
  return neg ? -total : total;
}
