/**
 * Which page and locale a doc file is: the same id Docusaurus gives the doc, so the site, the manifest and the
 * server agree. `docs/before-you-begin.mdx` -> en/before-you-begin;
 * `i18n/ko/docusaurus-plugin-content-docs/current/before-you-begin.mdx` -> ko/before-you-begin.
 * Like Docusaurus, number prefixes (`01-intro.mdx`) are dropped and front matter `id` replaces the file name.
 */
import type {Locale} from '../core/protocol/messages';

export interface PageRef {
  locale: Locale;
  pageId: string;
}

const LOCALES: readonly Locale[] = ['en', 'ko'];
const PAGE_ID = /^[a-z0-9][a-z0-9/_-]*$/;

/** `path` is relative to the site root (forward or back slashes); null when it is not under a docs root. */
export function pageRefOf(path: string, frontMatterId?: unknown): PageRef | null {
  const rel = path.replace(/\\/g, '/').replace(/^\.\//, '');
  let locale: Locale = 'en';
  let inDocs: string | undefined;
  const translated = /(?:^|\/)i18n\/([^/]+)\/docusaurus-plugin-content-docs\/current\/(.+)$/.exec(rel);
  if (translated) {
    const candidate = translated[1] as Locale;
    if (!LOCALES.includes(candidate)) return null;
    locale = candidate;
    inDocs = translated[2];
  } else {
    const docs = /(?:^|\/)docs\/(.+)$/.exec(rel);
    inDocs = docs?.[1];
  }
  if (inDocs === undefined || !/\.mdx?$/.test(inDocs)) return null;
  const segments = inDocs
    .replace(/\.mdx?$/, '')
    .split('/')
    .map(stripNumberPrefix);
  if (typeof frontMatterId === 'string' && frontMatterId !== '') segments[segments.length - 1] = frontMatterId;
  return {locale, pageId: segments.join('/')};
}

export function isValidPageId(pageId: string): boolean {
  return PAGE_ID.test(pageId);
}

function stripNumberPrefix(segment: string): string {
  // Docusaurus' default numberPrefixParser: "01-intro" / "1. intro" / "01_intro" -> "intro"
  const stripped = segment.replace(/^\d+\s*[-_.]+\s*/, '');
  return stripped === '' ? segment : stripped;
}
