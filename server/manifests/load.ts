/**
 * The step manifests as the site build wrote them (src/remark/steps-plugin.ts, one `<locale>/<pageId>.json` per
 * page under MANIFEST_DIR): the server, `lab run` and the Playwright suite read these, so they run exactly the steps
 * the built pages show, with the versions the build resolved. Nothing here parses MDX.
 */
import {existsSync} from 'node:fs';
import {readdir, readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {z} from 'zod';
import {locale as localeSchema, type Locale} from '../../src/core/protocol/messages';
import type {PageManifest} from '../../src/core/steps/types';
import type {ManifestIndex} from '../engine/types';

export interface ManifestSet extends ManifestIndex {
  all(): PageManifest[];
}

export class ManifestError extends Error {}

const outputCheck = z.object({
  kind: z.enum(['contains', 'not-contains', 'regex', 'like']),
  pattern: z.string(),
});

const stepSpec = z.object({
  id: z.string().min(1),
  lang: z.string(),
  command: z.string().min(1),
  timeoutMs: z.number().int().positive(),
  exitCode: z.number().int().nullable(),
  expect: z.array(outputCheck),
  verify: z
    .object({
      command: z.string().min(1),
      exitCode: z.number().int(),
      expect: z.array(outputCheck),
      timeoutMs: z.number().int().positive(),
    })
    .optional(),
});

const pageManifest = z.object({
  pageId: z.string().min(1),
  locale: localeSchema,
  title: z.string(),
  source: z.string().min(1),
  sidebarPosition: z.number().optional(),
  steps: z.array(stepSpec),
}) satisfies z.ZodType<PageManifest>;

const LOCALES: readonly Locale[] = localeSchema.options;

/**
 * Reads every manifest under `manifestDir`. With `repoRoot`, a manifest whose source file is gone (a page deleted
 * since the build) is left out. Throws a ManifestError that says what to do when there are none or one is bad.
 */
export async function loadManifests(manifestDir: string, repoRoot?: string): Promise<ManifestSet> {
  const byLocale = new Map<Locale, PageManifest[]>();
  let files = 0;
  for (const locale of LOCALES) {
    const pages: PageManifest[] = [];
    for (const file of await listJson(join(manifestDir, locale))) {
      files++;
      const manifest = await readManifest(file, locale);
      if (repoRoot !== undefined && !existsSync(join(repoRoot, manifest.source))) continue;
      pages.push(manifest);
    }
    pages.sort(
      (a, b) =>
        (a.sidebarPosition ?? Number.POSITIVE_INFINITY) - (b.sidebarPosition ?? Number.POSITIVE_INFINITY) ||
        a.source.localeCompare(b.source),
    );
    byLocale.set(locale, pages);
  }
  if (files === 0) {
    throw new ManifestError(
      `no step manifests in ${manifestDir}: the site build writes them; build it with \`npm run lab -- build\``,
    );
  }
  return manifestIndex(byLocale);
}

export function manifestIndex(byLocale: Map<Locale, PageManifest[]>): ManifestSet {
  return {
    get: (locale, pageId) => byLocale.get(locale)?.find((page) => page.pageId === pageId),
    pages: (locale) => byLocale.get(locale) ?? [],
    all: () => [...byLocale.values()].flat(),
  };
}

async function readManifest(file: string, locale: Locale): Promise<PageManifest> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ManifestError(`${file}: not a step manifest (${(error as Error).message}); rebuild the site`);
  }
  const parsed = pageManifest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ManifestError(
      `${file}: not a step manifest (${issue?.path.join('.') || 'manifest'}: ${issue?.message}); rebuild the site`,
    );
  }
  if (parsed.data.locale !== locale) {
    throw new ManifestError(`${file}: says locale "${parsed.data.locale}" but lies under ${locale}/; rebuild the site`);
  }
  return parsed.data;
}

async function listJson(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, {withFileTypes: true, recursive: true});
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
