/**
 * Front matter outside Docusaurus: remark-parse alone would read `---` blocks as a rule and a heading, so the
 * collector splits them off first. The block is replaced by as many empty lines, keeping line numbers in
 * errors true to the file.
 */
import {parse} from 'yaml';

export interface SplitFrontMatter {
  data: Record<string, unknown>;
  /** the document with the front matter blanked out (same line count) */
  body: string;
}

const BLOCK = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?=\r?\n|$)/;

export function splitFrontMatter(source: string): SplitFrontMatter {
  const match = BLOCK.exec(source);
  if (!match) return {data: {}, body: source};
  const parsed: unknown = parse(match[1] ?? '');
  const data = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  const blank = '\n'.repeat(match[0].split('\n').length - 1);
  return {data, body: blank + source.slice(match[0].length)};
}
