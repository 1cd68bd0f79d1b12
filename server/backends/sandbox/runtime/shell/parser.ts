import {
  ShellSyntaxError,
  type AndOr,
  type Command,
  type Pipeline,
  type Redirect,
  type Script,
  type SimpleCommand,
  type Word,
  type WordPart,
} from './ast';

type Token =
  {t: 'word'; word: Word; raw: string} | {t: 'op'; op: string} | {t: 'redir'; fd: number; op: Redirect['op']};

const OPS = ['&&', '||', ';;', '|', ';', '&', '\n', '(', ')'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const WORD_END = ' \t\n;&|<>()';

/** split a line into words (keeping quoting, for expansion later), operators and redirections, as POSIX sh does */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const redir = /^(\d?)(>>|>&|>|<)/.exec(src.slice(i));
    if (redir) {
      const op = redir[2] as Redirect['op'];
      out.push({t: 'redir', fd: redir[1] ? Number(redir[1]) : op === '<' ? 0 : 1, op});
      i += redir[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) {
      out.push({t: 'op', op: op === '\n' ? ';' : op});
      i += op.length;
      continue;
    }
    const start = i;
    const parts: WordPart[] = [];
    i = readWord(src, i, parts);
    out.push({t: 'word', word: {parts}, raw: src.slice(start, i)});
  }
  return out;
}

function pushLit(parts: WordPart[], text: string, quoted: boolean) {
  const last = parts[parts.length - 1];
  if (last && last.kind === 'lit' && last.quoted === quoted) last.text += text;
  else parts.push({kind: 'lit', text, quoted});
}

/** the index of the ")" that closes a "(" whose contents start at i */
function closeParen(src: string, i: number): number {
  let depth = 1;
  let q: string | null = null;
  for (; i < src.length; i++) {
    const c = src[i]!;
    if (q) {
      if (c === q) q = null;
      else if (c === '\\' && q === '"') i++;
      continue;
    }
    if (c === "'" || c === '"') q = c;
    else if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  throw new ShellSyntaxError('Syntax error: end of file unexpected (expecting ")")');
}

function readDollar(src: string, i: number, parts: WordPart[], quoted: boolean): number {
  // i points at "$"
  const rest = src.slice(i + 1);
  if (rest.startsWith('((')) {
    const end = closeParen(src, i + 3);
    if (src[end + 1] !== ')') throw new ShellSyntaxError('Syntax error: missing "))"');
    parts.push({kind: 'arith', expr: src.slice(i + 3, end), quoted});
    return end + 2;
  }
  if (rest.startsWith('(')) {
    const end = closeParen(src, i + 2);
    parts.push({kind: 'subst', script: src.slice(i + 2, end), quoted});
    return end + 1;
  }
  if (rest.startsWith('{')) {
    const end = src.indexOf('}', i + 2);
    if (end < 0) throw new ShellSyntaxError("Syntax error: Missing '}'");
    const body = src.slice(i + 2, end);
    const m = /^([A-Za-z_][A-Za-z0-9_]*|[?$#0-9])(?::?-(.*))?$/s.exec(body);
    if (!m) throw new ShellSyntaxError(`\${${body}}: bad substitution`);
    const fallback = m[2] !== undefined ? {parts: readAll(m[2])} : undefined;
    parts.push({kind: 'param', name: m[1]!, fallback, quoted});
    return end + 1;
  }
  const special = /^[?$#0-9]/.exec(rest);
  if (special) {
    parts.push({kind: 'param', name: special[0], quoted});
    return i + 2;
  }
  const name = NAME.exec(rest);
  if (name) {
    parts.push({kind: 'param', name: name[0], quoted});
    return i + 1 + name[0].length;
  }
  pushLit(parts, '$', quoted);
  return i + 1;
}

function readAll(src: string): WordPart[] {
  const parts: WordPart[] = [];
  let i = 0;
  while (i < src.length) {
    if (src[i] === '$') i = readDollar(src, i, parts, false);
    else {
      pushLit(parts, src[i]!, false);
      i++;
    }
  }
  return parts;
}

function readWord(src: string, i: number, parts: WordPart[]): number {
  while (i < src.length) {
    const c = src[i]!;
    if (WORD_END.includes(c)) break;
    if (c === "'") {
      const end = src.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError('Syntax error: Unterminated quoted string');
      pushLit(parts, src.slice(i + 1, end), true);
      i = end + 1;
    } else if (c === '"') {
      i++;
      pushLit(parts, '', true);
      for (;;) {
        if (i >= src.length) throw new ShellSyntaxError('Syntax error: Unterminated quoted string');
        const d = src[i]!;
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\' && '$`"\\\n'.includes(src[i + 1] ?? '')) {
          pushLit(parts, src[i + 1]!, true);
          i += 2;
        } else if (d === '$') i = readDollar(src, i, parts, true);
        else {
          pushLit(parts, d, true);
          i++;
        }
      }
    } else if (c === '\\') {
      if (i + 1 < src.length && src[i + 1] !== '\n') pushLit(parts, src[i + 1]!, true);
      i += 2;
    } else if (c === '$') {
      i = readDollar(src, i, parts, false);
    } else {
      pushLit(parts, c, false);
      i++;
    }
  }
  return i;
}

const KEYWORDS = new Set(['do', 'done', 'then', 'else', 'elif', 'fi', 'in']);

/** parse a script; throws ShellSyntaxError with dash/ash-like wording */
export function parse(src: string): Script {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const text = (tok: Token | undefined) =>
    tok ? (tok.t === 'op' ? tok.op : tok.t === 'redir' ? tok.op : tok.raw) : '';
  const unexpected = (tok: Token | undefined, expecting?: string) =>
    new ShellSyntaxError(
      `Syntax error: ${tok ? `"${text(tok) === ';' ? ';' : text(tok)}" unexpected` : 'end of file unexpected'}${expecting ? ` (expecting "${expecting}")` : ''}`,
    );
  const isWord = (tok: Token | undefined, w: string) => tok?.t === 'word' && tok.raw === w;
  const isOp = (tok: Token | undefined, o: string) => tok?.t === 'op' && tok.op === o;
  const skipSeparators = () => {
    while (isOp(peek(), ';') || isOp(peek(), '&')) p++;
  };
  const expectWord = (w: string) => {
    skipSeparators();
    if (!isWord(peek(), w)) throw unexpected(peek(), w);
    p++;
  };

  function simple(): SimpleCommand {
    const cmd: SimpleCommand = {kind: 'simple', assigns: [], words: [], redirects: []};
    for (;;) {
      const tok = peek();
      if (!tok || tok.t === 'op') break;
      p++;
      if (tok.t === 'redir') {
        const next = toks[p++];
        if (!next || next.t !== 'word') throw unexpected(next);
        if (tok.op === '>&') {
          if (!/^\d$/.test(next.raw)) throw new ShellSyntaxError(`${next.raw}: bad file descriptor`);
          cmd.redirects.push({fd: tok.fd, op: '>&', target: Number(next.raw)});
        } else cmd.redirects.push({fd: tok.fd, op: tok.op, target: next.word});
        continue;
      }
      const assign = cmd.words.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.exec(tok.raw);
      if (assign) {
        const name = assign[0].slice(0, -1);
        // drop "NAME=" from the first literal part
        const parts = structuredClone(tok.word.parts);
        const first = parts[0];
        if (first && first.kind === 'lit') first.text = first.text.slice(name.length + 1);
        cmd.assigns.push({name, value: {parts}});
      } else cmd.words.push(tok.word);
    }
    if (cmd.words.length === 0 && cmd.assigns.length === 0 && cmd.redirects.length === 0) throw unexpected(peek());
    return cmd;
  }

  function command(): Command {
    const tok = peek();
    if (isOp(tok, '(')) {
      p++;
      const body = list(new Set());
      if (!isOp(peek(), ')')) throw unexpected(peek(), ')');
      p++;
      return {kind: 'subshell', body};
    }
    if (tok?.t === 'word' && KEYWORDS.has(tok.raw)) throw unexpected(tok);
    if (isWord(tok, 'for')) {
      p++;
      const name = peek();
      if (name?.t !== 'word' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name.raw))
        throw new ShellSyntaxError(`Syntax error: Bad for loop variable`);
      p++;
      const words: Word[] = [];
      if (isWord(peek(), 'in')) {
        p++;
        while (peek()?.t === 'word') words.push((toks[p++] as {word: Word}).word);
      }
      expectWord('do');
      const body = list(new Set(['done']));
      expectWord('done');
      return {kind: 'for', name: name.raw, words, body};
    }
    if (isWord(tok, 'while') || isWord(tok, 'until')) {
      p++;
      const condition = list(new Set(['do']));
      expectWord('do');
      const body = list(new Set(['done']));
      expectWord('done');
      return {kind: (tok as {raw: string}).raw as 'while' | 'until', condition, body};
    }
    if (isWord(tok, 'if')) {
      p++;
      const branches: {condition: Script; body: Script}[] = [];
      let orElse: Script | undefined;
      for (;;) {
        const condition = list(new Set(['then']));
        expectWord('then');
        const body = list(new Set(['elif', 'else', 'fi']));
        branches.push({condition, body});
        skipSeparators();
        if (isWord(peek(), 'elif')) {
          p++;
          continue;
        }
        if (isWord(peek(), 'else')) {
          p++;
          orElse = list(new Set(['fi']));
        }
        expectWord('fi');
        return {kind: 'if', branches, orElse};
      }
    }
    return simple();
  }

  function pipeline(): Pipeline {
    let negate = false;
    if (isWord(peek(), '!')) {
      negate = true;
      p++;
    }
    const commands = [command()];
    while (isOp(peek(), '|')) {
      p++;
      commands.push(command());
    }
    return {negate, commands};
  }

  function andOr(): AndOr {
    const first = pipeline();
    const rest: AndOr['rest'] = [];
    for (;;) {
      const tok = peek();
      if (tok?.t !== 'op' || (tok.op !== '&&' && tok.op !== '||')) break;
      p++;
      while (isOp(peek(), ';') && (toks[p - 1] as {op?: string}).op !== ';') p++;
      rest.push({op: tok.op, pipeline: pipeline()});
    }
    return {first, rest};
  }

  /** and-or lists separated by ; & or newlines, up to one of `stops` (a keyword at command position), ")" or the end */
  function list(stops: Set<string>): Script {
    const script: Script = [];
    for (;;) {
      const tok = peek();
      if (!tok || isOp(tok, ')')) break;
      if (tok.t === 'word' && stops.has(tok.raw)) break;
      if (isOp(tok, ';') || isOp(tok, '&')) {
        if (script.length === 0 && p === 0) throw unexpected(tok);
        p++;
        continue;
      }
      script.push(andOr());
      const after = peek();
      if (
        after &&
        !isOp(after, ';') &&
        !isOp(after, '&') &&
        !isOp(after, ')') &&
        !(after.t === 'word' && stops.has(after.raw))
      )
        throw unexpected(after);
    }
    return script;
  }

  const script = list(new Set());
  if (p < toks.length) throw unexpected(peek());
  return script;
}
