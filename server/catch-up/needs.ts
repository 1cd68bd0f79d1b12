/**
 * What a page needs from earlier pages (src/core/steps/requirements.ts), checked against the learner: the cluster and
 * its namespaces and the directories, looked up now (probe.ts); a variable, met when a step that sets it passed in
 * this very shell (a new shell has none of them). Also the plan "Catch me up" would run.
 */
import type {Locale, PageNeed, ProgressSnapshot, StepRefMessage} from '../../src/core/protocol/messages';
import {shellEffects} from '../../src/core/steps/shell-effects';
import {WalkthroughFacts, type Need} from '../../src/core/steps/requirements';
import type {ManifestIndex} from '../engine/types';
import type {VerifyRunner} from '../engine/verify-runner';
import {probeLearnerState, type LearnerState} from './probe';

const factsCache = new WeakMap<ManifestIndex, Map<Locale, WalkthroughFacts>>();

export function walkthroughFacts(manifests: ManifestIndex, locale: Locale): WalkthroughFacts {
  let byLocale = factsCache.get(manifests);
  if (!byLocale) factsCache.set(manifests, (byLocale = new Map()));
  let facts = byLocale.get(locale);
  if (!facts) byLocale.set(locale, (facts = new WalkthroughFacts(manifests.pages(locale))));
  return facts;
}

export interface PageNeeds {
  needs: PageNeed[];
  plan: StepRefMessage[];
}

/**
 * @param shell the session whose shell counts for variables
 * @param progress the learner's progress (which steps passed in which shell)
 */
export async function pageNeeds(options: {
  manifests: ManifestIndex;
  locale: Locale;
  pageId: string;
  runVerify: VerifyRunner;
  progress: ProgressSnapshot;
  shell: string;
}): Promise<PageNeeds> {
  const facts = walkthroughFacts(options.manifests, options.locale);
  const direct = facts.needsOf(options.pageId);
  if (direct.length === 0) return {needs: [], plan: []};
  // probe for everything catch-up might consider, not only this page's needs: the plan looks further back
  const everything = options.manifests
    .pages(options.locale)
    .flatMap((page) => facts.needsOf(page.pageId))
    .filter((need) => need.kind === 'directory')
    .map((need) => need.name);
  const state = await probeLearnerState(options.runVerify, {
    cluster: true,
    directories: [...new Set(everything)],
  });
  const met = metBy(state, options);
  return {
    needs: direct.map((need) => ({...need, met: met(need)})),
    plan: direct.every(met) ? [] : facts.catchUpPlan(options.pageId, met),
  };
}

function metBy(
  state: LearnerState,
  options: {manifests: ManifestIndex; locale: Locale; progress: ProgressSnapshot; shell: string},
): (need: Pick<Need, 'kind' | 'name'>) => boolean {
  // variables set in this shell: by steps that passed here
  const inShell = new Set<string>();
  for (const page of options.manifests.pages(options.locale)) {
    for (const step of page.steps) {
      const result = options.progress[page.pageId]?.[step.id];
      if (result?.status === 'passed' && result.shell === options.shell) {
        for (const name of shellEffects(step.command).sets) inShell.add(name);
      }
    }
  }
  return (need) => {
    switch (need.kind) {
      case 'cluster':
        return state.cluster;
      case 'namespace':
        return state.namespaces.has(need.name);
      case 'directory':
        return state.directories.has(need.name);
      case 'variable':
        return inShell.has(need.name);
    }
  };
}
