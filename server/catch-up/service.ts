/**
 * Catch-up as the lab server offers it, per terminal session: what a page needs (answered to `page` and `needs`),
 * and "Catch me up" (`catch-up`): the plan derived now, run in that session's shell by runCatchUp, every event sent
 * to each tab on the session as a `catch-up` message and kept for a tab that attaches later; when it ends, the page's
 * needs are checked again and sent.
 */
import type {Locale, ServerMessage} from '../../src/core/protocol/messages';
import type {Backend} from '../backends/types';
import type {ManifestIndex, ProgressStore} from '../engine/types';
import {createVerifyRunner} from '../engine/verify-runner';
import type {SessionChannel} from '../http/session-channel';
import {pageNeeds, type PageNeeds} from './needs';
import {runCatchUp} from './run-catch-up';

export type CatchUpMessage = Extract<ServerMessage, {type: 'catch-up'}>;

export interface CatchUpLogger {
  warn(obj: object, msg: string): void;
}

export class CatchUpService {
  constructor(
    private readonly deps: {
      backend: Backend;
      manifests: ManifestIndex;
      progress: ProgressStore;
      logger: CatchUpLogger;
    },
  ) {}

  /** What `pageId` needs, checked against this session's shell and the learner's cluster now. */
  async needs(channel: SessionChannel, locale: Locale, pageId: string): Promise<PageNeeds> {
    const session = channel.session;
    const runVerify = createVerifyRunner(await this.deps.backend.shellEnvironment(session.info.learner), {
      followShellPid: session.info.pid,
    });
    return pageNeeds({
      manifests: this.deps.manifests,
      locale,
      pageId,
      runVerify,
      progress: this.deps.progress.snapshot(session.info.learner),
      shell: session.info.id,
    });
  }

  async sendNeeds(channel: SessionChannel, locale: Locale, pageId: string, to?: (m: ServerMessage) => void) {
    try {
      const {needs, plan} = await this.needs(channel, locale, pageId);
      const message: ServerMessage = {type: 'needs', locale, pageId, needs, plan};
      if (to) to(message);
      else channel.broadcast(message);
    } catch (err) {
      this.deps.logger.warn({err, pageId}, 'could not check what the page needs');
    }
  }

  /**
   * Starts catching `channel`'s shell up to `pageId` (and, with `stepId`, also through that page's steps before
   * it: an instructor bringing an attendee to a step); a second request while one runs is ignored.
   */
  async start(channel: SessionChannel, locale: Locale, pageId: string, stepId?: string): Promise<void> {
    if (channel.catchUp?.last.state === 'running') return;
    const state = {cancelled: false};
    const handle = {
      last: {type: 'catch-up', locale, pageId, state: 'running', plan: [], done: 0} as CatchUpMessage,
      cancel: () => (state.cancelled = true),
    };
    channel.catchUp = handle;
    const send = (message: CatchUpMessage) => {
      handle.last = message;
      channel.broadcast(message);
    };
    try {
      const {plan} = await this.needs(channel, locale, pageId);
      if (stepId) plan.push(...this.stepsBefore(channel.learner, locale, pageId, stepId));
      await runCatchUp({
        engine: channel.engine,
        session: channel.session,
        locale,
        plan,
        cancelled: () => state.cancelled,
        onEvent: (event) => send({type: 'catch-up', locale, pageId, ...event}),
      });
    } catch (err) {
      this.deps.logger.warn({err, pageId}, 'catch-up failed');
      send({...handle.last, state: 'failed', message: err instanceof Error ? err.message : String(err)});
    }
    await this.sendNeeds(channel, locale, pageId);
  }

  /** the page's steps before `stepId` that the learner has not passed */
  private stepsBefore(learner: string, locale: Locale, pageId: string, stepId: string) {
    const steps = this.deps.manifests.get(locale, pageId)?.steps ?? [];
    const end = steps.findIndex((s) => s.id === stepId);
    const progress = this.deps.progress.snapshot(learner)[pageId] ?? {};
    return steps
      .slice(0, end < 0 ? 0 : end)
      .filter((s) => progress[s.id]?.status !== 'passed')
      .map((s) => ({pageId, stepId: s.id}));
  }

  cancel(channel: SessionChannel): void {
    channel.catchUp?.cancel();
  }
}
