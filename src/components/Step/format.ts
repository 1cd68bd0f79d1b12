/** Durations as a learner reads them: "40 ms" (precise), "0.4 s", "12.3 s", "1 m 05 s" (English) and "0.4초", "1분 5초" (Korean). */
export function formatDuration(ms: number, locale: string, {precise = false}: {precise?: boolean} = {}): string {
  const safe = Math.max(0, ms);
  const ko = locale === 'ko';
  // a finished step that took under a second: "40 ms" says more than "0.0 s"
  if (precise && safe < 1000) return `${Math.round(safe)} ms`;
  if (safe < 60_000) {
    const seconds = (safe / 1000).toFixed(1);
    return ko ? `${seconds}초` : `${seconds} s`;
  }
  const totalSeconds = Math.round(safe / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return ko ? `${minutes}분 ${seconds}초` : `${minutes} m ${String(seconds).padStart(2, '0')} s`;
}

/** A running step's time so far, in whole seconds: "0 s", "12 s", "1 m 05 s" (English), "12초", "1분 5초" (Korean). */
export function formatElapsed(ms: number, locale: string): string {
  const safe = Math.max(0, ms);
  if (safe >= 60_000) return formatDuration(safe, locale);
  const seconds = Math.floor(safe / 1000);
  return locale === 'ko' ? `${seconds}초` : `${seconds} s`;
}
