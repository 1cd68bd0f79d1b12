/**
 * The current page's progress: passed steps out of the steps the page has, with a reset action.
 * Rendered above the content of every doc page (src/theme/DocItem/Content); hidden on pages without steps.
 *
 * Steps that passed in an earlier shell and left something there (src/core/steps/shell-effects.ts) count as not done
 * in a new shell, and the bar says how many need a re-run. Until the server's progress has arrived the count is not
 * shown: "0 of 6" would be a false statement.
 *
 * Test hook: `[data-testid=page-progress][data-done][data-total][data-rerun]`.
 */
import React, {type ReactNode} from 'react';
import clsx from 'clsx';
import Translate, {translate} from '@docusaurus/Translate';
import {useLab} from '@site/src/components/LabProvider';
import styles from './styles.module.css';

export default function PageProgress({pageId}: {pageId: string}): ReactNode {
  const lab = useLab();
  const specs = lab.specsOf(pageId);
  const steps = specs.map((spec) => spec.id);
  if (steps.length === 0) return null;

  const results = lab.progress[pageId] ?? {};
  const rerun = specs.filter((spec) => lab.needsRerun(pageId, spec)).length;
  const done = steps.filter((id) => results[id]?.status === 'passed').length - rerun;
  const failed = steps.filter((id) => results[id]?.status === 'failed').length;
  const total = steps.length;
  const known = lab.progressLoaded;
  const percent = Math.round((done / total) * 100);
  const complete = known && done === total;
  const touched = steps.some((id) => results[id] !== undefined);

  return (
    <div
      className={clsx(styles.progress, complete && styles.complete)}
      data-testid="page-progress"
      data-done={done}
      data-total={total}
      data-rerun={rerun}
      data-known={known ? 'true' : 'false'}
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
          {known ? (
            <Translate id="lab.progress.count" values={{done, total}}>
              {'{done} of {total} steps passed'}
            </Translate>
          ) : (
            <Translate id="lab.progress.unknown" values={{total}} description="progress not yet received">
              {'{total} steps · your progress shows once the terminal connects'}
            </Translate>
          )}
          {rerun > 0 && (
            <span className={styles.rerun} data-testid="page-rerun">
              {' · '}
              <Translate id="lab.progress.rerun" values={{count: rerun}}>
                {'{count} to run again in this new shell'}
              </Translate>
            </span>
          )}
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
