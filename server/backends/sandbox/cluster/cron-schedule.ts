/**
 * Standard 5-field cron schedules as the CronJob controller parses them (robfig/cron/v3 ParseStandard, which
 * k8s v1.31 pkg/controller/cronjob uses): minute hour day-of-month month day-of-week, with `*`, `a-b`, `a,b`, `/n`,
 * month and weekday names, `?`, and the @yearly/@monthly/@weekly/@daily/@midnight/@hourly descriptors. When both
 * day fields are restricted a day matches either (cron's rule). Times are UTC (a k3s node's clock in k3d).
 */
export interface CronSchedule {
  /** the first scheduled instant strictly after t (ms), or undefined if none within five years */
  next(t: number): number | undefined;
}

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function field(
  src: string,
  min: number,
  max: number,
  names: string[] = [],
  nameBase = 0,
): {set: Set<number>; star: boolean} {
  const set = new Set<number>();
  const num = (s: string): number => {
    const i = names.indexOf(s.toLowerCase());
    const n = i >= 0 ? i + nameBase : Number(s);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`failed to parse int from ${s}`);
    return n;
  };
  const star = src === '*' || src === '?';
  for (const part of src.split(',')) {
    const [range, stepRaw] = part.split('/') as [string, string | undefined];
    const step = stepRaw === undefined ? 1 : Number(stepRaw);
    if (!Number.isInteger(step) || step <= 0) throw new Error(`failed to parse int from ${stepRaw}`);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') [lo, hi] = [min, max];
    else if (range.includes('-')) [lo, hi] = range.split('-').map(num) as [number, number];
    else [lo, hi] = [num(range), stepRaw === undefined ? num(range) : max];
    if (lo > hi) throw new Error(`beginning of range (${lo}) beyond end of range (${hi})`);
    for (let v = lo; v <= hi; v += step) set.add(v);
  }
  return {set, star};
}

/** parse a schedule; throws with robfig's wording on a bad one */
export function parseCron(spec: string): CronSchedule {
  const text = DESCRIPTORS[spec.trim()] ?? spec.trim();
  const f = text.split(/\s+/);
  if (f.length !== 5) throw new Error(`expected exactly 5 fields, found ${f.length}: [${f.join(' ')}]`);
  const minute = field(f[0]!, 0, 59).set;
  const hour = field(f[1]!, 0, 23).set;
  const dom = field(f[2]!, 1, 31);
  const month = field(f[3]!, 1, 12, MONTHS, 1).set;
  const dow = field(f[4]!, 0, 7, DAYS, 0);
  if (dow.set.has(7)) dow.set.add(0);
  const dayMatches = (d: Date) => {
    const a = dom.set.has(d.getUTCDate());
    const b = dow.set.has(d.getUTCDay());
    if (dom.star || dow.star) return a && b;
    return a || b;
  };
  return {
    next(t) {
      const d = new Date(Math.floor(t / 60_000) * 60_000 + 60_000);
      const limit = t + 5 * 366 * 86_400_000;
      while (d.getTime() <= limit) {
        if (!month.has(d.getUTCMonth() + 1)) {
          d.setUTCMonth(d.getUTCMonth() + 1, 1);
          d.setUTCHours(0, 0, 0, 0);
        } else if (!dayMatches(d)) {
          d.setUTCDate(d.getUTCDate() + 1);
          d.setUTCHours(0, 0, 0, 0);
        } else if (!hour.has(d.getUTCHours())) {
          d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
        } else if (!minute.has(d.getUTCMinutes())) {
          d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
        } else return d.getTime();
      }
      return undefined;
    },
  };
}
