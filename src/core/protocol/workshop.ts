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

export const limitKind = z.enum(['processes', 'memory', 'disk', 'output']);
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
  /** the address attendees open to join (the LAN address with --lan); without it the board shows its own origin */
  joinUrl: z.string().max(500).optional(),
  capacity: z.number().int(),
  expiresAt: z.number(),
  endedAt: z.number().optional(),
  /** the walkthrough's steps in scope, in order: the board's columns */
  columns: z.array(z.object({pageId, stepId, title: z.string()})),
  /** each page in scope's title per locale ("en", "ko"), for the heads of the column groups */
  pageTitles: z.record(pageId, z.record(z.string().max(8), z.string().max(200))).optional(),
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

// ---------------------------------------------------------------- the instructor's board socket (/ws/board)

/** server -> board page: the whole board, at most a few times a second (it is small: one row per attendee) */
export const boardServerMessage = z.discriminatedUnion('type', [
  z.object({type: z.literal('board'), board: boardSnapshot}),
  z.object({type: z.literal('pong'), t: z.number()}),
]);
export type BoardServerMessage = z.infer<typeof boardServerMessage>;

// ---------------------------------------------------------------- a terminal watched read-only (/ws/watch)

/**
 * `/ws/watch?attendee=<id>` (instructor) or `/ws/watch?broadcast=1` (attendee, while the instructor broadcasts):
 * the watched terminal's scrollback, then its live output, as binary frames; these JSON frames around them.
 * The viewer never resizes the watched terminal: it follows the size it is told.
 */
export const watchServerMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('watch'),
    /** whose terminal: an attendee id, or "instructor" */
    of: z.string(),
    name: z.string(),
    cols: z.number().int(),
    rows: z.number().int(),
    /** typing: the attendee consented and the instructor's input goes to the terminal */
    mode: z.enum(['viewing', 'typing']),
  }),
  z.object({type: z.literal('watch-ended'), reason: z.string()}),
  z.object({type: z.literal('pong'), t: z.number()}),
]);
export type WatchServerMessage = z.infer<typeof watchServerMessage>;

export const watchClientMessage = z.discriminatedUnion('type', [
  /** only while typing (after the attendee's consent); refused otherwise */
  z.object({
    type: z.literal('input'),
    data: z
      .string()
      .min(1)
      .max(64 * 1024),
  }),
  z.object({type: z.literal('ping'), t: z.number()}),
]);
export type WatchClientMessage = z.infer<typeof watchClientMessage>;

// ---------------------------------------------------------------- HTTP: /api/workshop/*

/** GET /api/workshop/info: what the join page and every page ask first (no secret in it) */
export const workshopInfo = z.object({
  /** none: this lab runs no workshop */
  state: z.enum(['none', 'open', 'full', 'ended']),
  /** who this browser is to the lab */
  role: z.enum(['learner', 'instructor', 'attendee', 'nobody']),
  /** the attendee's own name, when role is attendee */
  name: z.string().optional(),
  /** the first page in scope: where a new attendee lands */
  firstPage: z.string().optional(),
  /** page ids in scope; empty means all */
  pages: z.array(z.string()),
});
export type WorkshopInfo = z.infer<typeof workshopInfo>;

/** POST /api/workshop/join */
export const joinRequest = z.object({
  code: z.string().max(32),
  name: z.string().max(200),
});
export type JoinRequest = z.infer<typeof joinRequest>;

export const joinRefusalCode = z.enum(['bad-code', 'bad-name', 'full', 'ended', 'rate-limited', 'no-workshop']);
export type JoinRefusalCode = z.infer<typeof joinRefusalCode>;

/** the body of a refused join (4xx); a 200 sets the attendee cookie and answers with `joinAccepted` */
export const joinRefusal = z.object({
  error: joinRefusalCode,
  message: z.string(),
  retryAfterSeconds: z.number().optional(),
});
export type JoinRefusal = z.infer<typeof joinRefusal>;

export const joinAccepted = z.object({attendeeId, name: z.string(), firstPage: z.string().optional()});
export type JoinAccepted = z.infer<typeof joinAccepted>;

/** POST /api/workshop/action (instructor): what the board's buttons do */
export const workshopAction = z.discriminatedUnion('action', [
  /** a fresh sandbox and shell for the attendee; their results so far stay in the export */
  z.object({action: z.literal('reset'), attendee: attendeeId}),
  /** replay the walkthrough's steps before this one in the attendee's shell, marked caught up */
  z.object({action: z.literal('catch-up'), attendee: attendeeId, pageId, stepId}),
  /** ask the attendee to let the instructor type (they see a prompt and answer); `release` gives it back */
  z.object({action: z.literal('take-over'), attendee: attendeeId}),
  z.object({action: z.literal('release'), attendee: attendeeId}),
  /** lower the attendee's hand */
  z.object({action: z.literal('lower-hand'), attendee: attendeeId}),
  z.object({action: z.literal('broadcast'), on: z.boolean()}),
  /** attendees in follow mode go where the instructor's page is */
  z.object({action: z.literal('follow'), on: z.boolean()}),
  z.object({action: z.literal('end')}),
]);
export type WorkshopAction = z.infer<typeof workshopAction>;
