/** What `lab start` prints on stdout (logs go to stderr). */
import type {BackendName} from '../backends/types';

/** What `lab start` prints once it listens: a few lines for a person, the URL last so it is easy to find and click. */
export function startBanner(
  backend: BackendName,
  host: string,
  token: 'kept' | 'created' | 'rotated' | 'replaced' | undefined,
  stateDir: string,
  url: string,
): string {
  const tokenLine =
    token === 'kept'
      ? `The token is the one of the last start (kept in ${stateDir}); open tabs reconnect by themselves.`
      : token === 'rotated'
        ? 'A new token: tabs opened with an earlier URL need this one.'
        : token === undefined
          ? 'The token comes from LAB_TOKEN.'
          : `A new token, kept in ${stateDir} for the next start (--new-token makes another).`;
  return [
    '',
    `Ambient Lab is running (${backend} backend${isLoopbackName(host) ? '' : `, listening on ${host}`}).`,
    tokenLine,
    'Press Ctrl+C to stop.',
    '',
    `Open ${url}`,
    '',
  ].join('\n');
}

function isLoopbackName(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1';
}
