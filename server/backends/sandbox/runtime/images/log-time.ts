/** Timestamp formats the real images use in their start-up and access logs. */

const p2 = (n: number) => String(n).padStart(2, '0');

/** Go slog / RFC 3339 with milliseconds: 2025-01-23T10:00:00.123Z */
export const rfc3339Millis = (d: Date) => d.toISOString();

/** logrus: time="2025-01-23T10:00:00Z" */
export const rfc3339Seconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** gunicorn: [2025-01-23 10:00:00 +0000] */
export const gunicornTime = (d: Date) =>
  `[${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000]`;

/** nginx error log: 2025/01/23 10:00:00 */
export const nginxTime = (d: Date) =>
  `${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;

/** klog header: I0123 10:00:00.123456       1 file.go:42] */
export const klog = (d: Date, level: 'I' | 'W' | 'E', where: string) => {
  const micros = String(d.getUTCMilliseconds() * 1000).padStart(6, '0');
  return `${level}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${micros}       1 ${where}]`;
};

/** a later moment in a start-up sequence, so lines are not all stamped the same millisecond */
export const after = (d: Date, ms: number) => new Date(d.getTime() + ms);
