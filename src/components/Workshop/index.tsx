/**
 * The workshop around the walkthrough pages, mounted once in src/theme/Root.tsx beside the lab:
 * - asks `/api/workshop/info` who this browser is (instructor, attendee, or neither: then nothing here shows);
 * - for an attendee: the workshop bar (name, raise hand, follow mode, the instructor's broadcast) and the banners the
 *   server's `workshop` message calls for (the instructor viewing, asking to type, typing; the workshop ended), and
 *   "follow me" (the page goes where the instructor is, until the attendee leaves follow mode);
 * - for the instructor: `useInstructorFocus` (used by the doc page) tells the server which step is on screen.
 */
import React, {useCallback, useEffect, useMemo, useState, type ReactNode} from 'react';
import useIsBrowser from '@docusaurus/useIsBrowser';
import type {WorkshopInfo} from '@site/src/core/protocol/workshop';
import {WorkshopContext} from './context';
import {fetchWorkshopInfo} from './info';
import WorkshopBar from './WorkshopBar';

export {useInstructorFocus} from './use-instructor-focus';
export {useWorkshop} from './context';

const FOLLOW_KEY = 'ambient-lab:workshop-follow';

export default function WorkshopProvider({children}: {children: ReactNode}): ReactNode {
  const isBrowser = useIsBrowser();
  const [info, setInfo] = useState<WorkshopInfo | null>(null);
  const [following, setFollowingState] = useState(true);

  const refresh = useCallback(() => void fetchWorkshopInfo().then(setInfo), []);
  useEffect(() => {
    if (!isBrowser) return;
    refresh();
    try {
      setFollowingState(window.sessionStorage.getItem(FOLLOW_KEY) !== 'false');
    } catch {
      // storage disabled: follow
    }
  }, [isBrowser, refresh]);

  const setFollowing = useCallback((on: boolean) => {
    setFollowingState(on);
    try {
      window.sessionStorage.setItem(FOLLOW_KEY, String(on));
    } catch {
      // ignore
    }
  }, []);

  const value = useMemo(() => ({info, refresh, following, setFollowing}), [info, refresh, following, setFollowing]);
  return (
    <WorkshopContext.Provider value={value}>
      {children}
      {isBrowser && info?.role === 'attendee' && <WorkshopBar />}
    </WorkshopContext.Provider>
  );
}
