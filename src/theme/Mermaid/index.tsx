/**
 * Mermaid diagrams, rendered one at a time. The theme's own component renders every diagram of a page at once and
 * renders each again when the colour mode settles (light during hydration, then dark): Mermaid is one mutable
 * singleton (`initialize` then an async `render`), so overlapping renders spoil each other and some diagrams came out
 * empty on a full load in dark mode. Here renders are queued, each gets its own element id, and a result that a newer
 * render has replaced is dropped.
 */
import React, {useEffect, useRef, useState, type ReactNode} from 'react';
import ErrorBoundary from '@docusaurus/ErrorBoundary';
import {ErrorBoundaryErrorMessageFallback} from '@docusaurus/theme-common';
import {MermaidContainerClassName, useMermaidConfig} from '@docusaurus/theme-mermaid/client';
import {loadMermaid} from '@docusaurus/theme-mermaid/lib/client/loadMermaid.js';
import type {Props} from '@theme/Mermaid';

interface RenderResult {
  svg: string;
  bindFunctions?: (element: Element) => void;
}

let queue: Promise<unknown> = Promise.resolve();
let counter = 0;

/** Renders after every render queued before it: one Mermaid render in flight at a time. */
function renderQueued(text: string, config: object): Promise<RenderResult> {
  const id = `mermaid-svg-${Date.now().toString(36)}-${counter++}`;
  const next = queue.then(async () => {
    const mermaid = await loadMermaid();
    mermaid.initialize(config);
    try {
      return (await mermaid.render(id, text)) as RenderResult;
    } catch (error) {
      // Mermaid leaves an error picture in the DOM when a render fails
      document.querySelector(`#d${id}`)?.remove();
      throw error;
    }
  });
  queue = next.catch(() => undefined);
  return next;
}

function MermaidRenderer({value}: Props): ReactNode {
  const config = useMermaidConfig();
  const [result, setResult] = useState<RenderResult | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let current = true;
    renderQueued(value, config).then(
      (rendered) => {
        if (current) setResult(rendered);
      },
      (error: unknown) => {
        if (current)
          setResult(() => {
            throw error; // to the error boundary
          });
      },
    );
    return () => {
      current = false;
    };
  }, [value, config]);
  useEffect(() => {
    if (result && ref.current) result.bindFunctions?.(ref.current);
  }, [result]);
  if (!result) return null;
  return <div ref={ref} className={MermaidContainerClassName} dangerouslySetInnerHTML={{__html: result.svg}} />;
}

export default function Mermaid(props: Props): ReactNode {
  return (
    <ErrorBoundary fallback={(params) => <ErrorBoundaryErrorMessageFallback {...params} />}>
      <MermaidRenderer {...props} />
    </ErrorBoundary>
  );
}
