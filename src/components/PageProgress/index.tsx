/**
 * The current page's progress: passed steps out of the steps the page has, with a reset action.
 * Rendered above the content of every doc page (src/theme/DocItem/Content); hidden on pages without steps.
 *
 * Test hook: `[data-testid=page-progress][data-done][data-total]`.
 */
import React, {type ReactNode} from 'react';
import clsx from 'clsx';
import Translate, {translate} from '@docusaurus/Translate';
import {useLab} from '@site/src/components/LabProvider';
import styles from './styles.module.css';

export default function PageProgress({pageId}: {pageId: string}): ReactNode {
  const lab = useLab();
  const steps = lab.stepsOf(pageId);
  if (steps.length === 0) return null;

  const results = lab.progress[pageId] ?? {};
  const done = steps.filter((id) => results[id]?.status === 'passed').length;
  const failed = steps.filter((id) => results[id]?.status === 'failed').length;
  const total = steps.length;
  const percent = Math.round((done / total) * 100);
  const complete = done === total;
  const touched = steps.some((id) => results[id] !== undefined);

  return (
    <div
      className={clsx(styles.progress, complete && styles.complete)}
      data-testid="page-progress"
      data-done={done}
      data-total={total}
    >
      <div className={styles.row}>
        <span className={styles.label}>
          {complete ? (
            <Translate id="lab.progress.complete">All steps on this page passed</Translate>
          ) : (
            <Translate id="lab.progress.label">Your progress on this page</Translate>
          )}
        </span>
        <span className={styles.count}>
          <Translate id="lab.progress.count" values={{done, total}}>
            {'{done} of {total} steps passed'}
          </Translate>
          {failed > 0 && (
            <span className={styles.failed}>
              {' · '}
              <Translate id="lab.progress.failed" values={{failed}}>
                {'{failed} failed'}
              </Translate>
            </span>
          )}
        </span>
        <span className={styles.spacer} />
        <button
          type="button"
          className={styles.reset}
          data-testid="page-progress-reset"
          disabled={!touched || lab.running !== null}
          title={translate({id: 'lab.progress.reset.title', message: 'Forget the results of this page’s steps'})}
          onClick={() => lab.resetProgress(pageId)}
        >
          <Translate id="lab.progress.reset">Reset</Translate>
        </button>
      </div>
      <div
        className={styles.track}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-label={translate({id: 'lab.progress.aria', message: 'Steps passed on this page'})}
      >
        <div className={styles.bar} style={{width: `${percent}%`}} />
      </div>
    </div>
  );
}
