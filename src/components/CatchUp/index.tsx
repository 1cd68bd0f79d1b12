/**
 * "Catch me up", above a page's content: when the learner's cluster or shell lacks what this page builds on (derived
 * from the earlier pages' steps: src/core/steps/requirements.ts, checked by the server), the page says what is
 * missing and where it comes from, and one button runs those earlier steps in the learner's own terminal
 * (server/catch-up). While it runs, and when it ends, the same place shows how far it got.
 *
 * Test hook: `[data-testid=catch-up][data-state=needed|running|passed|failed|cancelled]`, `[data-testid=catch-up-run]`.
 */
import React, {type ReactNode} from 'react';
import clsx from 'clsx';
import Link from '@docusaurus/Link';
import Translate, {translate} from '@docusaurus/Translate';
import type {PageNeed, StepRefMessage} from '@site/src/core/protocol/messages';
import {useLab, type LabContextValue} from '@site/src/components/LabProvider';
import styles from './styles.module.css';

function titleOf(lab: LabContextValue, pageId: string): string {
  return lab.outline?.find((page) => page.pageId === pageId)?.title ?? pageId;
}

function PageLink({lab, pageId}: {lab: LabContextValue; pageId: string}): ReactNode {
  return <Link to={`/docs/${pageId}`}>{titleOf(lab, pageId)}</Link>;
}

/** "Step 3 on Create the k3d cluster" */
function stepName(lab: LabContextValue, ref: StepRefMessage): ReactNode {
  const index = lab.outline?.find((page) => page.pageId === ref.pageId)?.steps.findIndex((s) => s.id === ref.stepId);
  return (
    <Translate
      id="lab.catchUp.stepOn"
      values={{
        n: index !== undefined && index >= 0 ? index + 1 : '?',
        page: <PageLink lab={lab} pageId={ref.pageId} />,
      }}
    >
      {'step {n} on {page}'}
    </Translate>
  );
}

function needText(need: PageNeed): ReactNode {
  const name = <code>{need.name}</code>;
  switch (need.kind) {
    case 'cluster':
      return <Translate id="lab.catchUp.need.cluster">the k3d cluster</Translate>;
    case 'namespace':
      return (
        <Translate id="lab.catchUp.need.namespace" values={{name}}>
          {'the namespace {name}'}
        </Translate>
      );
    case 'variable':
      return (
        <Translate id="lab.catchUp.need.variable" values={{name}}>
          {'the shell variable {name}, in this shell'}
        </Translate>
      );
    case 'directory':
      return (
        <Translate id="lab.catchUp.need.directory" values={{name}}>
          {'the folder {name}'}
        </Translate>
      );
  }
}

export default function CatchUp({pageId}: {pageId: string}): ReactNode {
  const lab = useLab();
  const catchUp = lab.catchUp;
  if (catchUp && (catchUp.state === 'running' || catchUp.pageId === pageId)) return <Progress lab={lab} />;
  const needs = lab.needsOf(pageId);
  const missing = needs?.needs.filter((need) => !need.met) ?? [];
  if (!needs || missing.length === 0 || lab.status !== 'open') return null;
  const pages = [...new Set(needs.plan.map((ref) => ref.pageId))];
  return (
    <section className={clsx(styles.box, styles.needed)} data-testid="catch-up" data-state="needed">
      <p className={styles.title}>
        <Translate id="lab.catchUp.needed.title">This page builds on earlier pages</Translate>
      </p>
      <p className={styles.text}>
        <Translate id="lab.catchUp.needed.lead">Your lab does not have these yet:</Translate>
      </p>
      <ul className={styles.needs}>
        {missing.map((need) => (
          <li key={`${need.kind}/${need.name}`} data-need-kind={need.kind} data-need-name={need.name}>
            {needText(need)}{' '}
            <span className={styles.from}>
              <Translate id="lab.catchUp.need.from" values={{page: <PageLink lab={lab} pageId={need.pageId} />}}>
                {'(from {page})'}
              </Translate>
            </span>
          </li>
        ))}
      </ul>
      <div className={styles.actions}>
        <button
          type="button"
          className="button button--primary button--sm"
          data-testid="catch-up-run"
          aria-disabled={lab.running !== null}
          onClick={() => {
            if (lab.running === null) lab.catchUpTo(pageId);
          }}
        >
          <Translate id="lab.catchUp.run">Catch me up</Translate>
        </button>
        <span className={styles.text}>
          <Translate
            id="lab.catchUp.explain"
            values={{
              count: needs.plan.length,
              pages: (
                <>
                  {pages.map((id, i) => (
                    <React.Fragment key={id}>
                      {i > 0 && ', '}
                      <PageLink lab={lab} pageId={id} />
                    </React.Fragment>
                  ))}
                </>
              ),
            }}
          >
            {'Runs the {count} steps of {pages} in your terminal, one after another, as if you pressed Run on each.'}
          </Translate>
        </span>
        <button type="button" className={styles.linkButton} onClick={() => lab.checkNeeds(pageId)}>
          <Translate id="lab.catchUp.checkAgain">Check again</Translate>
        </button>
      </div>
    </section>
  );
}

function Progress({lab}: {lab: LabContextValue}): ReactNode {
  const catchUp = lab.catchUp!;
  const total = catchUp.plan.length;
  const percent = total === 0 ? 100 : Math.round((catchUp.done / total) * 100);
  const target = <PageLink lab={lab} pageId={catchUp.pageId} />;
  let body: ReactNode;
  switch (catchUp.state) {
    case 'running':
      body = (
        <>
          <p className={styles.title}>
            <Translate id="lab.catchUp.running.title" values={{page: target}}>
              {'Catching up to {page}'}
            </Translate>
          </p>
          <p className={styles.text}>
            <Translate
              id="lab.catchUp.running.step"
              values={{
                n: Math.min(catchUp.done + 1, total),
                total,
                step: catchUp.current ? stepName(lab, catchUp.current) : '',
              }}
            >
              {'{n} of {total}: {step}'}
            </Translate>
          </p>
        </>
      );
      break;
    case 'passed':
      body = (
        <p className={styles.title}>
          <Translate id="lab.catchUp.passed" values={{count: total}}>
            {'You are caught up: {count} steps ran in your terminal, and their pages show them as caught up.'}
          </Translate>
        </p>
      );
      break;
    case 'cancelled':
      body = (
        <p className={styles.title}>
          <Translate id="lab.catchUp.cancelled" values={{done: catchUp.done, total}}>
            {'Catch-up stopped after {done} of {total} steps, as you asked.'}
          </Translate>
        </p>
      );
      break;
    case 'failed':
      body = (
        <>
          <p className={styles.title}>
            <Translate
              id="lab.catchUp.failed.title"
              values={{step: catchUp.current ? stepName(lab, catchUp.current) : '?'}}
            >
              {'Catch-up stopped: {step} failed'}
            </Translate>
          </p>
          <p className={styles.text}>
            <Translate id="lab.catchUp.failed.text">
              That page shows what the step expected and what it got, with a hint. Fix it there, then catch up again.
            </Translate>
          </p>
          {catchUp.message && <pre className={styles.message}>{catchUp.message}</pre>}
        </>
      );
      break;
  }
  return (
    <section
      className={clsx(styles.box, catchUp.state === 'failed' ? styles.failed : styles.running)}
      data-testid="catch-up"
      data-state={catchUp.state}
      role={catchUp.state === 'running' ? 'status' : 'alert'}
    >
      {body}
      <div
        className={styles.track}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={catchUp.done}
        aria-label={translate({id: 'lab.catchUp.progress', message: 'Catch-up progress'})}
      >
        <div className={styles.bar} style={{width: `${percent}%`}} />
      </div>
      <div className={styles.actions}>
        {catchUp.state === 'running' ? (
          <button type="button" className="button button--secondary button--sm" onClick={lab.cancelCatchUp}>
            <Translate id="lab.catchUp.stop">Stop after this step</Translate>
          </button>
        ) : (
          <>
            {catchUp.state !== 'passed' && (
              <button
                type="button"
                className="button button--primary button--sm"
                onClick={() => lab.catchUpTo(catchUp.pageId)}
              >
                <Translate id="lab.catchUp.again">Catch up again</Translate>
              </button>
            )}
            <button type="button" className={styles.linkButton} onClick={lab.dismissCatchUp}>
              <Translate id="lab.catchUp.dismiss">Close</Translate>
            </button>
          </>
        )}
      </div>
    </section>
  );
}
