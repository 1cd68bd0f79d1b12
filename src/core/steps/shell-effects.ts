/**
 * What a step's command does to the shell it runs in, read from the command text: the variables it sets (`export X=`,
 * `X=$(...)`, `declare`), whether it changes directory (`cd`, `pushd`), other shell state (aliases, functions, options,
 * sourced files), and the variables it reads that it did not set itself.
 *
 * Such effects live only in that one bash: a new shell (a lab restart, an expired session) has none of them, although
 * the step is still recorded as passed. The page uses this to say which steps need a re-run in a new shell, and which
 * later steps depend on them; catch-up uses it to find what a page needs from the steps before it.
 *
 * A small reading of bash, not a parser: it follows quotes, `$(...)`, subshells `( ... )`, pipelines and background
 * jobs (whose assignments do not reach the shell), heredoc bodies (quoted ones expand nothing) and the reserved words
 * of `if`/`for`/`while`. Platform-free.
 */

export interface ShellEffects {
  /** variables the command leaves set in the shell, in order of first assignment */
  sets: string[];
  /** it changes the shell's working directory */
  cwd: boolean;
  /** other shell state it changes: 'alias', 'function', 'option', 'source', 'unset' */
  other: string[];
  /** variables it reads before (or without) setting them itself, in order of first use */
  reads: string[];
}

/** True when a new shell lacks something this command left in the old one. */
export function changesShell(effects: ShellEffects): boolean {
  return effects.sets.length > 0 || effects.cwd || effects.other.length > 0;
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)(\[[^\]]*\])?\+?=/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DECLARERS = new Set(['export', 'declare', 'typeset', 'readonly', 'local']);
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}', 'time']);

interface Word {
  text: string;
  /** variables this word expands (outside single quotes), in order */
  reads: string[];
}

interface SimpleCommand {
  words: Word[];
  /** runs in a subshell (inside `( )` or `$( )`, in a pipeline, or in the background): nothing it sets persists */
  subshell: boolean;
}

/** Reads the command's shell effects. Never throws: text it cannot follow is read as plainly as it can be. */
export function shellEffects(command: string): ShellEffects {
  const effects: ShellEffects = {sets: [], cwd: false, other: [], reads: []};
  const assigned = new Set<string>();
  const read = (name: string) => {
    if (!assigned.has(name) && !effects.reads.includes(name)) effects.reads.push(name);
  };
  const set = (name: string, persists: boolean) => {
    assigned.add(name);
    if (persists && !effects.sets.includes(name)) effects.sets.push(name);
  };
  const other = (kind: string) => {
    if (!effects.other.includes(kind)) effects.other.push(kind);
  };

  for (const simple of splitCommands(command)) {
    const persists = !simple.subshell;
    const words = [...simple.words];
    while (words.length > 0 && RESERVED.has(words[0]!.text)) words.shift();
    if (words.length === 0) continue;
    // `for NAME in ...`: the loop variable is the step's own business, not state a later step relies on
    if (words[0]!.text === 'for' || words[0]!.text === 'select') {
      for (const word of words.slice(2)) word.reads.forEach(read);
      if (words[1] && NAME.test(words[1].text)) assigned.add(words[1].text);
      continue;
    }
    if (words[0]!.text === 'case') {
      for (const word of words) word.reads.forEach(read);
      continue;
    }
    // leading NAME=value words: assignments; they persist only when no command follows them
    let i = 0;
    const pending: string[] = [];
    while (i < words.length && ASSIGNMENT.test(words[i]!.text)) {
      words[i]!.reads.forEach(read);
      pending.push(ASSIGNMENT.exec(words[i]!.text)![1]!);
      i++;
    }
    const rest = words.slice(i);
    if (rest.length === 0) {
      for (const name of pending) set(name, persists);
      continue;
    }
    for (const word of rest) word.reads.forEach(read);
    const verb = rest[0]!.text;
    if (/^[A-Za-z_][A-Za-z0-9_-]*\(\)$/.test(verb) || verb === 'function') {
      if (persists) other('function');
      continue;
    }
    if (!persists) continue;
    if (DECLARERS.has(verb)) {
      for (const word of rest.slice(1)) {
        if (word.text.startsWith('-')) continue;
        const name = ASSIGNMENT.exec(word.text)?.[1] ?? (NAME.test(word.text) ? word.text : undefined);
        if (name) set(name, verb !== 'local');
      }
    } else if (verb === 'cd' || verb === 'pushd' || verb === 'popd') {
      effects.cwd = true;
    } else if (verb === 'source' || verb === '.') {
      other('source');
    } else if (verb === 'alias' || verb === 'unalias') {
      other('alias');
    } else if (verb === 'set' || verb === 'shopt' || verb === 'umask' || verb === 'ulimit') {
      if (rest.length > 1) other('option');
    } else if (verb === 'unset') {
      other('unset');
    }
  }
  return effects;
}

/**
 * Splits command text into simple commands, marking those that run in a subshell. Heredoc bodies are skipped (an
 * unquoted one still contributes the variables it expands to the command that reads it).
 */
function splitCommands(text: string): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let words: Word[] = [];
  let word: Word | null = null;
  /** `(`-subshell depth */
  let depth = 0;
  /** the current simple command is part of a pipeline (`a | b`) or runs in the background */
  let piped = false;
  const heredocs: Array<{delimiter: string; expands: boolean; strip: boolean; reader: Word}> = [];

  const current = (): Word => (word ??= {text: '', reads: []});
  const flushWord = () => {
    if (word && (word.text !== '' || word.reads.length > 0)) words.push(word);
    word = null;
  };
  const flushCommand = (subshell = false) => {
    flushWord();
    if (words.length > 0) commands.push({words, subshell: subshell || depth > 0 || piped});
    words = [];
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\') {
      if (text[i + 1] !== '\n') current().text += text[i + 1] ?? '';
      else flushWord();
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      current().text += end < 0 ? text.slice(i + 1) : text.slice(i + 1, end);
      i = end < 0 ? text.length : end + 1;
      continue;
    }
    if (c === '"') {
      const w = current();
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') {
          w.text += text[i + 1] ?? '';
          i += 2;
        } else if (text[i] === '$') {
          i = readDollar(text, i, w);
        } else {
          w.text += text[i];
          i++;
        }
      }
      i++;
      continue;
    }
    if (c === '$') {
      i = readDollar(text, i, current());
      continue;
    }
    if (c === '`') {
      const end = text.indexOf('`', i + 1);
      const inner = end < 0 ? text.slice(i + 1) : text.slice(i + 1, end);
      current().reads.push(...readsOf(inner));
      current().text += '`…`';
      i = end < 0 ? text.length : end + 1;
      continue;
    }
    if (c === '#' && word === null) {
      // a comment runs to the end of the line
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === ' ' || c === '\t') {
      flushWord();
      i++;
      continue;
    }
    if (c === '\n') {
      // a line ending in `&&`, `||` or `|` goes on; the command of a finished line ends here
      const before = text.slice(0, i).trimEnd();
      const continued = /(&&|\|\||\|)$/.test(before);
      if (continued) flushWord();
      else {
        flushCommand();
        piped = false;
      }
      i++;
      // heredoc bodies follow the line that opened them
      for (const doc of heredocs.splice(0)) {
        while (i < text.length) {
          const end = text.indexOf('\n', i);
          const raw = end < 0 ? text.slice(i) : text.slice(i, end);
          i = end < 0 ? text.length : end + 1;
          const line = doc.strip ? raw.replace(/^\t+/, '') : raw;
          if (line === doc.delimiter) break;
          if (doc.expands) doc.reader.reads.push(...dollarReads(line));
        }
      }
      continue;
    }
    if (c === '<' && text[i + 1] === '<' && text[i + 2] !== '<') {
      const m = /^<<(-?)\s*(['"]?)([A-Za-z0-9_]+)\2/.exec(text.slice(i));
      if (m) {
        flushWord();
        // the redirection is a word of its command; what the body expands is read by that command
        const reader: Word = {text: '<<', reads: []};
        words.push(reader);
        heredocs.push({delimiter: m[3]!, expands: m[2] === '', strip: m[1] === '-', reader});
        i += m[0].length;
        continue;
      }
    }
    if (c === '(' && text[i + 1] === ')') {
      current().text += '()'; // `name()` of a function definition
      i += 2;
      continue;
    }
    if (c === '(' && word === null) {
      flushCommand();
      depth++;
      i++;
      continue;
    }
    if (c === ')') {
      flushCommand();
      depth = Math.max(0, depth - 1);
      i++;
      continue;
    }
    if ((c === '|' && text[i + 1] === '|') || (c === '&' && text[i + 1] === '&')) {
      flushCommand();
      piped = false;
      i += 2;
      continue;
    }
    if (c === '&' && text[i + 1] === '>') {
      current().text += '&>';
      i += 2;
      continue;
    }
    if (c === '>' && text[i + 1] === '&') {
      current().text += '>&';
      i += 2;
      continue;
    }
    if (c === '&') {
      // a background job: what it sets never reaches the shell
      flushCommand(true);
      piped = false;
      i++;
      continue;
    }
    if (c === '|') {
      flushCommand(true);
      piped = true;
      i++;
      continue;
    }
    if (c === ';') {
      flushCommand();
      piped = false;
      i += text[i + 1] === ';' ? 2 : 1;
      continue;
    }
    current().text += c;
    i++;
  }
  flushCommand();
  return commands;
}

/** Index of the `)` closing the `(` at `open`, skipping quoted text; text.length when unclosed. */
function closingParen(text: string, open: number): number {
  let level = 0;
  for (let j = open; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') j++;
    else if (c === "'") {
      const end = text.indexOf("'", j + 1);
      j = end < 0 ? text.length : end;
    } else if (c === '"') {
      j++;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    } else if (c === '(') level++;
    else if (c === ')' && --level === 0) return j;
  }
  return text.length;
}

/** Reads `$NAME`, `${NAME...}`, `$(...)` or `$((...))` at `i`; records what it expands; returns the next index. */
function readDollar(text: string, i: number, word: Word): number {
  const next = text[i + 1];
  if (next === '(') {
    const close = closingParen(text, i + 1);
    const inner = text.slice(i + 2, close);
    if (inner.startsWith('(')) {
      // arithmetic: bare names are variables too
      for (const m of inner.matchAll(/\$?\{?([A-Za-z_][A-Za-z0-9_]*)/g)) word.reads.push(m[1]!);
    } else {
      word.reads.push(...readsOf(inner));
    }
    word.text += '$(…)';
    return close + 1;
  }
  if (next === '{') {
    const end = text.indexOf('}', i + 2);
    const inner = end < 0 ? text.slice(i + 2) : text.slice(i + 2, end);
    const name = /^[#!]?([A-Za-z_][A-Za-z0-9_]*)/.exec(inner)?.[1];
    if (name) word.reads.push(name);
    word.reads.push(...dollarReads(inner));
    word.text += '${…}';
    return end < 0 ? text.length : end + 1;
  }
  const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
  if (m) {
    word.reads.push(m[0]);
    word.text += '$' + m[0];
    return i + 1 + m[0].length;
  }
  // $?, $!, $$, $1, $@...: not variables a step sets
  word.text += text.slice(i, i + 2);
  return i + 2;
}

/** Variables a piece of command text (a `$( )` body) reads, in order. */
function readsOf(text: string): string[] {
  return splitCommands(text).flatMap((command) => command.words.flatMap((w) => w.reads));
}

function dollarReads(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) names.push(m[1]!);
  return names;
}
