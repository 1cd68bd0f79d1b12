/**
 * A doc link in the sidebar, as the classic theme draws it, plus the page's completion mark from the learner's
 * progress: done (every step passed, none waiting for a re-run in a new shell) or in progress (some step run).
 * The steps of every page come from the server's outline (LabProvider), so pages not yet opened are marked too.
 *
 * Test hook: `[data-testid=sidebar-mark][data-page-id][data-state=done|progress]`.
 */
import React, {type ReactNode} from 'react';
import clsx from 'clsx';
import {ThemeClassNames} from '@docusaurus/theme-common';
import {isActiveSidebarItem} from '@docusaurus/plugin-content-docs/client';
import Link from '@docusaurus/Link';
import isInternalUrl from '@docusaurus/isInternalUrl';
import {translate} from '@docusaurus/Translate';
import IconExternalLink from '@theme/Icon/ExternalLink';
import type {Props} from '@theme/DocSidebarItem/Link';
import {staleInShell, useLab} from '@site/src/components/LabProvider';
import styles from './styles.module.css';

type PageState = 'done' | 'progress' | null;

function usePageState(docId: string | undefined): PageState {
  const lab = useLab();
  const page = docId ? lab.outline?.find((p) => p.pageId === docId) : undefined;
  if (!page || page.steps.length === 0 || !lab.progressLoaded) return null;
  const results = lab.progress[page.pageId] ?? {};
  let passed = 0;
  let touched = false;
  for (const step of page.steps) {
    const result = results[step.id];
    if (!result) continue;
    touched = true;
    if (result.status === 'passed' && !staleInShell(result, step.changesShell, lab.sessionId)) passed++;
  }
  if (passed === page.steps.length) return 'done';
  return touched ? 'progress' : null;
}

function Mark({state, docId}: {state: Exclude<PageState, null>; docId: string}): ReactNode {
  const label =
    state === 'done'
      ? translate({id: 'lab.sidebar.done', message: 'all steps passed', description: 'sidebar mark of a page'})
      : translate({id: 'lab.sidebar.progress', message: 'in progress', description: 'sidebar mark of a page'});
  return (
    <span
      className={clsx(styles.mark, styles[state])}
      data-testid="sidebar-mark"
      data-page-id={docId}
      data-state={state}
      title={label}
    >
      {state === 'done' ? (
        <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
          <path
            d="M3.5 8.5 L6.5 11.5 L12.5 4.5"
            fill="none"
            stroke="currentColor"
            strokeWidth="2.4"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </svg>
      ) : (
        <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
          <circle cx="8" cy="8" r="5.5" fill="none" stroke="currentColor" strokeWidth="2" />
          <path d="M8 2.5 A5.5 5.5 0 0 1 8 13.5 Z" fill="currentColor" />
        </svg>
      )}
      <span className={styles.srOnly}>({label})</span>
    </span>
  );
}

export default function DocSidebarItemLink({item, onItemClick, activePath, level, ...props}: Props): ReactNode {
  const {href, label, className, autoAddBaseUrl} = item;
  const isActive = isActiveSidebarItem(item, activePath);
  const isInternalLink = isInternalUrl(href);
  const docId = item.docId;
  const state = usePageState(docId);
  return (
    <li
      className={clsx(
        ThemeClassNames.docs.docSidebarItemLink,
        ThemeClassNames.docs.docSidebarItemLinkLevel(level),
        'menu__list-item',
        className,
      )}
      key={label}
    >
      <Link
        className={clsx('menu__link', !isInternalLink && styles.menuExternalLink, {
          'menu__link--active': isActive,
        })}
        autoAddBaseUrl={autoAddBaseUrl}
        aria-current={isActive ? 'page' : undefined}
        to={href}
        {...(isInternalLink && {
          onClick: onItemClick ? () => onItemClick(item) : undefined,
        })}
        {...props}
      >
        <span className={styles.linkLabel}>{label}</span>
        {state && docId && <Mark state={state} docId={docId} />}
        {!isInternalLink && <IconExternalLink />}
      </Link>
    </li>
  );
}
