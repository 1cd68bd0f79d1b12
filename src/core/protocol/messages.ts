/**
 * The wire protocol between the page (browser) and the terminal server, defined once.
 *
 * Transport: one WebSocket per browser tab at `/ws`.
 * - Text frames carry JSON control messages, validated with the zod schemas below on arrival.
 * - Binary frames from server to client carry raw terminal output (UTF-8 bytes), so bulk output costs
 *   no JSON encoding. The client never sends binary frames.
 *
 * Platform-free: no DOM, no Node imports (the browser, the server and the runner all import it).
 */
import {z} from 'zod';
import {attendeeView, limitKind} from './workshop';

export const PROTOCOL_VERSION = 1;

const sessionId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'session id: 8-64 characters of [A-Za-z0-9_-]');
const stepRef = {
  pageId: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[a-z0-9][a-z0-9/_-]*$/, 'page id: lower-case path'),
  stepId: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'step id: lower-case words joined by -'),
};
export const locale = z.enum(['en', 'ko']);
export type Locale = z.infer<typeof locale>;

/** Terminal sizes are clamped to sane bounds; anything outside is a protocol error. */
export const cols = z.number().int().min(2).max(1000);
export const rows = z.number().int().min(1).max(500);

// ---------------------------------------------------------------- client -> server

export const clientMessage = z.discriminatedUnion('type', [
  /** First message on every socket: attach to an existing session (reload/reconnect) or start one. */
  z.object({
    type: z.literal('attach'),
    protocol: z.literal(PROTOCOL_VERSION),
    sessionId: sessionId.optional(),
    /**
     * Take the session over: with `sessionId`, the other tabs on it are let go (they are told `taken-over`);
     * without one, when the learner is at the session limit, this tab takes the oldest session instead of a new one.
     */
    takeOver: z.boolean().optional(),
    cols,
    rows,
  }),
  /** Keystrokes / pasted text, written to the PTY as-is. */
  z.object({
    type: z.literal('input'),
    data: z
      .string()
      .min(1)
      .max(64 * 1024),
  }),
  z.object({type: z.literal('resize'), cols, rows}),
  /** Run a step of the manifest: the server looks the command up itself; the client never sends it. */
  z.object({type: z.literal('run'), locale, ...stepRef}),
  /** The page now shown, so a command typed by hand is matched against this page's steps first. */
  z.object({type: z.literal('page'), locale, pageId: stepRef.pageId}),
  /** Forget a page's progress (the "reset page" button). */
  z.object({type: z.literal('reset-progress'), pageId: stepRef.pageId}),
  /** Check again what the page needs from earlier pages (answered with `needs`; also sent after every `page`). */
  z.object({type: z.literal('needs'), locale, pageId: stepRef.pageId}),
  /** "Catch me up": run, in this session's shell, the earlier steps the page needs (answered with `catch-up`). */
  z.object({type: z.literal('catch-up'), locale, pageId: stepRef.pageId}),
  /** Stop a catch-up after the step that is running. */
  z.object({type: z.literal('cancel-catch-up')}),
  z.object({type: z.literal('ping'), t: z.number()}),
  // workshop: an attendee raises or lowers a hand; answers the instructor's request to type in this terminal
  z.object({type: z.literal('hand'), up: z.boolean()}),
  z.object({type: z.literal('consent'), allow: z.boolean()}),
  // the step the page shows (the instructor's page drives "follow me" with it)
  z.object({type: z.literal('focus'), locale, ...stepRef}),
]);
export type ClientMessage = z.infer<typeof clientMessage>;

// ---------------------------------------------------------------- server -> client

export const stepStatus = z.enum(['idle', 'running', 'passed', 'failed']);
export type StepStatus = z.infer<typeof stepStatus>;

/** Why a step failed: which check, what it expected, what it got. */
export const stepFailure = z.object({
  check: z.string(), // e.g. "exit code", "output like", "verify: kubectl get pods", "timeout"
  expected: z.string(),
  actual: z.string(),
});
export type StepFailure = z.infer<typeof stepFailure>;

export const stepResult = z.object({
  pageId: z.string(),
  stepId: z.string(),
  status: stepStatus,
  /** epoch ms when the command started (running) or finished (passed/failed) */
  startedAt: z.number().optional(),
  durationMs: z.number().optional(),
  exitCode: z.number().optional(),
  /** how the command reached the shell: the Run button, typed by hand, or run by a catch-up */
  via: z.enum(['run', 'typed', 'catch-up']).optional(),
  /**
   * the shell session the step ran in: what a step left in the shell (an export, a `cd`) is gone from any other
   * shell, so the page asks for a re-run there (src/core/steps/shell-effects.ts)
   */
  shell: z.string().max(64).optional(),
  failure: stepFailure.optional(),
});
export type StepResult = z.infer<typeof stepResult>;

/** pageId -> stepId -> last result */
export const progressSnapshot = z.record(z.string(), z.record(z.string(), stepResult));
export type ProgressSnapshot = z.infer<typeof progressSnapshot>;

export const errorCode = z.enum([
  'bad-message', // not JSON, unknown type, or failed validation
  'too-large', // over the message size limit
  'not-attached', // a message before `attach`
  'unknown-step', // run: no such page/step in the manifest
  'busy', // run: another step is still running in this session
  'session-limit', // too many sessions for this learner
  'session-gone', // attach: the session id is unknown or expired (a new one was started)
  'taken-over', // another tab took this socket's session over; this socket is no longer attached
  'not-allowed', // workshop: this person may not do that (e.g. an attendee's run while the workshop has ended)
  'internal',
]);
export type ErrorCode = z.infer<typeof errorCode>;

const stepRefSchema = z.object(stepRef);
export type StepRefMessage = z.infer<typeof stepRefSchema>;

/**
 * Something a page needs from an earlier page, derived from the step commands (src/core/steps/requirements.ts), and
 * whether the learner's cluster and shell have it now.
 */
export const pageNeed = z.object({
  kind: z.enum(['cluster', 'namespace', 'variable', 'directory']),
  name: z.string().max(200),
  /** the step that makes it */
  pageId: stepRef.pageId,
  stepId: stepRef.stepId,
  met: z.boolean(),
});
export type PageNeed = z.infer<typeof pageNeed>;

export const catchUpState = z.enum(['running', 'passed', 'failed', 'cancelled']);
export type CatchUpState = z.infer<typeof catchUpState>;

/** Every page of a locale and its steps, in walkthrough order: what the sidebar's completion marks count. */
export const outlinePage = z.object({
  pageId: stepRef.pageId,
  title: z.string(),
  steps: z.array(
    z.object({
      id: stepRef.stepId,
      /** the step leaves something in the shell (src/core/steps/shell-effects.ts): a new shell needs a re-run */
      changesShell: z.boolean(),
    }),
  ),
});
export type OutlinePage = z.infer<typeof outlinePage>;

export const shellState = z.enum(['starting', 'ready', 'slow']);
export type ShellState = z.infer<typeof shellState>;

export const serverMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('attached'),
    sessionId,
    /** true when an existing session was resumed; its scrollback follows as binary frames */
    resumed: z.boolean(),
    backend: z.enum(['host', 'sandbox']),
    /** bytes of scrollback replay that follow in binary frames before live output */
    replayBytes: z.number().int().min(0),
  }),
  z.object({type: z.literal('progress'), progress: progressSnapshot}),
  /** sent after `attached` and for every locale the page asks about (`page`) */
  z.object({type: z.literal('outline'), locale, pages: z.array(outlinePage)}),
  /** what a page needs from earlier pages and what "Catch me up" would run (none unmet: an empty plan) */
  z.object({
    type: z.literal('needs'),
    locale,
    pageId: stepRef.pageId,
    needs: z.array(pageNeed),
    plan: z.array(stepRefSchema),
  }),
  /** a catch-up of this session, as it goes: the plan, how many steps are done, the step running or failed */
  z.object({
    type: z.literal('catch-up'),
    locale,
    /** the page being caught up to */
    pageId: stepRef.pageId,
    state: catchUpState,
    plan: z.array(stepRefSchema),
    done: z.number().int().min(0),
    current: stepRefSchema.optional(),
    /** why it stopped (failed), in the engine's words */
    message: z.string().max(4000).optional(),
  }),
  z.object({type: z.literal('step'), result: stepResult}),
  /**
   * The session's shell: `starting` until its first prompt (a Run waits), `ready`, or `slow` (no prompt after
   * `timeoutMs`: one of `rcFiles` hangs or waits; `lab start --no-rc` skips them). Sent after `attached` and on change.
   */
  z.object({
    type: z.literal('shell'),
    state: shellState,
    rcFiles: z.array(z.string().max(4096)).max(16),
    timeoutMs: z.number().int().min(0),
  }),
  /** A command finished in the shell (typed or run), whether or not it matched a step. */
  z.object({type: z.literal('command'), command: z.string(), exitCode: z.number()}),
  z.object({type: z.literal('error'), code: errorCode, message: z.string()}),
  /** The session ended (shell exited, idle timeout, server shutdown). */
  z.object({type: z.literal('exit'), reason: z.string(), exitCode: z.number().optional()}),
  z.object({type: z.literal('pong'), t: z.number()}),
  // workshop: the attendee's view of the room (who watches, follow target, broadcast, ended)
  z.object({type: z.literal('workshop'), view: attendeeView}),
  // workshop: a resource limit this attendee's shell ran into
  z.object({type: z.literal('notice'), kind: z.literal('limit'), limit: limitKind, message: z.string()}),
]);
export type ServerMessage = z.infer<typeof serverMessage>;

/** Parse and validate a client text frame; returns a typed message or a readable error. */
export function parseClientMessage(text: string): {ok: true; message: ClientMessage} | {ok: false; error: string} {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return {ok: false, error: 'not valid JSON'};
  }
  const parsed = clientMessage.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') + ': ' : '';
    return {ok: false, error: `${where}${issue?.message ?? 'invalid message'}`};
  }
  return {ok: true, message: parsed.data};
}

// ---------------------------------------------------------------- HTTP

/**
 * The JSON body of a refused HTTP request or WebSocket upgrade (server/http/respond.ts). A browser's WebSocket never
 * shows why an upgrade failed, so the page asks `GET /api/status` and reads this to tell the learner (a 401 means
 * the token is wrong or from an earlier start of the lab).
 */
export const httpRefusal = z.object({error: z.string(), message: z.string()});
export type HttpRefusal = z.infer<typeof httpRefusal>;

/** `GET /api/status`: the lab is up and this page's token is good. */
export const labStatus = z.object({
  backend: z.enum(['host', 'sandbox']),
  protocol: z.number().int(),
  /** who the caller is: the lab's own learner, or in a workshop its instructor or one attendee */
  role: z.enum(['learner', 'instructor', 'attendee']).optional(),
});
export type LabStatusBody = z.infer<typeof labStatus>;
