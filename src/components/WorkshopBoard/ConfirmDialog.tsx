/**
 * A modal question before an action that cannot be undone (reset a sandbox, end the workshop) or that asks something
 * of an attendee (take over, catch up): the native <dialog>, so focus, Esc and the backdrop behave as users expect.
 */
import React, {useEffect, useRef, type ReactNode} from 'react';
import Translate from '@docusaurus/Translate';
import clsx from 'clsx';
import styles from './styles.module.css';

export interface ConfirmProps {
  title: ReactNode;
  children?: ReactNode;
  confirmLabel: ReactNode;
  danger?: boolean;
  onConfirm(): void;
  onClose(): void;
}

export default function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger,
  onConfirm,
  onClose,
}: ConfirmProps): ReactNode {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog ref={ref} className={styles.dialog} data-testid="board-dialog" onClose={onClose}>
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          onConfirm();
          ref.current?.close();
        }}
      >
        <h3 className={styles.dialogTitle}>{title}</h3>
        {children}
        <div className={styles.dialogActions}>
          <button type="button" className={styles.button} onClick={() => ref.current?.close()}>
            <Translate id="lab.board.cancel">Cancel</Translate>
          </button>
          <button
            type="submit"
            className={clsx(styles.button, danger ? styles.danger : styles.primary)}
            data-testid="board-dialog-confirm"
            autoFocus
          >
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
