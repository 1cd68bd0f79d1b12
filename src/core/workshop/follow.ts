/**
 * "Follow me" on an attendee's page: when to move the page to the step the instructor is on. The page moves when the
 * instructor's position changes while the attendee follows, and at once when the attendee chooses to follow again;
 * it never moves twice for one position, so an attendee can scroll around between the instructor's moves.
 */
export interface FollowTarget {
  pageId: string;
  stepId?: string;
}

export function followKey(target: FollowTarget | undefined): string | undefined {
  return target ? `${target.pageId}#${target.stepId ?? ''}` : undefined;
}

/**
 * The target to go to now, or null: `applied` is the key of the last target the page went to (followKey), reset to
 * undefined when the attendee leaves follow mode so that following again goes to where the instructor is.
 */
export function followMove(
  target: FollowTarget | undefined,
  applied: string | undefined,
  following: boolean,
): FollowTarget | null {
  if (!following || !target) return null;
  return followKey(target) === applied ? null : target;
}
