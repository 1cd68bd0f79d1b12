/** The shape of a parsed `sh -c` line: lists of and-or chains of pipelines of simple commands. */

/** a piece of a word: literal text, a parameter ($X, ${X}, ${X:-d}, $?), or a command substitution $(…) */
export type WordPart =
  | {kind: 'lit'; text: string; quoted: boolean}
  | {kind: 'param'; name: string; fallback?: Word; quoted: boolean}
  | {kind: 'subst'; script: string; quoted: boolean}
  | {kind: 'arith'; expr: string; quoted: boolean};

export interface Word {
  parts: WordPart[];
}

export interface Redirect {
  fd: number;
  op: '>' | '>>' | '<' | '>&';
  /** a file word, or for ">&" the fd it duplicates */
  target: Word | number;
}

export interface SimpleCommand {
  kind: 'simple';
  assigns: {name: string; value: Word}[];
  words: Word[];
  redirects: Redirect[];
}

export interface ForCommand {
  kind: 'for';
  name: string;
  /** undefined: `for x; do` iterates the positional parameters (none here) */
  words: Word[];
  body: Script;
}

export interface LoopCommand {
  kind: 'while' | 'until';
  condition: Script;
  body: Script;
}

export interface IfCommand {
  kind: 'if';
  branches: {condition: Script; body: Script}[];
  orElse?: Script;
}

export interface SubshellCommand {
  kind: 'subshell';
  body: Script;
}

export type Command = SimpleCommand | ForCommand | LoopCommand | IfCommand | SubshellCommand;

export interface Pipeline {
  negate: boolean;
  commands: Command[];
}

export interface AndOr {
  first: Pipeline;
  rest: {op: '&&' | '||'; pipeline: Pipeline}[];
}

export type Script = AndOr[];

export class ShellSyntaxError extends Error {}
