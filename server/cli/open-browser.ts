/** `lab start --open`: hand the URL to the desktop's opener. Best effort: the URL is printed anyway. */
import {execFile} from 'node:child_process';

export function openBrowser(url: string): void {
  const [file, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  execFile(file, args, {timeout: 10_000}, () => {
    // no browser, no desktop: nothing to do, the URL is on the screen
  });
}
