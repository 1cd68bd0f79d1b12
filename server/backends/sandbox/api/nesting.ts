import {Lexer} from 'yaml';

/**
 * How deeply a request body nests, found by scanning its text before anything parses it. Go's encoding/json,
 * which the apiserver decodes with, stops at 10000 levels ("exceeded max depth"); our parsers and every recursive
 * walk after them (clone, merge, validation, printing) would overflow the stack long before that, and V8 can end
 * the whole process instead of throwing when that happens while it compiles a regular expression. So bodies are
 * refused past MAX_NESTING, far deeper than any real manifest (CRD schemas reach a few dozen levels).
 */
export const MAX_NESTING = 256;

/** the bracket that opens one level too many in a JSON text, or undefined; strings are skipped */
export function jsonTooDeep(text: string, max = MAX_NESTING): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return text[i];
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return undefined;
}

/**
 * Whether a YAML text may nest deeper than max, from the yaml package's own lexer (linear, no recursion, exact
 * about quotes, comments and block scalars). An upper bound, never an under-count: per line, its indentation
 * (a block level indents at least one more column), the indicators that open a level on that line (`-`, `?`,
 * `:`) and the flow brackets still open.
 */
export function yamlMayBeTooDeep(text: string, max = MAX_NESTING): boolean {
  let flow = 0;
  let line = 0;
  let lineStart = true;
  for (const lexeme of new Lexer().lex(text)) {
    if (lexeme === '\n') {
      line = 0;
      lineStart = true;
      continue;
    }
    if (lineStart && /^[ \t]+$/.test(lexeme)) line += lexeme.length;
    else if (lexeme === '[' || lexeme === '{') flow++;
    else if (lexeme === ']' || lexeme === '}') flow = Math.max(0, flow - 1);
    else if (lexeme === '-' || lexeme === '?' || lexeme === ':') line++;
    lineStart = false;
    if (line + flow > max) return true;
  }
  return false;
}
