/**
 * The code block's copy button (swizzled from @docusaurus/theme-classic), copying over plain HTTP too: a workshop's
 * attendees open the lab on a LAN address, where the Clipboard API does not exist (src/components/Clipboard/copy.ts).
 * When no way of copying works, the code is selected and the button says to press Ctrl+C.
 *
 * Test hooks: `[data-testid=code-copy][data-copy=idle|copied|manual]`, `[data-testid=code-copy-manual]`.
 */
import React, {useCallback, useEffect, useRef, useState, type ReactNode} from 'react';
import clsx from 'clsx';
import {translate} from '@docusaurus/Translate';
import {useCodeBlockContext} from '@docusaurus/theme-common/internal';
import Button from '@theme/CodeBlock/Buttons/Button';
import type {Props} from '@theme/CodeBlock/Buttons/CopyButton';
import IconCopy from '@theme/Icon/Copy';
import IconSuccess from '@theme/Icon/Success';
import {copyShortcut, copyText, selectContents} from '@site/src/components/Clipboard/copy';
import styles from './styles.module.css';

type CopyState = 'idle' | 'copied' | 'manual';

export default function CopyButton({className}: Props): ReactNode {
  const {
    metadata: {code},
  } = useCodeBlockContext();
  const [state, setState] = useState<CopyState>('idle');
  const timer = useRef<number | undefined>(undefined);
  const buttonRef = useRef<HTMLButtonElement>(null);

  const copy = useCallback(() => {
    void copyText(code).then((outcome) => {
      window.clearTimeout(timer.current);
      if (outcome === 'manual') {
        const codeElement = buttonRef.current?.closest('.theme-code-block')?.querySelector('pre code');
        if (codeElement) selectContents(codeElement);
      }
      setState(outcome);
      timer.current = window.setTimeout(() => setState('idle'), outcome === 'copied' ? 1000 : 6000);
    });
  }, [code]);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const copied = state === 'copied';
  return (
    <span className={styles.wrap}>
      <Button
        ref={buttonRef}
        data-testid="code-copy"
        data-copy={state}
        aria-label={
          copied
            ? translate({
                id: 'theme.CodeBlock.copied',
                message: 'Copied',
                description: 'The copied button label on code blocks',
              })
            : translate({
                id: 'theme.CodeBlock.copyButtonAriaLabel',
                message: 'Copy code to clipboard',
                description: 'The ARIA label for copy code blocks button',
              })
        }
        title={translate({
          id: 'theme.CodeBlock.copy',
          message: 'Copy',
          description: 'The copy button label on code blocks',
        })}
        className={clsx(className, styles.copyButton, copied && styles.copyButtonCopied)}
        onClick={copy}
      >
        <span className={styles.copyButtonIcons} aria-hidden="true">
          <IconCopy className={styles.copyButtonIcon} />
          <IconSuccess className={styles.copyButtonSuccessIcon} />
        </span>
      </Button>
      {state === 'manual' && (
        <span className={styles.manual} role="status" data-testid="code-copy-manual">
          {translate({id: 'lab.copy.manual', message: 'Selected: press {keys} to copy'}, {keys: copyShortcut()})}
        </span>
      )}
    </span>
  );
}
