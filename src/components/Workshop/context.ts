/** The workshop context (WorkshopProvider in ./index.tsx fills it): who this browser is and the follow preference. */
import {createContext, useContext} from 'react';
import type {WorkshopInfo} from '@site/src/core/protocol/workshop';

export interface WorkshopContextValue {
  /** null until the lab has answered */
  info: WorkshopInfo | null;
  refresh(): void;
  /** the attendee follows the instructor's page (on by default; remembered for the tab) */
  following: boolean;
  setFollowing(on: boolean): void;
}

export const WorkshopContext = createContext<WorkshopContextValue>({
  info: null,
  refresh: () => undefined,
  following: true,
  setFollowing: () => undefined,
});

export function useWorkshop(): WorkshopContextValue {
  return useContext(WorkshopContext);
}
