/**
 * The join page's form: the join code (as read off the projector or from the QR code's `?code=`) and a display name;
 * `POST /api/workshop/join` sets the attendee's cookie and the page goes to the first page of the workshop. A refusal
 * is said in the attendee's words, per reason; a rate limit counts down before the next try.
 *
 * Test hooks: `[data-testid=join-form][data-state]`, `join-code`, `join-name`, `join-submit`,
 * `[data-testid=join-error][data-code]`, `join-already`, `join-status`.
 */
import React, {useEffect, useState, type FormEvent, type ReactNode} from 'react';
import Link from '@docusaurus/Link';
import Translate, {translate} from '@docusaurus/Translate';
import {joinAccepted, joinRefusal, type JoinRefusalCode, type WorkshopInfo} from '@site/src/core/protocol/workshop';
import {compactJoinCode, displayJoinCode, looksLikeJoinCode} from '@site/src/core/workshop/board-view';
import {useWorkshop} from './context';
import {useDocPath} from './doc-paths';
import {postJson} from './info';
import styles from './join.module.css';

const NAME_MAX = 40;
const FALLBACK_PAGE = 'before-you-begin';

type ErrorCode = JoinRefusalCode | 'network' | 'code-shape' | 'name-empty';

function refusalText(code: ErrorCode, retryAfter: number): string {
  switch (code) {
    case 'bad-code':
      return translate({
        id: 'lab.join.error.badCode',
        message:
          'That join code is not right. Check it on the instructor’s screen: six letters and digits, like ACD-EFG.',
      });
    case 'code-shape':
      return translate({
        id: 'lab.join.error.codeShape',
        message: 'A join code has six letters and digits, like ACD-EFG.',
      });
    case 'bad-name':
      return translate({
        id: 'lab.join.error.badName',
        message: 'That name cannot be used. Try a first name or a nickname, up to 40 characters.',
      });
    case 'name-empty':
      return translate({id: 'lab.join.error.nameEmpty', message: 'Type the name the instructor will see.'});
    case 'full':
      return translate({
        id: 'lab.join.error.full',
        message: 'The workshop is full: it has as many attendees as the instructor allowed. Ask the instructor.',
      });
    case 'ended':
      return translate({id: 'lab.join.error.ended', message: 'This workshop has ended.'});
    case 'rate-limited':
      return translate(
        {
          id: 'lab.join.error.rateLimited',
          message: 'Too many wrong codes were tried from here. Try again in {seconds} s.',
        },
        {seconds: retryAfter},
      );
    case 'no-workshop':
      return translate({
        id: 'lab.join.error.noWorkshop',
        message: 'No workshop is running on this lab. Check the address with the instructor.',
      });
    case 'network':
      return translate({
        id: 'lab.join.error.network',
        message: 'The lab did not answer. Are you on the same network as the instructor?',
      });
  }
}

export default function JoinForm(): ReactNode {
  const {info} = useWorkshop();
  const docPath = useDocPath();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<{code: ErrorCode; message?: string} | null>(null);
  const [retryUntil, setRetryUntil] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const fromUrl = new URLSearchParams(window.location.search).get('code');
    if (fromUrl) setCode(displayJoinCode(fromUrl));
  }, []);

  const waiting = retryUntil > now;
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [waiting]);
  const retryIn = Math.max(0, Math.ceil((retryUntil - now) / 1000));

  const landing = (firstPage: string | undefined) =>
    docPath(firstPage ?? info?.firstPage ?? FALLBACK_PAGE) ?? docPath(FALLBACK_PAGE) ?? '/';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || waiting) return;
    if (!looksLikeJoinCode(code)) return setError({code: 'code-shape'});
    const trimmed = name.trim();
    if (!trimmed) return setError({code: 'name-empty'});
    setBusy(true);
    setError(null);
    const answer = await postJson('/api/workshop/join', {code: compactJoinCode(code), name: trimmed});
    if (answer.ok) {
      const accepted = joinAccepted.safeParse(answer.body);
      // a full load: the new cookie makes this browser an attendee for every part of the page
      window.location.assign(landing(accepted.success ? accepted.data.firstPage : undefined));
      return;
    }
    setBusy(false);
    const refusal = joinRefusal.safeParse(answer.body);
    if (!refusal.success) {
      setError({code: answer.status === 404 ? 'no-workshop' : 'network'});
      return;
    }
    if (refusal.data.error === 'rate-limited') {
      const seconds = Math.max(1, Math.ceil(refusal.data.retryAfterSeconds ?? 30));
      setRetryUntil(Date.now() + seconds * 1000);
      setNow(Date.now());
    }
    setError({code: refusal.data.error, message: refusal.data.message});
  };

  const state = stateOf(info);
  if (state === 'loading') {
    return (
      <p className={styles.status} data-testid="join-status" data-state="loading">
        <Translate id="lab.join.loading">Asking the lab about its workshop…</Translate>
      </p>
    );
  }
  if (state === 'attendee') {
    return (
      <div className={styles.card} data-testid="join-already">
        <p>
          <Translate id="lab.join.already" values={{name: <strong>{info?.name}</strong>}}>
            {'You have joined this workshop as {name}.'}
          </Translate>
        </p>
        <Link className="button button--primary" to={landing(undefined)}>
          <Translate id="lab.join.continue">Go to the walkthrough</Translate>
        </Link>
      </div>
    );
  }
  if (state === 'instructor') {
    return (
      <div className={styles.card} data-testid="join-status" data-state="instructor">
        <p>
          <Translate id="lab.join.instructor">
            You are this workshop’s instructor: attendees join here. Your board is on the workshop page.
          </Translate>
        </p>
        <Link className="button button--primary" to="/workshop">
          <Translate id="lab.join.toBoard">Open the board</Translate>
        </Link>
      </div>
    );
  }
  if (state === 'none' || state === 'ended') {
    return (
      <p className={styles.status} data-testid="join-status" data-state={state}>
        {refusalText(state === 'none' ? 'no-workshop' : 'ended', 0)}
      </p>
    );
  }

  const errorText = error
    ? error.code === 'rate-limited'
      ? retryIn > 0
        ? refusalText('rate-limited', retryIn)
        : translate({id: 'lab.join.error.rateLimitedOver', message: 'You can try again now.'})
      : refusalText(error.code, 0)
    : null;

  return (
    <form className={styles.form} data-testid="join-form" data-state={state} onSubmit={submit} noValidate>
      {state === 'full' && error?.code !== 'full' && (
        <p className={styles.warning} role="status">
          {refusalText('full', 0)}
        </p>
      )}
      <label className={styles.label} htmlFor="join-code">
        <Translate id="lab.join.code">Join code</Translate>
      </label>
      <input
        id="join-code"
        className={styles.codeInput}
        data-testid="join-code"
        value={code}
        onChange={(event) => setCode(event.target.value)}
        onBlur={() => looksLikeJoinCode(code) && setCode(displayJoinCode(code))}
        placeholder="ACD-EFG"
        autoComplete="off"
        autoCapitalize="characters"
        autoCorrect="off"
        spellCheck={false}
        maxLength={16}
        required
        aria-invalid={error?.code === 'bad-code' || error?.code === 'code-shape'}
        aria-describedby="join-code-help"
      />
      <p id="join-code-help" className={styles.help}>
        <Translate id="lab.join.code.help">
          On the instructor’s screen. Upper or lower case, with or without the dash.
        </Translate>
      </p>
      <label className={styles.label} htmlFor="join-name">
        <Translate id="lab.join.name">Your name</Translate>
      </label>
      <input
        id="join-name"
        className={styles.nameInput}
        data-testid="join-name"
        value={name}
        onChange={(event) => setName(event.target.value)}
        autoComplete="nickname"
        maxLength={NAME_MAX}
        required
        aria-invalid={error?.code === 'bad-name' || error?.code === 'name-empty'}
        aria-describedby="join-name-help"
      />
      <p id="join-name-help" className={styles.help}>
        <Translate id="lab.join.name.help">
          What the instructor sees on the board. No account, no e-mail: nothing else is asked.
        </Translate>
      </p>
      {errorText && (
        <p className={styles.error} role="alert" data-testid="join-error" data-code={error?.code}>
          {errorText}
        </p>
      )}
      <button
        type="submit"
        className="button button--primary button--lg"
        data-testid="join-submit"
        disabled={busy || waiting}
      >
        {busy ? (
          <Translate id="lab.join.joining">Joining…</Translate>
        ) : (
          <Translate id="lab.join.submit">Join the workshop</Translate>
        )}
      </button>
    </form>
  );
}

function stateOf(info: WorkshopInfo | null): 'loading' | 'attendee' | 'instructor' | WorkshopInfo['state'] {
  if (!info) return 'loading';
  if (info.role === 'attendee') return 'attendee';
  if (info.role === 'instructor' && info.state !== 'none') return 'instructor';
  return info.state;
}
