/**
 * One WebSocket, from upgrade to close. It speaks src/core/protocol/messages.ts:
 * - the first message must be `attach` (resume a session of this learner, or start one); anything else gets
 *   `not-attached`;
 * - every message is size-checked and validated; a bad one gets an `error` frame (bad-message / too-large) and is
 *   otherwise ignored: it never closes the session, and the socket only after `maxBadMessages` of them;
 * - messages are handled strictly in arrival order (attach may wait for a shell to start; an `input` sent right
 *   after it must not overtake it).
 * Closing the socket detaches it from its session; the session lives on for the registry's grace period.
 */
import type {RawData, WebSocket} from 'ws';
import {
  parseClientMessage,
  type ClientMessage,
  type ErrorCode,
  type Locale,
  type ProgressSnapshot,
  type ServerMessage,
} from '../../src/core/protocol/messages';
import type {BackendName, LearnerId} from '../backends/types';
import type {CatchUpService} from '../catch-up/service';
import {EngineError, type ManifestIndex, type ProgressStore} from '../engine/types';
import {outlineOf} from './outline';
import type {ChannelPeer, SessionChannel} from './session-channel';
import type {SessionChannels} from './session-channels';

export interface ConnectionLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface ConnectionContext {
  learner: LearnerId;
  backend: BackendName;
  channels: SessionChannels;
  progress: ProgressStore;
  manifests: ManifestIndex;
  catchUp: CatchUpService;
  registry: {attach(id: string): unknown; detach(id: string): unknown};
  maxMessageBytes: number;
  /** workshop mode: the hub hears what this learner does and may refuse a terminal (server/workshop/hub.ts) */
  workshop?: WorkshopHooks;
  /** after this many bad messages the socket (never the session) is closed */
  maxBadMessages: number;
  logger: ConnectionLogger;
}

export interface WorkshopHooks {
  attached(learner: LearnerId, send: (m: ServerMessage) => void): void;
  detached(learner: LearnerId): void;
  input(learner: LearnerId): void;
  page(learner: LearnerId, locale: Locale, pageId: string): void;
  hand(learner: LearnerId, up: boolean): void;
  consent(learner: LearnerId, allow: boolean): void;
  focus(learner: LearnerId, pageId: string, stepId: string): void;
  /** why this learner may not use a terminal now (the workshop ended), if they may not */
  refusal(learner: LearnerId): string | undefined;
}

/** WebSocket close code 1008: policy violation. */
const POLICY_VIOLATION = 1008;

export function handleConnection(ws: WebSocket, ctx: ConnectionContext): void {
  let channel: SessionChannel | undefined;
  let badMessages = 0;
  let queue: Promise<void> = Promise.resolve();
  let closed = false;
  /** the workshop counted this socket as one of the learner's (once, whatever it attaches to) */
  let counted = false;
  /** locales whose outline this socket has been sent */
  const outlined = new Set<Locale>();

  const peer: ChannelPeer = {
    sendJson(message: ServerMessage) {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    },
    sendBinary(data, sent) {
      if (ws.readyState !== ws.OPEN) return sent();
      ws.send(data, {binary: true}, () => sent());
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    detached() {
      channel = undefined;
    },
  };

  function fail(code: ErrorCode, message: string): void {
    peer.sendJson({type: 'error', code, message});
  }

  function bad(code: 'bad-message' | 'too-large' | 'not-attached', message: string): void {
    badMessages++;
    fail(code, message);
    if (badMessages >= ctx.maxBadMessages) {
      ctx.logger.warn({badMessages}, 'closing a socket that sent too many bad messages');
      ws.close(POLICY_VIOLATION, 'too many bad messages');
    }
  }

  async function attach(message: Extract<ClientMessage, {type: 'attach'}>): Promise<void> {
    if (channel) return bad('bad-message', 'already attached: open a new socket to attach elsewhere');
    const refused = ctx.workshop?.refusal(ctx.learner);
    if (refused) return fail('not-allowed', refused);
    let resumed: SessionChannel | undefined;
    if (message.sessionId) {
      resumed = ctx.channels.find(message.sessionId, ctx.learner);
      if (!resumed) fail('session-gone', 'that session has ended (expired or closed); a new one was started');
    }
    let target = resumed;
    if (!target) {
      try {
        target = await ctx.channels.open(ctx.learner, {cols: message.cols, rows: message.rows});
      } catch (err) {
        const limit = (err as {code?: unknown}).code === 'session-limit';
        // at the limit, a take-over moves this tab onto the learner's oldest session
        const oldest = limit && message.takeOver ? ctx.channels.oldestOf(ctx.learner) : undefined;
        if (!oldest) {
          if (!limit) ctx.logger.warn({err}, 'could not start a session');
          fail(
            limit ? 'session-limit' : 'internal',
            limit ? (err as Error).message : 'could not start a terminal session',
          );
          return;
        }
        target = resumed = oldest;
      }
      if (closed) {
        // the socket went away while the shell started: nobody learnt its id, so nobody can resume it
        if (!resumed) void target.session.close('the page left before its terminal started');
        return;
      }
    }
    if (resumed) {
      if (message.takeOver) {
        const evicted = resumed.evict('another tab took this terminal over');
        for (let i = 0; i < evicted; i++) ctx.registry.detach(resumed.id);
      }
      target.session.resize(message.cols, message.rows);
    }
    // a full scrollback costs a few hundred ms to serialize: done in slices first, so a room reconnecting at once
    // does not hold the event loop (every other terminal) for seconds; join() then replays and goes live at once
    await target.session.prepareReplay?.();
    if (closed) return;
    if (ctx.channels.find(target.id, ctx.learner) !== target) {
      // its shell ended meanwhile: as for a session that had ended before, a new one
      fail('session-gone', 'that session has ended (expired or closed); a new one was started');
      return attach({...message, sessionId: undefined});
    }
    ctx.registry.attach(target.id);
    channel = target;
    target.join(peer, resumed !== undefined, ctx.backend);
    if (!counted) ctx.workshop?.attached(ctx.learner, peer.sendJson);
    counted = true;
    peer.sendJson({type: 'progress', progress: withRunning(ctx.progress.snapshot(ctx.learner), target)});
    // a catch-up under way (or just over) in this session: the page shows where it is
    if (target.catchUp) peer.sendJson(target.catchUp.last);
    ctx.logger.debug({sessionId: target.id, resumed: resumed !== undefined}, 'socket attached');
  }

  async function handle(message: ClientMessage): Promise<void> {
    if (message.type === 'attach') return attach(message);
    if (message.type === 'ping') return peer.sendJson({type: 'pong', t: message.t});
    // workshop messages need no session; outside a workshop they mean nothing and are ignored
    if (message.type === 'hand') return ctx.workshop?.hand(ctx.learner, message.up);
    if (message.type === 'consent') return ctx.workshop?.consent(ctx.learner, message.allow);
    if (message.type === 'focus') return ctx.workshop?.focus(ctx.learner, message.pageId, message.stepId);
    if (!channel) return bad('not-attached', 'send `attach` first');
    const {session, engine} = channel;
    switch (message.type) {
      case 'input':
        session.write(message.data);
        ctx.workshop?.input(ctx.learner);
        return;
      case 'resize':
        session.resize(message.cols, message.rows);
        return;
      case 'run':
        // not awaited: a step may run for minutes while input, resize and ping keep flowing
        engine.run(message.locale, message.pageId, message.stepId).catch((err: unknown) => {
          if (err instanceof EngineError) return fail(err.code, err.message);
          ctx.logger.warn({err, step: message.stepId}, 'step run failed');
          fail('internal', 'the step could not be run');
        });
        return;
      case 'page':
        engine.setCurrentPage(message.locale, message.pageId);
        ctx.workshop?.page(ctx.learner, message.locale, message.pageId);
        if (!outlined.has(message.locale)) {
          outlined.add(message.locale);
          peer.sendJson({type: 'outline', locale: message.locale, pages: outlineOf(ctx.manifests, message.locale)});
        }
        // not awaited: looking at the cluster takes a moment, and input must keep flowing
        void ctx.catchUp.sendNeeds(channel, message.locale, message.pageId, peer.sendJson);
        return;
      case 'needs':
        void ctx.catchUp.sendNeeds(channel, message.locale, message.pageId, peer.sendJson);
        return;
      case 'catch-up':
        void ctx.catchUp.start(channel, message.locale, message.pageId);
        return;
      case 'cancel-catch-up':
        ctx.catchUp.cancel(channel);
        return;
      case 'reset-progress':
        ctx.progress.resetPage(ctx.learner, message.pageId);
        ctx.channels.toLearner(ctx.learner, {type: 'progress', progress: ctx.progress.snapshot(ctx.learner)});
        return;
    }
  }

  /** The progress a page shows on attach: what the store kept, plus this session's step that is running now. */
  function withRunning(progress: ProgressSnapshot, target: SessionChannel): ProgressSnapshot {
    for (const result of target.running()) (progress[result.pageId] ??= {})[result.stepId] = result;
    return progress;
  }

  ws.on('message', (data: RawData, isBinary: boolean) => {
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    if (size > ctx.maxMessageBytes)
      return bad('too-large', `message of ${size} bytes is over the ${ctx.maxMessageBytes}-byte limit`);
    if (isBinary) return bad('bad-message', 'binary frames are not accepted; send JSON text');
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data as ArrayBuffer).toString('utf8');
    const parsed = parseClientMessage(text);
    if (!parsed.ok) return bad('bad-message', parsed.error);
    queue = queue
      .then(() => handle(parsed.message))
      .catch((err: unknown) => {
        ctx.logger.warn({err, type: parsed.message.type}, 'message handling failed');
        fail('internal', 'the server could not handle that message');
      });
  });

  // A dead peer (laptop lid closed) never sends a close frame: ping it, and drop it if it stops answering.
  let alive = true;
  ws.on('pong', () => (alive = true));
  const heartbeat = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, 30_000);
  heartbeat.unref();

  ws.on('error', (err) => ctx.logger.debug({err}, 'socket error'));
  ws.on('close', () => {
    closed = true;
    clearInterval(heartbeat);
    if (channel) {
      const id = channel.id;
      channel.leave(peer);
      channel = undefined;
      ctx.registry.detach(id);
    }
    if (counted) ctx.workshop?.detached(ctx.learner);
  });
}
