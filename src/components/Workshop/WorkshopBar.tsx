/**
 * The attendee's workshop bar, fixed above the docked terminal on every page: the attendee's name, "Raise hand", follow mode,
 * the instructor's broadcast (opens a read-only viewer), and the banners the server's `workshop` message calls for:
 * the instructor viewing this terminal, asking to type in it (Allow / Deny), typing in it; the workshop ended.
 *
 * Test hooks: `[data-testid=workshop-bar][data-following][data-hand]`, `workshop-hand`, `workshop-follow`,
 * `workshop-broadcast-open`, `[data-testid=workshop-banner][data-kind=viewing|asking|typing|broadcast]`,
 * `workshop-consent-allow`, `workshop-consent-deny`, `workshop-ended`, `workshop-broadcast-viewer`.
 */
import React, {useEffect, useRef, useState, type ReactNode} from 'react';
import clsx from 'clsx';
import {useHistory, useLocation} from '@docusaurus/router';
import Translate, {translate} from '@docusaurus/Translate';
import {useLab} from '@site/src/components/LabProvider';
import WatchTerminal from '@site/src/components/WatchTerminal';
import {followKey, followMove} from '@site/src/core/workshop/follow';
import {useWorkshop} from './context';
import {scrollToStep, useDocPath} from './doc-paths';
import {Icon} from './icons';
import styles from './styles.module.css';

export default function WorkshopBar(): ReactNode {
  const lab = useLab();
  const {info, following, setFollowing} = useWorkshop();
  const view = lab.workshop;
  const [broadcastOpen, setBroadcastOpen] = useState(false);
  const [handPending, setHandPending] = useState<boolean | null>(null);

  // an attendee is here for the terminal: connect it on every page, not only on pages with steps
  const {activate} = lab;
  useEffect(() => activate(), [activate]);

  useFollow(following);

  // the server's word wins over the optimistic one as soon as it comes
  useEffect(() => setHandPending(null), [view?.handRaised]);
  useEffect(() => {
    if (!view?.broadcasting) setBroadcastOpen(false);
  }, [view?.broadcasting]);

  const name = view?.name ?? info?.name ?? '';
  const handUp = handPending ?? view?.handRaised ?? false;
  const connected = lab.status === 'open';
  const ended = view?.endedAt !== undefined || info?.state === 'ended';

  const toggleHand = () => {
    const up = !handUp;
    if (lab.sendWorkshop({type: 'hand', up})) setHandPending(up);
  };

  if (ended) return <EndedOverlay />;

  return (
    <div className={styles.layer}>
      <div
        className={styles.bar}
        data-testid="workshop-bar"
        data-following={following ? 'true' : 'false'}
        data-hand={handUp ? 'up' : 'down'}
        role="region"
        aria-label={translate({id: 'lab.workshop.bar.label', message: 'Workshop'})}
      >
        <span
          className={styles.who}
          title={translate({id: 'lab.workshop.bar.you', message: 'Your name in this workshop'})}
        >
          <Icon name="person" /> {name}
        </span>
        <button
          type="button"
          className={clsx(styles.barButton, handUp && styles.handUp)}
          data-testid="workshop-hand"
          aria-pressed={handUp}
          disabled={!connected}
          onClick={toggleHand}
        >
          <Icon name="hand" />{' '}
          {handUp ? (
            <Translate id="lab.workshop.hand.lower">Lower hand</Translate>
          ) : (
            <Translate id="lab.workshop.hand.raise">Raise hand</Translate>
          )}
        </button>
        {view?.follow && (
          <button
            type="button"
            className={clsx(styles.barButton, following && styles.following)}
            data-testid="workshop-follow"
            aria-pressed={following}
            onClick={() => setFollowing(!following)}
            title={translate({
              id: 'lab.workshop.follow.title',
              message: 'While you follow, your page goes to the step the instructor is on.',
            })}
          >
            {following ? (
              <Translate id="lab.workshop.follow.leave">Following the instructor · leave</Translate>
            ) : (
              <Translate id="lab.workshop.follow.again">Follow the instructor again</Translate>
            )}
          </button>
        )}
        {view?.broadcasting && (
          <button
            type="button"
            className={clsx(styles.barButton, styles.primary)}
            data-testid="workshop-broadcast-open"
            aria-pressed={broadcastOpen}
            onClick={() => setBroadcastOpen(!broadcastOpen)}
          >
            <Icon name="broadcast" />{' '}
            {broadcastOpen ? (
              <Translate id="lab.workshop.broadcast.hide">Hide the instructor’s terminal</Translate>
            ) : (
              <Translate id="lab.workshop.broadcast.show">Watch the instructor’s terminal</Translate>
            )}
          </button>
        )}
      </div>
      {view && view.instructor !== 'none' && <InstructorBanner mode={view.instructor} />}
      {broadcastOpen && (
        <section
          className={styles.viewer}
          data-testid="workshop-broadcast-viewer"
          aria-label={translate({id: 'lab.workshop.broadcast.label', message: 'The instructor’s terminal (read-only)'})}
        >
          <header className={styles.viewerHeader}>
            <span>
              <Translate id="lab.workshop.broadcast.label">The instructor’s terminal (read-only)</Translate>
            </span>
            <button
              type="button"
              className={styles.close}
              onClick={() => setBroadcastOpen(false)}
              aria-label={translate({id: 'lab.workshop.close', message: 'Close'})}
            >
              ✕
            </button>
          </header>
          <WatchTerminal source={{broadcast: true}} />
        </section>
      )}
    </div>
  );
}

function InstructorBanner({mode}: {mode: 'viewing' | 'asking' | 'typing'}): ReactNode {
  const lab = useLab();
  const [answered, setAnswered] = useState(false);
  useEffect(() => setAnswered(false), [mode]);
  const answer = (allow: boolean) => {
    if (lab.sendWorkshop({type: 'consent', allow})) setAnswered(true);
  };
  return (
    <div
      className={clsx(styles.banner, mode === 'asking' && styles.bannerAsk, mode === 'typing' && styles.bannerTyping)}
      data-testid="workshop-banner"
      data-kind={mode}
      role={mode === 'asking' ? 'alertdialog' : 'status'}
      aria-live="polite"
    >
      <span className={styles.bannerIcon} aria-hidden="true">
        <Icon name={mode === 'viewing' ? 'eye' : 'keyboard'} size={18} />
      </span>
      <span className={styles.bannerText}>
        {mode === 'viewing' && (
          <Translate id="lab.workshop.instructor.viewing">
            The instructor is looking at your terminal (read-only: they cannot type in it).
          </Translate>
        )}
        {mode === 'asking' && (
          <Translate id="lab.workshop.instructor.asking">
            The instructor asks to type in your terminal. You can take it back at any time.
          </Translate>
        )}
        {mode === 'typing' && (
          <Translate id="lab.workshop.instructor.typing">
            The instructor is typing in your terminal. Watch it below; you can take it back at any time.
          </Translate>
        )}
      </span>
      {mode === 'asking' && (
        <span className={styles.bannerActions}>
          <button
            type="button"
            className={clsx(styles.barButton, styles.primary)}
            data-testid="workshop-consent-allow"
            disabled={answered}
            onClick={() => answer(true)}
          >
            <Translate id="lab.workshop.consent.allow">Allow</Translate>
          </button>
          <button
            type="button"
            className={styles.barButton}
            data-testid="workshop-consent-deny"
            disabled={answered}
            onClick={() => answer(false)}
          >
            <Translate id="lab.workshop.consent.deny">Deny</Translate>
          </button>
        </span>
      )}
      {mode === 'typing' && (
        <button
          type="button"
          className={styles.barButton}
          data-testid="workshop-consent-revoke"
          onClick={() => answer(false)}
        >
          <Translate id="lab.workshop.consent.revoke">Take my terminal back</Translate>
        </button>
      )}
    </div>
  );
}

/** The end of the workshop, over the page until the attendee closes it (the terminal's status still says so). */
function EndedOverlay(): ReactNode {
  const [closed, setClosed] = useState(false);
  if (closed) return null;
  return (
    <div className={styles.ended} data-testid="workshop-ended" role="alert">
      <div className={styles.endedCard}>
        <p className={styles.endedTitle}>
          <Translate id="lab.workshop.ended.title">The workshop has ended</Translate>
        </p>
        <p>
          <Translate id="lab.workshop.ended.body">
            Thank you for taking part. Your terminal and sandbox are closed; the instructor keeps the results of your
            steps. The pages stay here to read.
          </Translate>
        </p>
        <button
          type="button"
          className={styles.barButton}
          data-testid="workshop-ended-close"
          onClick={() => setClosed(true)}
        >
          <Translate id="lab.workshop.ended.close">Close</Translate>
        </button>
      </div>
    </div>
  );
}

/** "Follow me": go to the page and step the instructor is on, once per move, while following. */
function useFollow(following: boolean): void {
  const lab = useLab();
  const target = lab.workshop?.follow;
  const history = useHistory();
  const location = useLocation();
  const docPath = useDocPath();
  const applied = useRef<string | undefined>(undefined);

  useEffect(() => {
    if (!following) applied.current = undefined; // following again goes to where the instructor is now
  }, [following]);

  const key = followKey(target);
  useEffect(() => {
    const move = followMove(target, applied.current, following);
    if (!move) return;
    const path = docPath(move.pageId);
    if (!path) return;
    applied.current = followKey(move);
    if (location.pathname !== path) history.push(path);
    return scrollToStep(move.stepId);
    // only the target and follow mode move the page (not a navigation of the attendee's own)
  }, [key, following]);
}
