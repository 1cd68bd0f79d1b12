/**
 * The instructor's live board (`/workshop`): the join code big enough for the back of the room, capacity, time left
 * and the room's actions (broadcast, follow me, export, end); one row per attendee with a compact grid of their steps,
 * where they are, when they last did something and whether they need help; per row: view their terminal read-only,
 * take over (with their consent), reset their sandbox, catch them up to a step, lower their hand.
 *
 * Test hooks: `[data-testid=board][data-status]`, `board-refused`, `board-code`, `board-capacity`, `board-time-left`,
 * `[data-testid=board-total][data-step][data-passed]`, `[data-testid=board-row][data-attendee][data-hand][data-stuck]
 * [data-watched][data-connected]`, `[data-testid=board-cell][data-step][data-state][data-attempts]`, `board-page`,
 * `board-reached`, `board-activity`, buttons `board-view|take-over|release|reset|catch-up|lower-hand`, `board-broadcast`,
 * `board-follow`, `board-export-csv|json`, `board-end`, `board-viewer`, `board-action-error`.
 */
import React, {useEffect, useMemo, useState, type ReactNode} from 'react';
import clsx from 'clsx';
import Link from '@docusaurus/Link';
import useDocusaurusContext from '@docusaurus/useDocusaurusContext';
import Translate, {translate} from '@docusaurus/Translate';
import type {BoardRow, BoardSnapshot, WorkshopAction} from '@site/src/core/protocol/workshop';
import {httpRefusal} from '@site/src/core/protocol/messages';
import {
  attentionOrder,
  columnGroups,
  displayJoinCode,
  elapsedSince,
  reachedColumn,
  stepKey,
  stepTotals,
  timeLeft,
} from '@site/src/core/workshop/board-view';
import WatchTerminal, {type WatchInfo} from '@site/src/components/WatchTerminal';
import {useDocPath} from '@site/src/components/Workshop/doc-paths';
import {postJson} from '@site/src/components/Workshop/info';
import {Icon} from '@site/src/components/Workshop/icons';
import ConfirmDialog from './ConfirmDialog';
import {attemptsText, elapsedText, limitText, STATE_GLYPH, stateText, stuckText} from './labels';
import {useBoard} from './use-board';
import styles from './styles.module.css';

type Pending = {kind: 'reset' | 'take-over'; row: BoardRow} | {kind: 'catch-up'; row: BoardRow} | {kind: 'end'};

/** a page's title in the board's language (English, or the id, when the snapshot has none) */
function usePageTitle(board: BoardSnapshot): (pageId: string) => string {
  const {currentLocale} = useDocusaurusContext().i18n;
  return (pageId) => board.pageTitles?.[pageId]?.[currentLocale] ?? board.pageTitles?.[pageId]?.en ?? pageId;
}

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export default function WorkshopBoard(): ReactNode {
  const {status, board} = useBoard();
  const [viewing, setViewing] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [attentionFirst, setAttentionFirst] = useState(false);

  const act = async (action: WorkshopAction) => {
    setActionError(null);
    const answer = await postJson('/api/workshop/action', action);
    if (answer.ok) return;
    const refusal = httpRefusal.safeParse(answer.body);
    setActionError(
      refusal.success
        ? refusal.data.message
        : translate({id: 'lab.board.actionFailed', message: 'The lab did not do that (no answer). Try again.'}),
    );
  };

  if (status === 'forbidden' || status === 'no-workshop') {
    return (
      <div className={styles.refused} data-testid="board-refused" data-reason={status} role="alert">
        {status === 'forbidden' ? (
          <>
            <h2>
              <Translate id="lab.board.forbidden.title">Only the instructor can open the board</Translate>
            </h2>
            <p>
              <Translate id="lab.board.forbidden.body">
                Open the instructor URL that npm run lab -- workshop start printed in its terminal: it carries the
                instructor’s key. Attendees join on the join page instead.
              </Translate>
            </p>
            <Link className="button button--secondary" to="/join">
              <Translate id="lab.board.forbidden.join">Go to the join page</Translate>
            </Link>
          </>
        ) : (
          <>
            <h2>
              <Translate id="lab.board.none.title">No workshop is running</Translate>
            </h2>
            <p>
              <Translate id="lab.board.none.body">
                Start one with npm run lab -- workshop start, then open the instructor URL it prints.
              </Translate>
            </p>
          </>
        )}
      </div>
    );
  }

  if (!board) {
    return (
      <p data-testid="board" data-status={status} role="status">
        <Translate id="lab.board.connecting">Connecting to the board…</Translate>
      </p>
    );
  }

  const ended = board.endedAt !== undefined;
  const rows = attentionFirst ? attentionOrder(board.rows) : board.rows;
  const viewed = viewing ? board.rows.find((r) => r.id === viewing) : undefined;

  return (
    <div className={styles.board} data-testid="board" data-status={status} data-ended={ended ? 'true' : 'false'}>
      <BoardHeader board={board} status={status} act={act} onEnd={() => setPending({kind: 'end'})} />
      {actionError && (
        <p className={styles.actionError} role="alert" data-testid="board-action-error">
          {actionError}{' '}
          <button type="button" className={styles.linkButton} onClick={() => setActionError(null)}>
            <Translate id="lab.board.dismiss">Dismiss</Translate>
          </button>
        </p>
      )}
      <div className={styles.tools}>
        <label className={styles.toggle}>
          <input type="checkbox" checked={attentionFirst} onChange={(e) => setAttentionFirst(e.target.checked)} />{' '}
          <Translate id="lab.board.attentionFirst">Raised hands and stuck attendees first</Translate>
        </label>
        <Legend />
      </div>
      {board.rows.length === 0 ? (
        <p className={styles.empty} data-testid="board-empty">
          <Translate id="lab.board.empty">
            Nobody has joined yet. Attendees open the join address and type the code above.
          </Translate>
        </p>
      ) : (
        <BoardTable
          board={board}
          rows={rows}
          viewing={viewing}
          ended={ended}
          onView={(row) => setViewing(viewing === row.id ? null : row.id)}
          onAsk={(kind, row) => setPending({kind, row})}
          act={act}
        />
      )}
      {viewed && (
        <ViewerPanel
          key={viewed.id}
          row={viewed}
          ended={ended}
          onClose={() => setViewing(null)}
          onTakeOver={() => setPending({kind: 'take-over', row: viewed})}
          act={act}
        />
      )}
      {pending && (
        <PendingDialog
          pending={pending}
          board={board}
          onClose={() => setPending(null)}
          act={(action) => {
            if (action.action === 'take-over') setViewing(action.attendee);
            void act(action);
          }}
        />
      )}
    </div>
  );
}

function BoardHeader({
  board,
  status,
  act,
  onEnd,
}: {
  board: BoardSnapshot;
  status: string;
  act: (action: WorkshopAction) => Promise<void>;
  onEnd(): void;
}): ReactNode {
  const now = useNow(15_000);
  const pageTitle = usePageTitle(board);
  const joinUrl = board.joinUrl ?? `${window.location.origin}/join`;
  const left = timeLeft(board.expiresAt, now);
  const ended = board.endedAt !== undefined;
  return (
    <header className={styles.header}>
      <div className={styles.joinBox}>
        <span className={styles.joinLabel}>
          <Translate id="lab.board.joinAt">Join at</Translate>
        </span>
        <span className={styles.joinUrl} data-testid="board-join-url">
          {joinUrl}
        </span>
        <span className={styles.joinLabel}>
          <Translate id="lab.board.withCode">with the code</Translate>
        </span>
        <span className={styles.code} data-testid="board-code" aria-label={board.joinCode.split('').join(' ')}>
          {displayJoinCode(board.joinCode)}
        </span>
      </div>
      <dl className={styles.facts}>
        <div>
          <dt>
            <Translate id="lab.board.attendees">Attendees</Translate>
          </dt>
          <dd data-testid="board-capacity">
            {board.rows.length} / {board.capacity}
          </dd>
        </div>
        <div>
          <dt>
            {ended ? (
              <Translate id="lab.board.ended">Ended</Translate>
            ) : (
              <Translate id="lab.board.timeLeft">Time left</Translate>
            )}
          </dt>
          <dd data-testid="board-time-left">
            {ended
              ? new Date(board.endedAt!).toLocaleTimeString()
              : left
                ? `${left.hours}:${String(left.minutes).padStart(2, '0')}`
                : translate({id: 'lab.board.expired', message: 'expired'})}
          </dd>
        </div>
        {status === 'reconnecting' && (
          <div className={styles.reconnecting} role="status">
            <Translate id="lab.board.reconnecting">Reconnecting… (the board shows the last state it had)</Translate>
          </div>
        )}
      </dl>
      <div className={styles.headerActions}>
        <button
          type="button"
          className={clsx(styles.button, board.broadcasting && styles.on)}
          data-testid="board-broadcast"
          aria-pressed={board.broadcasting}
          disabled={ended}
          onClick={() => void act({action: 'broadcast', on: !board.broadcasting})}
          title={translate({
            id: 'lab.board.broadcast.title',
            message: 'Show your own terminal, read-only, to every attendee',
          })}
        >
          <Icon name="broadcast" />{' '}
          {board.broadcasting ? (
            <Translate id="lab.board.broadcast.on">Broadcasting my terminal · stop</Translate>
          ) : (
            <Translate id="lab.board.broadcast.off">Broadcast my terminal</Translate>
          )}
        </button>
        <button
          type="button"
          className={clsx(styles.button, board.follow && styles.on)}
          data-testid="board-follow"
          aria-pressed={board.follow !== undefined}
          disabled={ended}
          onClick={() => void act({action: 'follow', on: board.follow === undefined})}
          title={translate({
            id: 'lab.board.follow.title',
            message: 'Attendees’ pages go to the step your own page shows (each attendee can leave)',
          })}
        >
          <span aria-hidden="true">➜</span>{' '}
          {board.follow ? (
            <Translate id="lab.board.follow.on" values={{page: pageTitle(board.follow.pageId)}}>
              {'Follow me: on ({page}) · stop'}
            </Translate>
          ) : (
            <Translate id="lab.board.follow.off">Follow me</Translate>
          )}
        </button>
        <a className={styles.button} href="/api/workshop/export.csv" download data-testid="board-export-csv">
          <Translate id="lab.board.export.csv">Export CSV</Translate>
        </a>
        <a className={styles.button} href="/api/workshop/export.json" download data-testid="board-export-json">
          <Translate id="lab.board.export.json">Export JSON</Translate>
        </a>
        <button
          type="button"
          className={clsx(styles.button, styles.danger)}
          data-testid="board-end"
          disabled={ended}
          onClick={onEnd}
        >
          <Translate id="lab.board.end">End workshop</Translate>
        </button>
      </div>
    </header>
  );
}

function Legend(): ReactNode {
  return (
    <ul className={styles.legend} aria-label={translate({id: 'lab.board.legend', message: 'Legend'})}>
      {(['passed', 'failed', 'running', 'caught-up', 'none'] as const).map((state) => (
        <li key={state}>
          <span className={clsx(styles.cell, styles[`cell-${state}`])} aria-hidden="true">
            {STATE_GLYPH[state]}
          </span>{' '}
          {stateText(state)}
        </li>
      ))}
    </ul>
  );
}

function BoardTable({
  board,
  rows,
  viewing,
  ended,
  onView,
  onAsk,
  act,
}: {
  board: BoardSnapshot;
  rows: BoardRow[];
  viewing: string | null;
  ended: boolean;
  onView(row: BoardRow): void;
  onAsk(kind: 'reset' | 'take-over' | 'catch-up', row: BoardRow): void;
  act: (action: WorkshopAction) => Promise<void>;
}): ReactNode {
  const now = useNow(5_000);
  const docPath = useDocPath();
  const pageTitle = usePageTitle(board);
  const totals = useMemo(() => stepTotals(board), [board]);
  const groups = useMemo(() => columnGroups(board.columns), [board.columns]);
  const n = board.rows.length;
  return (
    <div className={styles.tableWrap}>
      <table className={styles.table} data-testid="board-table">
        <thead>
          <tr>
            <th rowSpan={3} className={styles.nameHead} scope="col">
              <Translate id="lab.board.col.attendee">Attendee</Translate>
            </th>
            <th rowSpan={3} scope="col">
              <Translate id="lab.board.col.page">Page now</Translate>
            </th>
            <th rowSpan={3} scope="col">
              <Translate id="lab.board.col.reached">Reached</Translate>
            </th>
            {groups.map((group, i) => (
              <th key={group.start} colSpan={group.span} scope="colgroup" className={styles.groupHead}>
                <Link to={docPath(group.pageId) ?? '#'} title={pageTitle(group.pageId)} data-page={group.pageId}>
                  {i + 1}. {pageTitle(group.pageId)}
                </Link>
              </th>
            ))}
            <th rowSpan={3} scope="col">
              <Translate id="lab.board.col.activity">Last activity</Translate>
            </th>
            <th rowSpan={3} scope="col" className={styles.actions}>
              <Translate id="lab.board.col.actions">Actions</Translate>
            </th>
          </tr>
          <tr>
            {board.columns.map((column, i) => (
              <th
                key={stepKey(column.pageId, column.stepId)}
                scope="col"
                className={styles.stepHead}
                title={column.title}
              >
                {i + 1 - (groups.find((g) => i >= g.start && i < g.start + g.span)?.start ?? 0)}
              </th>
            ))}
          </tr>
          <tr>
            {board.columns.map((column, i) => {
              const total = totals[i]!;
              const key = stepKey(column.pageId, column.stepId);
              return (
                <th
                  key={key}
                  scope="col"
                  className={clsx(styles.totalHead, n > 0 && total.passed === n && styles.totalAll)}
                  data-testid="board-total"
                  data-step={key}
                  data-passed={total.passed}
                  title={translate(
                    {
                      id: 'lab.board.total.title',
                      message:
                        '{title}: {passed} of {n} passed, {caughtUp} caught up, {failed} failed, {running} running',
                    },
                    {
                      title: column.title,
                      passed: total.passed,
                      n,
                      caughtUp: total.caughtUp,
                      failed: total.failed,
                      running: total.running,
                    },
                  )}
                >
                  {total.passed}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const reached = reachedColumn(row, board.columns);
            const reachedCol = reached >= 0 ? board.columns[reached] : undefined;
            const pagePath = row.pageId ? docPath(row.pageId) : undefined;
            return (
              <tr
                key={row.id}
                className={clsx(viewing === row.id && styles.rowViewed, !row.connected && styles.rowAway)}
                data-testid="board-row"
                data-attendee={row.id}
                data-name={row.name}
                data-hand={row.handRaisedAt !== undefined ? 'up' : 'down'}
                data-stuck={row.stuck}
                data-watched={row.watched}
                data-connected={row.connected ? 'true' : 'false'}
              >
                <th scope="row" className={styles.nameCell}>
                  <span
                    className={clsx(styles.presence, row.connected ? styles.online : styles.offline)}
                    title={
                      row.connected
                        ? translate({id: 'lab.board.connected', message: 'Connected'})
                        : translate({id: 'lab.board.away', message: 'Not connected'})
                    }
                  >
                    {row.connected ? '●' : '○'}
                  </span>{' '}
                  <span className={styles.name}>{row.name}</span>
                  <span className={styles.flags}>
                    {row.handRaisedAt !== undefined && (
                      <span
                        className={clsx(styles.flag, styles.flagHand)}
                        data-testid="board-hand"
                        title={translate({id: 'lab.board.hand', message: 'Hand raised'})}
                      >
                        <Icon name="hand" size={12} /> <Translate id="lab.board.hand.short">hand</Translate>
                      </span>
                    )}
                    {row.stuck && (
                      <span
                        className={clsx(styles.flag, styles.flagStuck)}
                        data-testid="board-stuck"
                        title={stuckText(row.stuck)}
                      >
                        ⚠{' '}
                        {row.stuck === 'failed-twice' ? (
                          <Translate id="lab.board.stuck.short.failed">failed ×2</Translate>
                        ) : (
                          <Translate id="lab.board.stuck.short.idle">idle</Translate>
                        )}
                      </span>
                    )}
                    {row.limit && (
                      <span
                        className={clsx(styles.flag, styles.flagLimit)}
                        data-testid="board-limit"
                        data-limit={row.limit.kind}
                        title={`${limitText(row.limit.kind)} · ${elapsedText(elapsedSince(row.limit.at, now))}`}
                      >
                        <Icon name="stop" size={12} /> {row.limit.kind}
                      </span>
                    )}
                    {row.watched && (
                      <span className={clsx(styles.flag, styles.flagWatched)} data-testid="board-watched">
                        {row.watched === 'typing' ? (
                          <>
                            <Icon name="keyboard" size={12} />{' '}
                            <Translate id="lab.board.watched.typing">you type</Translate>
                          </>
                        ) : (
                          <>
                            <Icon name="eye" size={12} /> <Translate id="lab.board.watched.viewing">viewed</Translate>
                          </>
                        )}
                      </span>
                    )}
                  </span>
                </th>
                <td data-testid="board-page" className={styles.pageCell}>
                  {row.pageId ? (
                    <Link to={pagePath ?? '#'} data-page={row.pageId}>
                      {pageTitle(row.pageId)}
                    </Link>
                  ) : (
                    '—'
                  )}
                </td>
                <td data-testid="board-reached" className={styles.reachedCell} title={reachedCol?.title}>
                  {reachedCol ? `${reached + 1}/${board.columns.length}` : '—'}
                </td>
                {board.columns.map((column) => {
                  const key = stepKey(column.pageId, column.stepId);
                  const cell = row.steps[key];
                  const state = cell?.state ?? 'none';
                  const label = `${column.title}: ${stateText(state)}${cell ? ` · ${attemptsText(cell.attempts)}` : ''}`;
                  return (
                    <td
                      key={key}
                      className={styles.cellTd}
                      data-testid="board-cell"
                      data-step={key}
                      data-state={state}
                      data-attempts={cell?.attempts ?? 0}
                      title={label}
                    >
                      <span className={clsx(styles.cell, styles[`cell-${state}`])} aria-label={label} role="img">
                        {STATE_GLYPH[state]}
                      </span>
                    </td>
                  );
                })}
                <td data-testid="board-activity" className={styles.activity}>
                  {elapsedText(elapsedSince(row.lastActivityAt, now))}
                </td>
                <td className={styles.actions}>
                  <button
                    type="button"
                    className={clsx(styles.small, viewing === row.id && styles.on)}
                    data-testid="board-view"
                    aria-pressed={viewing === row.id}
                    onClick={() => onView(row)}
                  >
                    <Translate id="lab.board.view">View</Translate>
                  </button>
                  {row.watched === 'typing' ? (
                    <button
                      type="button"
                      className={styles.small}
                      data-testid="board-release"
                      onClick={() => void act({action: 'release', attendee: row.id})}
                    >
                      <Translate id="lab.board.release">Release</Translate>
                    </button>
                  ) : (
                    <button
                      type="button"
                      className={styles.small}
                      data-testid="board-take-over"
                      disabled={ended || !row.connected}
                      onClick={() => onAsk('take-over', row)}
                    >
                      <Translate id="lab.board.takeOver">Take over…</Translate>
                    </button>
                  )}
                  <button
                    type="button"
                    className={styles.small}
                    data-testid="board-catch-up"
                    disabled={ended || board.columns.length === 0}
                    onClick={() => onAsk('catch-up', row)}
                  >
                    <Translate id="lab.board.catchUp">Catch up…</Translate>
                  </button>
                  <button
                    type="button"
                    className={styles.small}
                    data-testid="board-reset"
                    disabled={ended}
                    onClick={() => onAsk('reset', row)}
                  >
                    <Translate id="lab.board.reset">Reset…</Translate>
                  </button>
                  {row.handRaisedAt !== undefined && (
                    <button
                      type="button"
                      className={styles.small}
                      data-testid="board-lower-hand"
                      onClick={() => void act({action: 'lower-hand', attendee: row.id})}
                    >
                      <Translate id="lab.board.lowerHand">Lower hand</Translate>
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function ViewerPanel({
  row,
  ended,
  onClose,
  onTakeOver,
  act,
}: {
  row: BoardRow;
  ended: boolean;
  onClose(): void;
  onTakeOver(): void;
  act: (action: WorkshopAction) => Promise<void>;
}): ReactNode {
  const [info, setInfo] = useState<WatchInfo>({status: 'connecting'});
  const typing = info.mode === 'typing';
  return (
    <section
      className={styles.viewer}
      data-testid="board-viewer"
      data-attendee={row.id}
      data-mode={info.mode}
      aria-label={translate({id: 'lab.board.viewer.label', message: 'Terminal of {name}'}, {name: row.name})}
    >
      <header className={styles.viewerHeader}>
        <strong>{translate({id: 'lab.board.viewer.label', message: 'Terminal of {name}'}, {name: row.name})}</strong>
        <span
          className={clsx(styles.flag, typing ? styles.flagTyping : styles.flagWatched)}
          data-testid="board-viewer-mode"
        >
          {typing ? (
            <Translate id="lab.board.viewer.typing">you are typing in it</Translate>
          ) : (
            <Translate id="lab.board.viewer.readOnly">read-only</Translate>
          )}
        </span>
        <span className={styles.spacer} />
        {typing ? (
          <button
            type="button"
            className={styles.small}
            onClick={() => void act({action: 'release', attendee: row.id})}
          >
            <Translate id="lab.board.release">Release</Translate>
          </button>
        ) : (
          <button type="button" className={styles.small} disabled={ended || !row.connected} onClick={onTakeOver}>
            <Translate id="lab.board.takeOver">Take over…</Translate>
          </button>
        )}
        <button type="button" className={styles.small} data-testid="board-viewer-close" onClick={onClose}>
          <Translate id="lab.board.viewer.close">Close</Translate>
        </button>
      </header>
      <WatchTerminal source={{attendee: row.id}} onInfo={setInfo} />
    </section>
  );
}

function PendingDialog({
  pending,
  board,
  onClose,
  act,
}: {
  pending: Pending;
  board: BoardSnapshot;
  onClose(): void;
  act(action: WorkshopAction): void;
}): ReactNode {
  const [column, setColumn] = useState(0);
  const groups = columnGroups(board.columns);
  switch (pending.kind) {
    case 'end':
      return (
        <ConfirmDialog
          danger
          title={<Translate id="lab.board.end.confirm.title">End the workshop now?</Translate>}
          confirmLabel={<Translate id="lab.board.end.confirm">End workshop</Translate>}
          onConfirm={() => act({action: 'end'})}
          onClose={onClose}
        >
          <p>
            <Translate id="lab.board.end.confirm.body">
              Every attendee’s shell and sandbox stop now. Their results stay on this laptop for the export.
            </Translate>
          </p>
        </ConfirmDialog>
      );
    case 'reset':
      return (
        <ConfirmDialog
          danger
          title={
            <Translate id="lab.board.reset.confirm.title" values={{name: pending.row.name}}>
              {'Reset the sandbox of {name}?'}
            </Translate>
          }
          confirmLabel={<Translate id="lab.board.reset.confirm">Reset sandbox</Translate>}
          onConfirm={() => act({action: 'reset', attendee: pending.row.id})}
          onClose={onClose}
        >
          <p>
            <Translate id="lab.board.reset.confirm.body">
              Their cluster and shell start again from nothing (their results so far stay in the export). Use it when
              their cluster is beyond repair.
            </Translate>
          </p>
        </ConfirmDialog>
      );
    case 'take-over':
      return (
        <ConfirmDialog
          title={
            <Translate id="lab.board.takeOver.confirm.title" values={{name: pending.row.name}}>
              {'Ask {name} to let you type?'}
            </Translate>
          }
          confirmLabel={<Translate id="lab.board.takeOver.confirm">Ask</Translate>}
          onConfirm={() => act({action: 'take-over', attendee: pending.row.id})}
          onClose={onClose}
        >
          <p>
            <Translate id="lab.board.takeOver.confirm.body">
              They see your request and choose; once they allow it, what you type in the viewer goes to their terminal,
              and they see a banner until you release it.
            </Translate>
          </p>
        </ConfirmDialog>
      );
    case 'catch-up': {
      const target = board.columns[column];
      return (
        <ConfirmDialog
          title={
            <Translate id="lab.board.catchUp.confirm.title" values={{name: pending.row.name}}>
              {'Catch {name} up to a step'}
            </Translate>
          }
          confirmLabel={<Translate id="lab.board.catchUp.confirm">Catch up</Translate>}
          onConfirm={() =>
            target && act({action: 'catch-up', attendee: pending.row.id, pageId: target.pageId, stepId: target.stepId})
          }
          onClose={onClose}
        >
          <p>
            <Translate id="lab.board.catchUp.confirm.body">
              The steps before the one you pick run in their shell, as lab run does; the board marks them caught up, not
              passed. They do the step you pick themselves.
            </Translate>
          </p>
          <label className={styles.selectLabel}>
            <Translate id="lab.board.catchUp.step">Step to reach</Translate>{' '}
            <select
              data-testid="board-catch-up-step"
              value={column}
              onChange={(event) => setColumn(Number(event.target.value))}
            >
              {groups.map((group, g) => (
                <optgroup key={group.start} label={`${g + 1}. ${group.pageId}`}>
                  {board.columns.slice(group.start, group.start + group.span).map((c, i) => (
                    <option
                      key={stepKey(c.pageId, c.stepId)}
                      value={group.start + i}
                      data-step={stepKey(c.pageId, c.stepId)}
                    >
                      {g + 1}.{i + 1} {c.title}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </label>
        </ConfirmDialog>
      );
    }
  }
}
