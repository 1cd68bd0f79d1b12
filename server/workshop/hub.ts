/**
 * The workshop, live: one object between the lab's sockets and the workshop's state. It hears what attendees do
 * (sockets, pages, input, step results, raised hands, limits), keeps the board and each attendee's view current,
 * serves the instructor's board and terminal views, and carries out the board's actions (reset, catch up, take over,
 * broadcast, follow me, end).
 *
 * Every entry point takes a learner id that identity.ts resolved from the request; nothing here trusts an id that
 * came in a message body except from the instructor.
 */
import type {WebSocket} from 'ws';
import type {Locale, ServerMessage} from '../../src/core/protocol/messages';
import {LOCAL_LEARNER, type Backend, type LearnerId} from '../backends/types';
import type {CatchUpService} from '../catch-up/service';
import type {ProgressStore} from '../engine/types';
import type {SessionChannels} from '../http/session-channels';
import type {
  AttendeeView,
  BoardServerMessage,
  LimitKind,
  WorkshopAction,
  WorkshopInfo,
} from '../../src/core/protocol/workshop';
import type {AttendeeShells} from './attendee-shells';
import type {Board} from './board';
import type {Identity} from './identity';
import {TerminalWatch} from './watch';
import type {WorkshopState} from './workshop-state';

export interface WorkshopHubOptions {
  state: WorkshopState;
  board: Board;
  /** undefined: attendees' shells are ordinary ones (a loopback-only workshop on a machine without bubblewrap) */
  shells?: AttendeeShells;
  channels: SessionChannels;
  /** closes a learner's sessions */
  sessions: {closeLearner(learner: LearnerId, reason: string): Promise<void>};
  backend: Backend;
  catchUp: CatchUpService;
  progress: ProgressStore;
  /** the first page in scope (where a new attendee lands) */
  firstPage?: string;
  maxMessageBytes: number;
  logger: {info(obj: object, msg: string): void; warn(obj: object, msg: string): void};
}

export type ActionResult = {ok: true} | {ok: false; status: 404 | 409; error: string; message: string};

const LIMIT_MESSAGES: Record<LimitKind, string> = {
  processes:
    'Your shell hit its process limit: a command started too many processes and some were refused. Press Ctrl+C; other attendees are not affected.',
  memory: 'Your shell hit its memory limit and the biggest process was stopped. Other attendees are not affected.',
  disk: 'Your home folder is full: delete some files (du -sh ~/* shows what is big) before writing more.',
  output:
    "Your terminal printed faster than a browser can show: the lab slows that command down so everyone's lab stays quick. Press Ctrl+C to stop it.",
};

export class WorkshopHub {
  /** attendees asked to let the instructor type, and those who said yes */
  private readonly asking = new Set<LearnerId>();
  private readonly typing = new Set<LearnerId>();
  private readonly watches = new Map<LearnerId, Set<TerminalWatch>>();
  private readonly broadcastViews = new Set<TerminalWatch>();
  private readonly locales = new Map<LearnerId, Locale>();
  private readonly boards = new Set<WebSocket>();
  /** the last board text sent to every open board (the tick re-sends only a change) */
  private lastBoardText = '';
  /** where the instructor's page is: what "follow me" sends attendees to */
  private instructorAt: {pageId: string; stepId?: string} | undefined;
  private readonly boardListener: {dispose(): void};

  constructor(private readonly o: WorkshopHubOptions) {
    this.boardListener = o.board.onChange(() => this.pushBoard());
  }

  get state(): WorkshopState {
    return this.o.state;
  }

  isAttendee(learner: LearnerId): boolean {
    return learner !== LOCAL_LEARNER && this.o.state.attendee(learner) !== undefined;
  }

  info(who: Identity | undefined): WorkshopInfo {
    const s = this.o.state;
    const state = !s.open ? 'ended' : s.attendees().length >= s.capacity ? 'full' : 'open';
    return {
      state,
      role: who ? (who.role === 'learner' ? 'instructor' : who.role) : 'nobody',
      name: who?.role === 'attendee' ? who.attendee.name : undefined,
      firstPage: this.o.firstPage,
      pages: s.pages,
    };
  }

  // ------------------------------------------------------------ the attendee's own sockets (ws-connection hooks)

  /** a socket of this learner attached to a session: counted, and told about the room */
  attached(learner: LearnerId, send: (m: ServerMessage) => void): void {
    if (!this.isAttendee(learner)) return;
    this.o.board.onSocket(learner, 1);
    this.o.state.touch(learner);
    send({type: 'workshop', view: this.viewOf(learner)});
  }

  detached(learner: LearnerId): void {
    if (this.isAttendee(learner)) this.o.board.onSocket(learner, -1);
  }

  input(learner: LearnerId): void {
    if (this.isAttendee(learner)) this.o.board.onActivity(learner);
  }

  page(learner: LearnerId, locale: Locale, pageId: string): void {
    this.locales.set(learner, locale);
    if (this.isAttendee(learner)) this.o.board.onPage(learner, pageId);
    else if (learner === LOCAL_LEARNER) this.instructorFocus({pageId});
  }

  /** why this learner may not use a terminal now, if they may not */
  refusal(learner: LearnerId): string | undefined {
    if (!this.isAttendee(learner)) return undefined;
    return this.o.state.open ? undefined : 'this workshop has ended: your terminal is closed';
  }

  hand(learner: LearnerId, up: boolean): void {
    if (this.isAttendee(learner) && this.o.state.raiseHand(learner, up)) {
      this.o.board.changed();
      this.pushView(learner);
    }
  }

  /** the attendee's answer to the instructor's request to type (and a later "stop" withdraws it) */
  consent(learner: LearnerId, allow: boolean): void {
    if (!this.isAttendee(learner)) return;
    if (allow && this.asking.has(learner)) this.typing.add(learner);
    if (!allow) this.typing.delete(learner);
    this.asking.delete(learner);
    this.watchStateChanged(learner);
  }

  /** the instructor's page shows this step: what "follow me" follows */
  focus(learner: LearnerId, pageId: string, stepId: string): void {
    if (learner === LOCAL_LEARNER) this.instructorFocus({pageId, stepId});
  }

  limitHit(learner: LearnerId, kind: LimitKind): void {
    this.o.board.onLimit(learner, kind);
    this.o.channels.toLearner(learner, {type: 'notice', kind: 'limit', limit: kind, message: LIMIT_MESSAGES[kind]});
    this.o.logger.info({learner, kind}, 'an attendee hit a resource limit');
  }

  // ------------------------------------------------------------ the instructor's board and views

  boardSocket(ws: WebSocket): void {
    this.boards.add(ws);
    const send = (m: BoardServerMessage) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(m));
    send({type: 'board', board: this.o.board.snapshot()});
    ws.on('message', (data) => {
      // the board only pings; everything it does goes through POST /api/workshop/action
      try {
        const m = JSON.parse(String(data)) as {type?: unknown; t?: unknown};
        if (m.type === 'ping' && typeof m.t === 'number') send({type: 'pong', t: m.t});
      } catch {
        /* ignored */
      }
    });
    ws.on('close', () => this.boards.delete(ws));
    ws.on('error', () => this.boards.delete(ws));
  }

  /** `/ws/watch?attendee=` (instructor) or `?broadcast=1` (attendee while broadcasting) */
  watchSocket(ws: WebSocket, who: Identity, url: URL): void {
    const refuse = (reason: string) => {
      ws.send(JSON.stringify({type: 'watch-ended', reason}));
      ws.close(1008, 'refused');
    };
    if (url.searchParams.get('broadcast') === '1') {
      if (!this.o.board.broadcasting) return refuse('the instructor is not broadcasting');
      const channel = this.o.channels.ofLearner(LOCAL_LEARNER)[0];
      if (!channel) return refuse('the instructor has no terminal open');
      const view = new TerminalWatch(ws, channel.session, {
        of: 'instructor',
        name: 'instructor',
        canType: () => false,
        maxMessageBytes: this.o.maxMessageBytes,
        onClose: () => this.broadcastViews.delete(view),
      });
      this.broadcastViews.add(view);
      return;
    }
    if (who.role !== 'instructor') return refuse('only the instructor can view attendees’ terminals');
    const attendee = this.o.state.attendee(url.searchParams.get('attendee') ?? '');
    if (!attendee) return refuse('no such attendee');
    const channel = this.o.channels.ofLearner(attendee.id)[0];
    if (!channel) return refuse(`${attendee.name} has no terminal open`);
    const set = this.watches.get(attendee.id) ?? new Set<TerminalWatch>();
    this.watches.set(attendee.id, set);
    const view = new TerminalWatch(ws, channel.session, {
      of: attendee.id,
      name: attendee.name,
      canType: () => this.typing.has(attendee.id),
      maxMessageBytes: this.o.maxMessageBytes,
      onClose: () => {
        set.delete(view);
        this.watchStateChanged(attendee.id);
      },
    });
    set.add(view);
    this.watchStateChanged(attendee.id);
  }

  async action(a: WorkshopAction): Promise<ActionResult> {
    if ('attendee' in a && !this.o.state.attendee(a.attendee))
      return {ok: false, status: 404, error: 'no-attendee', message: `no attendee ${a.attendee}`};
    switch (a.action) {
      case 'reset':
        await this.reset(a.attendee);
        return {ok: true};
      case 'catch-up': {
        const channel = this.o.channels.ofLearner(a.attendee)[0];
        if (!channel) return this.noTerminal(a.attendee);
        if (channel.catchUp?.last.state === 'running')
          return {ok: false, status: 409, error: 'busy', message: 'a catch-up is already running there'};
        void this.o.catchUp.start(channel, this.locales.get(a.attendee) ?? 'en', a.pageId, a.stepId);
        return {ok: true};
      }
      case 'take-over':
        if (!this.o.channels.ofLearner(a.attendee)[0]) return this.noTerminal(a.attendee);
        if (!this.typing.has(a.attendee)) this.asking.add(a.attendee);
        this.watchStateChanged(a.attendee);
        return {ok: true};
      case 'release':
        this.asking.delete(a.attendee);
        this.typing.delete(a.attendee);
        this.watchStateChanged(a.attendee);
        return {ok: true};
      case 'lower-hand':
        this.hand(a.attendee, false);
        return {ok: true};
      case 'broadcast':
        this.o.board.broadcasting = a.on;
        if (!a.on) for (const v of [...this.broadcastViews]) v.end('the instructor stopped broadcasting');
        this.o.board.changed();
        this.pushViews();
        return {ok: true};
      case 'follow':
        this.o.board.follow = a.on ? (this.instructorAt ?? {pageId: this.o.firstPage ?? ''}) : undefined;
        if (this.o.board.follow?.pageId === '') this.o.board.follow = undefined;
        this.o.board.changed();
        this.pushViews();
        return {ok: true};
      case 'end':
        await this.end();
        return {ok: true};
    }
  }

  /** stops every attendee's shell; results and the room's record stay on disk for the export */
  async end(): Promise<void> {
    if (this.o.state.endedAt !== undefined) return;
    this.o.state.end();
    this.pushViews();
    for (const set of this.watches.values()) for (const v of [...set]) v.end('the workshop has ended');
    for (const v of [...this.broadcastViews]) v.end('the workshop has ended');
    await Promise.all(
      this.o.state.attendees().map(async (a) => {
        await this.o.sessions.closeLearner(a.id, 'the workshop has ended');
        await this.o.shells?.release(a.id);
      }),
    );
    this.o.board.changed();
    this.o.logger.info({workshop: this.o.state.id}, 'workshop ended');
  }

  /** once a second: limits hit, and the board's idle indicators */
  tick(): void {
    this.o.shells?.checkLimits();
    this.o.board.changed();
  }

  async dispose(): Promise<void> {
    this.boardListener.dispose();
    for (const ws of this.boards) ws.close(1001, 'server shutting down');
    await this.o.shells?.dispose();
  }

  // ------------------------------------------------------------ internals

  private async reset(attendee: LearnerId): Promise<void> {
    this.asking.delete(attendee);
    this.typing.delete(attendee);
    for (const v of [...(this.watches.get(attendee) ?? [])]) v.end('the instructor reset this attendee’s sandbox');
    await this.o.sessions.closeLearner(
      attendee,
      'the instructor reset your sandbox: reload the page for a new terminal',
    );
    await this.o.shells?.release(attendee);
    await this.o.backend.resetLearner?.(attendee);
    for (const pageId of Object.keys(this.o.progress.snapshot(attendee))) this.o.progress.resetPage(attendee, pageId);
    this.o.board.reset(attendee);
    this.o.logger.info({attendee}, 'reset an attendee’s sandbox');
  }

  private noTerminal(attendee: LearnerId): ActionResult {
    const name = this.o.state.attendee(attendee)?.name ?? attendee;
    return {ok: false, status: 409, error: 'no-terminal', message: `${name} has no terminal open`};
  }

  private instructorFocus(at: {pageId: string; stepId?: string}): void {
    this.instructorAt = at;
    if (!this.o.board.follow) return;
    this.o.board.follow = at;
    this.o.board.changed();
    this.pushViews();
  }

  private watchStateChanged(attendee: LearnerId): void {
    const viewers = this.watches.get(attendee)?.size ?? 0;
    this.o.board.setWatched(
      attendee,
      this.typing.has(attendee) ? 'typing' : viewers > 0 || this.asking.has(attendee) ? 'viewing' : undefined,
    );
    for (const v of this.watches.get(attendee) ?? []) v.announce();
    this.pushView(attendee);
  }

  viewOf(attendee: LearnerId): AttendeeView {
    const a = this.o.state.attendee(attendee);
    const viewers = this.watches.get(attendee)?.size ?? 0;
    return {
      name: a?.name ?? '',
      workshopId: this.o.state.id,
      handRaised: a?.handRaisedAt !== undefined,
      instructor: this.typing.has(attendee)
        ? 'typing'
        : this.asking.has(attendee)
          ? 'asking'
          : viewers > 0
            ? 'viewing'
            : 'none',
      broadcasting: this.o.board.broadcasting,
      follow: this.o.board.follow,
      endedAt: this.o.state.endedAt,
    };
  }

  private pushView(attendee: LearnerId): void {
    this.o.channels.toLearner(attendee, {type: 'workshop', view: this.viewOf(attendee)});
  }

  private pushViews(): void {
    for (const a of this.o.state.attendees()) this.pushView(a.id);
  }

  private pushBoard(): void {
    if (this.boards.size === 0) return;
    const text = JSON.stringify({type: 'board', board: this.o.board.snapshot()} satisfies BoardServerMessage);
    // the tick asks every second, but a board that did not change is not sent again (the page keeps its own
    // clock for "2 min ago"); a board that connects later gets the snapshot on its own
    if (text === this.lastBoardText) return;
    this.lastBoardText = text;
    for (const ws of this.boards) if (ws.readyState === ws.OPEN) ws.send(text);
  }
}
