/**
 * The docs URL of a page id in the locale shown (`install-istio` → `/ko/docs/install-istio`), from the docs plugin's
 * global data, so slugs and the locale prefix come out as the site builds them.
 */
import {useCallback} from 'react';
import {useAllDocsData} from '@docusaurus/plugin-content-docs/client';

export function useDocPath(): (pageId: string) => string | undefined {
  const all = useAllDocsData();
  return useCallback(
    (pageId: string) => {
      for (const plugin of Object.values(all)) {
        for (const version of plugin.versions) {
          const doc = version.docs.find((d) => d.id === pageId);
          if (doc) return doc.path;
        }
      }
      return undefined;
    },
    [all],
  );
}

/** Scroll a step of the page shown into view once it is rendered (after a navigation it may not be yet). */
export function scrollToStep(stepId: string | undefined, timeoutMs = 5000): () => void {
  let frame = 0;
  const started = performance.now();
  const tick = () => {
    const selector = stepId ? `[data-testid="step"][data-step-id="${CSS.escape(stepId)}"]` : 'article';
    const element = document.querySelector(selector);
    if (element) {
      element.scrollIntoView({block: 'center', behavior: 'smooth'});
      return;
    }
    if (performance.now() - started < timeoutMs) frame = requestAnimationFrame(tick);
  };
  frame = requestAnimationFrame(tick);
  return () => cancelAnimationFrame(frame);
}
