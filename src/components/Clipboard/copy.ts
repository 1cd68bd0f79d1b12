/**
 * Copy text from a click, wherever the site is served. The Clipboard API exists only in a secure context (HTTPS or
 * localhost); a workshop on a LAN address over plain HTTP has none, so the copy falls back to the old way (a hidden
 * textarea and `execCommand('copy')`, copy-text-to-clipboard), and when that fails too the caller selects the text
 * and asks for Ctrl+C.
 */
import copyTextToClipboard from 'copy-text-to-clipboard';

export type CopyOutcome = 'copied' | 'manual';

export async function copyText(text: string): Promise<CopyOutcome> {
  if (window.isSecureContext && navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return 'copied';
    } catch {
      // refused (permissions, the document lost focus): the old way may still work
    }
  }
  try {
    return copyTextToClipboard(text) ? 'copied' : 'manual';
  } catch {
    return 'manual';
  }
}

/** Select the text of `element` so that Ctrl+C (⌘C) copies it: the last way when no copy works. */
export function selectContents(element: Element): void {
  const selection = window.getSelection();
  if (!selection) return;
  const range = document.createRange();
  range.selectNodeContents(element);
  selection.removeAllRanges();
  selection.addRange(range);
}

/** "Ctrl+C", or "⌘C" on a Mac */
export function copyShortcut(): string {
  return /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent) ? '⌘C' : 'Ctrl+C';
}
