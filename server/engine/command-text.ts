/**
 * How a step's command text is compared with the command lines the shell reports (from `history 1`):
 * line continuations joined, comment-only and blank lines dropped (bash may not report them as commands),
 * whitespace collapsed. A step with several command lines is reported as several commands, so the engine
 * consumes the normalised step text part by part.
 */
export function normalizeCommand(text: string): string {
  return text
    .replace(/\r/g, '')
    .replace(/\\\n/g, '')
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^\s*#/.test(line))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * What remains of `pending` once `reported` (a normalised command line) has run, or null when `reported` is not
 * the next part of it.
 */
export function consumeCommand(pending: string, reported: string): string | null {
  if (reported === '') return null;
  if (pending === reported) return '';
  if (pending.startsWith(reported + ' ')) return pending.slice(reported.length + 1);
  return null;
}
