/**
 * Reads every doc page of both locales from disk and derives its steps with the same extraction the site build
 * uses (src/remark/extract-steps), so the server, the runner and the tests see exactly the steps the page shows.
 */
import {readdir, readFile} from 'node:fs/promises';
import {join, relative} from 'node:path';
import type {Root} from 'mdast';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import {unified} from 'unified';
import type {Locale} from '../../src/core/protocol/messages';
import type {PageManifest} from '../../src/core/steps/types';
import {extractSteps, formatErrors} from '../../src/remark/extract-steps';
import {splitFrontMatter} from '../../src/remark/front-matter';
import {isValidPageId, pageRefOf} from '../../src/remark/page-ref';
import type {ManifestIndex} from '../engine/types';

export const DOCS_ROOTS: Record<Locale, string> = {
  en: 'docs',
  ko: 'i18n/ko/docusaurus-plugin-content-docs/current',
};

export interface CollectedManifests extends ManifestIndex {
  all(): PageManifest[];
}

export class ManifestError extends Error {}

interface Collected {
  manifest: PageManifest;
  /** front matter sidebar_position; pages without one come after, by path */
  position: number;
}

/** Parses every .md/.mdx of docs/ and the Korean docs; throws one ManifestError listing every bad step. */
export async function collectManifests(repoRoot: string): Promise<CollectedManifests> {
  const problems: string[] = [];
  const byLocale = new Map<Locale, PageManifest[]>();
  for (const locale of Object.keys(DOCS_ROOTS) as Locale[]) {
    const files = await listDocs(join(repoRoot, DOCS_ROOTS[locale]));
    const pages: Collected[] = [];
    for (const file of files) {
      const source = relative(repoRoot, file).replace(/\\/g, '/');
      const collected = await collectPage(file, source, problems);
      if (collected) pages.push(collected);
    }
    pages.sort((a, b) => a.position - b.position || a.manifest.source.localeCompare(b.manifest.source));
    byLocale.set(
      locale,
      pages.map((page) => page.manifest),
    );
  }
  if (problems.length > 0) throw new ManifestError(`bad steps in the docs:\n${problems.join('\n')}`);
  return manifestIndex(byLocale);
}

export function manifestIndex(byLocale: Map<Locale, PageManifest[]>): CollectedManifests {
  return {
    get: (locale, pageId) => byLocale.get(locale)?.find((page) => page.pageId === pageId),
    pages: (locale) => byLocale.get(locale) ?? [],
    all: () => [...byLocale.values()].flat(),
  };
}

async function collectPage(file: string, source: string, problems: string[]): Promise<Collected | null> {
  const {data, body} = splitFrontMatter(await readFile(file, 'utf8'));
  let tree: Root;
  try {
    tree = unified().use(remarkParse).use(remarkMdx).parse(body);
  } catch (error) {
    const place = (error as {line?: number}).line ?? 0;
    problems.push(`${source}:${place}: cannot parse as MDX: ${(error as Error).message}`);
    return null;
  }
  const page = extractSteps(tree, data);
  if (page.errors.length > 0) {
    problems.push(formatErrors(source, page.errors));
    return null;
  }
  const ref = pageRefOf(source, data.id);
  if (!ref || !isValidPageId(ref.pageId)) {
    problems.push(`${source}:1: the page id "${ref?.pageId ?? source}" must be lower-case (a-z, 0-9, -, /)`);
    return null;
  }
  const position = typeof data.sidebar_position === 'number' ? data.sidebar_position : Number.POSITIVE_INFINITY;
  return {
    manifest: {...ref, title: page.title, source, steps: page.steps.map((step) => step.spec)},
    position,
  };
}

async function listDocs(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, {withFileTypes: true, recursive: true});
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isFile() && /\.mdx?$/.test(entry.name) && !entry.name.startsWith('_'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
