/**
 * The outline of a locale's walkthrough, for the page's sidebar marks: every page in order with its step ids, and
 * which steps leave something in the shell. Computed once per manifest index and locale.
 */
import type {Locale, OutlinePage} from '../../src/core/protocol/messages';
import {changesShell, shellEffects} from '../../src/core/steps/shell-effects';
import type {ManifestIndex} from '../engine/types';

const cache = new WeakMap<ManifestIndex, Map<Locale, OutlinePage[]>>();

export function outlineOf(manifests: ManifestIndex, locale: Locale): OutlinePage[] {
  let byLocale = cache.get(manifests);
  if (!byLocale) cache.set(manifests, (byLocale = new Map()));
  let outline = byLocale.get(locale);
  if (!outline) {
    outline = manifests.pages(locale).map((page) => ({
      pageId: page.pageId,
      title: page.title,
      steps: page.steps.map((step) => ({id: step.id, changesShell: changesShell(shellEffects(step.command))})),
    }));
    byLocale.set(locale, outline);
  }
  return outline;
}
