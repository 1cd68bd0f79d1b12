/**
 * Workshop mode's composition: from the lab's options to a running workshop (its state, board, join limiter,
 * attendees' isolated shells and the hub), and the checks that must hold before any attendee can join: the sandbox
 * backend, and on the LAN isolated shells (bubblewrap, and root to give each attendee a uid).
 */
import path from 'node:path';
import type {Backend} from '../backends/types';
import type {LabOptions} from '../config/options';
import type {Logger} from '../config/logger';
import type {ManifestIndex, ProgressStore} from '../engine/types';
import {locale} from '../../src/core/protocol/messages';
import type {CatchUpService} from '../catch-up/service';
import type {SessionChannels, SessionSource} from '../http/session-channels';
import {BWRAP_INSTALL_HINT, probeIsolation, type IsolationProbe} from '../isolation/probe';
import type {AttendeeLimits} from '../isolation/isolated-shell';
import {AttendeeShells} from './attendee-shells';
import {Board, type BoardColumn} from './board';
import {WorkshopHub} from './hub';
import {JoinLimiter} from './join-limiter';
import {WorkshopState} from './workshop-state';

export class WorkshopStartError extends Error {}

export interface RunningWorkshop {
  state: WorkshopState;
  board: Board;
  limiter: JoinLimiter;
  /** undefined: attendees get ordinary shells (loopback only, and the operator was warned) */
  shells?: AttendeeShells;
  /** the progress store as the server should use it: step results also land on the board */
  progress: ProgressStore;
  /** why attendee shells are not isolated, when they are not */
  notIsolated?: string;
  connect(parts: {
    channels: SessionChannels;
    sessions: SessionSource | (SessionSource & {closeLearner(learner: string, reason: string): Promise<void>});
    catchUp: CatchUpService;
  }): WorkshopHub;
  dispose(): Promise<void>;
}

export interface StartWorkshopInput {
  options: LabOptions;
  backend: Backend;
  manifests: ManifestIndex;
  progress: ProgressStore;
  logger: Logger;
  /** tests: what the machine offers (default: probed) */
  probe?: IsolationProbe;
  /** attendees' limits over DEFAULT_ATTENDEE_LIMITS */
  limits?: Partial<AttendeeLimits>;
}

export function startWorkshop(input: StartWorkshopInput): RunningWorkshop {
  const {options, backend, manifests, logger} = input;
  const settings = options.workshop;
  if (!settings) throw new WorkshopStartError('workshop mode was not asked for');
  if (backend.name !== 'sandbox' || !backend.prepareIsolated) {
    throw new WorkshopStartError(
      'workshop mode runs on the sandbox backend: every attendee gets a simulated cluster of their own (drop --backend host)',
    );
  }
  const probe = input.probe ?? probeIsolation();
  const notIsolated = !probe.bwrap
    ? `bubblewrap is not installed: ${BWRAP_INSTALL_HINT}`
    : !probe.root
      ? 'the lab does not run as root, so it cannot give each attendee a user of their own'
      : undefined;
  if (settings.lan && notIsolated) {
    throw new WorkshopStartError(
      `--lan puts attendees' shells on this machine, so they must be isolated, and they cannot be: ${notIsolated}`,
    );
  }
  const columns = columnsOf(manifests, settings.pages);
  if (columns.length === 0)
    throw new WorkshopStartError(`no steps in the pages in scope (${settings.pages.join(', ')})`);
  const problems: string[] = [];
  const state = WorkshopState.open(
    options.stateDir,
    {capacity: settings.capacity, durationMs: settings.durationMinutes * 60_000, pages: settings.pages},
    {fresh: settings.fresh, problems},
  );
  for (const p of problems) logger.warn({problem: p}, 'workshop state');
  const dir = path.join(options.stateDir, 'workshop');
  const board = new Board({workshop: state, columns, pageTitles: pageTitlesOf(manifests, columns), dir});
  const limiter = new JoinLimiter();
  let hub: WorkshopHub | undefined;
  const shells = notIsolated
    ? undefined
    : new AttendeeShells({
        dir: path.join(dir, state.id),
        probe,
        backend,
        uidOf: (learner) => state.attendee(learner)?.uid,
        // a size-limited HOME where loop mounts work; elsewhere IsolatedShell falls back to the per-file limit
        homeVolumes: true,
        limits: input.limits,
        onLimit: (learner, kind) => hub?.limitHit(learner, kind),
        logger,
      });
  if (notIsolated) logger.warn({reason: notIsolated}, 'attendee shells are NOT isolated (loopback-only workshop)');
  const progress = observeProgress(input.progress, state, board);
  let timer: NodeJS.Timeout | undefined;
  return {
    state,
    board,
    limiter,
    shells,
    progress,
    notIsolated,
    connect(parts) {
      hub = new WorkshopHub({
        state,
        board,
        shells,
        channels: parts.channels,
        sessions: {
          closeLearner: (l, r) =>
            'closeLearner' in parts.sessions ? parts.sessions.closeLearner(l, r) : Promise.resolve(),
        },
        backend,
        catchUp: parts.catchUp,
        progress,
        firstPage: columns[0]?.pageId,
        maxMessageBytes: options.maxMessageBytes,
        logger,
      });
      timer = setInterval(() => hub?.tick(), 1000);
      timer.unref();
      return hub;
    },
    async dispose() {
      if (timer) clearInterval(timer);
      await hub?.dispose();
      if (!hub) await shells?.dispose();
    },
  };
}

/** the board's columns: every step of the pages in scope, in walkthrough order (English titles: ids are shared) */
function columnsOf(manifests: ManifestIndex, pages: string[]): BoardColumn[] {
  const inScope = (id: string) => pages.length === 0 || pages.includes(id);
  return manifests
    .pages('en')
    .filter((p) => inScope(p.pageId))
    .flatMap((p) => p.steps.map((s) => ({pageId: p.pageId, stepId: s.id, title: firstLine(s.command)})));
}

/** the title of every page with a column, in each locale the site has */
function pageTitlesOf(manifests: ManifestIndex, columns: BoardColumn[]): Record<string, Record<string, string>> {
  const titles: Record<string, Record<string, string>> = {};
  for (const pageId of new Set(columns.map((c) => c.pageId))) {
    titles[pageId] = {};
    for (const l of locale.options) {
      const page = manifests.pages(l).find((p) => p.pageId === pageId);
      if (page?.title) titles[pageId][l] = page.title;
    }
  }
  return titles;
}

function firstLine(command: string): string {
  const line = command.split('\n')[0] ?? '';
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

/** the progress store, seen through the board: every attendee's step result lands on it */
function observeProgress(progress: ProgressStore, state: WorkshopState, board: Board): ProgressStore {
  return {
    snapshot: (learner) => progress.snapshot(learner),
    resetPage: (learner, pageId) => progress.resetPage(learner, pageId),
    record: (learner, result) => {
      progress.record(learner, result);
      if (!state.attendee(learner)) return;
      if (result.via === 'catch-up' && result.status === 'passed')
        board.onCaughtUp(learner, result.pageId, result.stepId);
      else board.onStep(learner, result);
    },
  };
}
