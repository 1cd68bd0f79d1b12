/**
 * Wraps the whole app once: the lab's state (socket, session, progress) and the docked terminal live here, so
 * they survive client-side navigation between pages. In a workshop, the attendee's bar and banners live here too.
 */
import React, {type ReactNode} from 'react';
// Hangul for machines without a Korean font, served with the site (see src/css/custom.css)
import '@fontsource-variable/noto-sans-kr/wght.css';
import LabProvider from '@site/src/components/LabProvider';
import TerminalDock from '@site/src/components/Terminal';
import WorkshopProvider from '@site/src/components/Workshop';

export default function Root({children}: {children: ReactNode}): ReactNode {
  return (
    <LabProvider>
      <WorkshopProvider>
        {children}
        <TerminalDock />
      </WorkshopProvider>
    </LabProvider>
  );
}
