/**
 * The workshop's part of the wire protocol: what the instructor's board shows and what an attendee's page is told
 * (who is watching, where the instructor is). Platform-free, validated on both ends like messages.ts.
 */
import {z} from 'zod';

export const attendeeId = z.string().regex(/^a-[a-z0-9]{10}$/, 'attendee id');
const pageId = z.string().min(1).max(200);
const stepId = z.string().min(1).max(100);

/** one cell of the board's grid */
export const boardStepState = z.enum(['passed', 'failed', 'running', 'caught-up']);
export type BoardStepState = z.infer<typeof boardStepState>;

export const boardCell = z.object({
  state: boardStepState,
  attempts: z.number().int().min(0),
});
export type BoardCell = z.infer<typeof boardCell>;

export const limitKind = z.enum(['processes', 'memory', 'disk']);
export type LimitKind = z.infer<typeof limitKind>;

export const boardRow = z.object({
  id: attendeeId,
  name: z.string(),
  /** the page the attendee has open, if any tab is connected */
  pageId: z.string().optional(),
  /** "pageId/stepId" of the furthest step passed or caught up, in walkthrough order */
  reached: z.string().optional(),
  /** "pageId/stepId" -> cell; steps never tried are absent */
  steps: z.record(z.string(), boardCell),
  lastActivityAt: z.number(),
  connected: z.boolean(),
  /** why the board thinks this attendee needs help */
  stuck: z.enum(['failed-twice', 'idle']).optional(),
  handRaisedAt: z.number().optional(),
  /** the last resource limit the attendee ran into, and when */
  limit: z.object({kind: limitKind, at: z.number()}).optional(),
  /** the instructor is viewing (read-only) or typing in this attendee's terminal */
  watched: z.enum(['viewing', 'typing']).optional(),
});
export type BoardRow = z.infer<typeof boardRow>;

export const boardSnapshot = z.object({
  workshopId: z.string(),
  joinCode: z.string(),
  capacity: z.number().int(),
  expiresAt: z.number(),
  endedAt: z.number().optional(),
  /** the walkthrough's steps in scope, in order: the board's columns */
  columns: z.array(z.object({pageId, stepId, title: z.string()})),
  rows: z.array(boardRow),
  /** the instructor's terminal is shown to every attendee */
  broadcasting: z.boolean(),
  /** where attendees in follow mode are taken */
  follow: z.object({pageId, stepId: stepId.optional()}).optional(),
});
export type BoardSnapshot = z.infer<typeof boardSnapshot>;

/** what an attendee's page is told about the workshop around it */
export const attendeeView = z.object({
  name: z.string(),
  workshopId: z.string(),
  handRaised: z.boolean(),
  /** the instructor is viewing, asking to type, or typing in this terminal */
  instructor: z.enum(['none', 'viewing', 'asking', 'typing']),
  broadcasting: z.boolean(),
  follow: z.object({pageId, stepId: stepId.optional()}).optional(),
  endedAt: z.number().optional(),
});
export type AttendeeView = z.infer<typeof attendeeView>;

/** one line of the export */
export const resultRow = z.object({
  attendee: z.string(),
  attendeeId,
  pageId,
  stepId,
  status: z.enum(['passed', 'failed', 'caught-up', 'not-run']),
  attempts: z.number().int().min(0),
  /** from the first attempt's start to the pass (or to the last attempt's end), seconds */
  timeTakenSeconds: z.number().optional(),
});
export type ResultRow = z.infer<typeof resultRow>;
