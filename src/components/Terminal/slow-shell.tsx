/** Shared by the terminal's notice and a step whose Run waited for the prompt (src/components/Step/refusals.tsx). */
import React, {type ReactNode} from 'react';
import {translate} from '@docusaurus/Translate';
import type {ShellMessage} from '@site/src/components/LabProvider';

/** why a shell shows no prompt, and the way out (also on a step whose Run waited for it) */
export function SlowShellText({shell}: {shell: Pick<ShellMessage, 'rcFiles'>}): ReactNode {
  const files =
    shell.rcFiles.length > 0
      ? shell.rcFiles.map((file, i) => (
          <React.Fragment key={file}>
            {i > 0 && ', '}
            <code>{file}</code>
          </React.Fragment>
        ))
      : translate({id: 'lab.shell.slow.anyRc', message: 'your shell start-up file'});
  return (
    <>
      {translate({
        id: 'lab.shell.slow.cause',
        message:
          'It is probably still running a start-up file, where a command hangs, waits on a lock or asks for input (you can answer in the terminal):',
      })}{' '}
      {files}
      {'. '}
      {translate({id: 'lab.shell.slow.skip', message: 'To start the lab without start-up files, restart it with'})}{' '}
      <code>npm start -- --no-rc</code> {translate({id: 'lab.shell.slow.or', message: 'or'})}{' '}
      <code>LAB_SHELL_RC=none npm start</code>
      {'.'}
    </>
  );
}
