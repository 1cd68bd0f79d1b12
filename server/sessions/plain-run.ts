/**
 * Plain text in terminal output: printable characters, CR, LF, TAB, BS and BEL, and nothing that changes a mode
 * (no ESC, no other C0 or C1 control). A run of it only writes characters, moves the cursor and scrolls, so once it
 * holds more line feeds than a terminal has rows, scrollback included, its beginning has scrolled out of reach:
 * the replay terminal parses only its tail (replay-terminal.ts). That is what keeps a `yes` flood cheap.
 */

/** any character isSpecial() is true for */
const SPECIAL = /[\x00-\x06\x0b\x0c\x0e-\x1f\x80-\x9f]/;

/** true for a UTF-16 code unit that can change terminal state beyond printing, moving the cursor and scrolling */
function isSpecial(code: number): boolean {
  if (code < 0x20) return code !== 0x0a && code !== 0x0d && code !== 0x09 && code !== 0x08 && code !== 0x07;
  return code >= 0x80 && code <= 0x9f; // C1 controls (8-bit CSI, OSC, ...)
}

/**
 * Where the plain text that ends `data` begins: after its last escape sequence and its last other control. `data`
 * holds no unfinished sequence (see unfinishedEscapeStart), so the parser is back in its ground state there.
 * data.length when unsure (an 8-bit C1 control, a sequence broken by a control inside it).
 */
export function plainSuffixStart(data: string): number {
  // bulk output is mostly all plain: one native scan says so (the loop below looks at every character in JS)
  if (!SPECIAL.test(data)) return 0;
  let from = 0;
  for (let i = data.length - 1; i >= 0; i--) {
    const code = data.charCodeAt(i);
    if (!isSpecial(code)) continue;
    if (code >= 0x80) return data.length;
    from = i + 1;
    break;
  }
  const esc = data.lastIndexOf('\x1b');
  return esc === -1 ? from : Math.max(from, sequenceEnd(data, esc));
}

/** index just past the escape sequence at `esc`, the last ESC in data; data.length when it does not end cleanly */
function sequenceEnd(data: string, esc: number): number {
  const kind = data[esc + 1];
  if (kind === undefined) return data.length;
  if (kind === '\\') return esc + 2; // ST, ending a string
  if (kind === ']') {
    // OSC: its ST would be a later ESC, so only BEL can have ended it
    const bel = data.indexOf('\x07', esc + 2);
    return bel === -1 ? data.length : bel + 1;
  }
  if (kind === 'P' || kind === '_' || kind === '^' || kind === 'X') return data.length; // DCS, APC...: ST only
  let i = esc + 1;
  let final = [0x30, 0x7e]; // ESC [intermediates] final
  if (kind === '[') {
    i = esc + 2;
    while (i < data.length && data.charCodeAt(i) >= 0x30 && data.charCodeAt(i) <= 0x3f) i++; // parameters
    final = [0x40, 0x7e];
  }
  while (i < data.length && data.charCodeAt(i) >= 0x20 && data.charCodeAt(i) <= 0x2f) i++; // intermediates
  const code = data.charCodeAt(i);
  return code >= final[0]! && code <= final[1]! ? i + 1 : data.length;
}

export function countLineFeeds(data: string): number {
  let n = 0;
  for (let i = data.indexOf('\n'); i !== -1; i = data.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Where to start a plain run so that at least `lineFeeds` line feeds remain, at a line start (just after CR LF: the
 * cursor is then in column 0 whatever came before); -1 when the run has no such point.
 */
export function tailStart(run: string, lineFeeds: number): number {
  let at = run.length;
  for (let n = 0; n < lineFeeds; n++) {
    at = run.lastIndexOf('\n', at - 1);
    if (at < 2) return -1;
  }
  // a CR LF wholly before that line feed, so the tail keeps it
  const crlf = run.lastIndexOf('\r\n', at - 2);
  return crlf === -1 ? -1 : crlf + 2;
}
