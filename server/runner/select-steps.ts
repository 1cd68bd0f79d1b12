/**
 * Which steps a headless run goes through: every page of the locale in sidebar order, or one page, optionally
 * cut to a range of step ids (`--from`, `--to`, inclusive). A range bound is `step-id` (its first occurrence)
 * or `page-id/step-id`. Unknown pages or steps are errors that list what exists.
 */
import type {PageManifest, StepSpec} from '../../src/core/steps/types';

export interface PlannedStep {
  page: PageManifest;
  step: StepSpec;
}

export class SelectionError extends Error {}

export function selectSteps(
  pages: PageManifest[],
  options: {page?: string; from?: string; to?: string},
): PlannedStep[] {
  let chosen = pages;
  if (options.page !== undefined) {
    const page = pages.find((candidate) => candidate.pageId === options.page);
    if (!page) {
      throw new SelectionError(
        `unknown page "${options.page}"; pages: ${pages.map((p) => p.pageId).join(', ') || '(none)'}`,
      );
    }
    chosen = [page];
  }
  const plan = chosen.flatMap((page) => page.steps.map((step) => ({page, step})));
  const start = options.from === undefined ? 0 : indexOf(plan, options.from, '--from');
  const end = options.to === undefined ? plan.length - 1 : indexOf(plan, options.to, '--to');
  if (end < start) throw new SelectionError(`--to ${options.to} comes before --from ${options.from}`);
  return plan.slice(start, end + 1);
}

function indexOf(plan: PlannedStep[], ref: string, option: string): number {
  const slash = ref.lastIndexOf('/');
  const pageId = slash >= 0 ? ref.slice(0, slash) : undefined;
  const stepId = slash >= 0 ? ref.slice(slash + 1) : ref;
  const index = plan.findIndex(
    (entry) => entry.step.id === stepId && (pageId === undefined || entry.page.pageId === pageId),
  );
  if (index < 0) {
    const known = plan.map((entry) => `${entry.page.pageId}/${entry.step.id}`).join(', ');
    throw new SelectionError(`${option} ${ref}: no such step; steps: ${known || '(none)'}`);
  }
  return index;
}
