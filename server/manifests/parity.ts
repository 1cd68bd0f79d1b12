/**
 * English and Korean pages must run the same steps: same pages, and on each page the same step ids, commands
 * and checks in the same order (only the prose is translated). Returns the first difference, worded so an
 * author knows which file to fix, or null.
 */
import type {PageManifest, StepSpec} from '../../src/core/steps/types';

export function firstParityDifference(en: PageManifest[], ko: PageManifest[]): string | null {
  const koById = new Map(ko.map((page) => [page.pageId, page]));
  const enIds = new Set(en.map((page) => page.pageId));
  for (const page of en) {
    if (!koById.has(page.pageId)) return `page "${page.pageId}" (${page.source}) has no Korean version`;
  }
  for (const page of ko) {
    if (!enIds.has(page.pageId)) return `page "${page.pageId}" (${page.source}) has no English version`;
  }
  for (const enPage of en) {
    const koPage = koById.get(enPage.pageId)!;
    const count = Math.max(enPage.steps.length, koPage.steps.length);
    for (let i = 0; i < count; i++) {
      const a = enPage.steps[i];
      const b = koPage.steps[i];
      const where = `page "${enPage.pageId}", step ${i + 1}`;
      if (!a) return `${where}: ${koPage.source} has an extra step "${b!.id}"`;
      if (!b) return `${where}: ${koPage.source} is missing step "${a.id}" (${enPage.source})`;
      const field = differingField(a, b);
      if (field) {
        return `${where} ("${a.id}"): ${field} differs\n  en (${enPage.source}): ${show(a, field)}\n  ko (${koPage.source}): ${show(b, field)}`;
      }
    }
  }
  return null;
}

type Field = 'id' | 'command' | 'lang' | 'timeoutMs' | 'exitCode' | 'expect' | 'verify';
const FIELDS: Field[] = ['id', 'command', 'lang', 'timeoutMs', 'exitCode', 'expect', 'verify'];

function differingField(a: StepSpec, b: StepSpec): Field | null {
  return FIELDS.find((field) => JSON.stringify(a[field] ?? null) !== JSON.stringify(b[field] ?? null)) ?? null;
}

function show(step: StepSpec, field: Field): string {
  return JSON.stringify(step[field] ?? null);
}
