/**
 * A step's help, written in the page right after the step (and its `text expect` block); the remark plugin makes
 * them children of the step, which shows them only once the step has failed:
 *
 *   <Hint>What usually goes wrong here, and how to tell.</Hint>
 *   <Solution>What to run or change; may hold a code block.</Solution>
 *
 * Both locales write their own; tests/unit/step-help.test.ts checks that they are on the same steps.
 */
import React, {type ReactNode} from 'react';
import Translate from '@docusaurus/Translate';
import styles from './styles.module.css';

export function Hint({children}: {children?: ReactNode}): ReactNode {
  return (
    <div className={styles.hint} data-testid="step-hint">
      <div className={styles.label}>
        <Translate id="lab.step.hint" description="heading of a failed step's hint">
          Hint
        </Translate>
      </div>
      <div className={styles.body}>{children}</div>
    </div>
  );
}

export function Solution({children}: {children?: ReactNode}): ReactNode {
  return (
    <details className={styles.solution} data-testid="step-solution">
      <summary className={styles.label}>
        <Translate id="lab.step.solution" description="opens a failed step's solution">
          Show the solution
        </Translate>
      </summary>
      <div className={styles.body}>{children}</div>
    </details>
  );
}
