/** Which tutorial pages an e2e run covers: all, or those named in E2E_PAGES (comma-separated page ids). */
import {join} from 'node:path';
import type {Locale} from '../../src/core/protocol/messages';
import {MANIFEST_DIR, type PageManifest} from '../../src/core/steps/types';
import type {ManifestIndex} from '../../server/engine/types';
import {loadManifests, type ManifestSet} from '../../server/manifests/load';

/**
 * The step manifests of the site under test, as the server reads them. Playwright starts the lab server (which
 * builds the site when it is out of date) before it loads the specs, so they are there and current.
 */
export function siteManifests(): Promise<ManifestSet> {
  return loadManifests(join(process.cwd(), MANIFEST_DIR), process.cwd());
}

export function selectedPages(
  manifests: ManifestIndex,
  locale: Locale,
  env: NodeJS.ProcessEnv = process.env,
): PageManifest[] {
  const all = manifests.pages(locale);
  const wanted = env.E2E_PAGES?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!wanted?.length) return all;
  const unknown = wanted.filter((id) => !all.some((m) => m.pageId === id));
  if (unknown.length) throw new Error(`E2E_PAGES names pages that do not exist: ${unknown.join(', ')}`);
  return all.filter((m) => wanted.includes(m.pageId));
}
