/**
 * The lab's client state, mounted once in src/theme/Root.tsx so that the WebSocket, the terminal and the shell
 * session outlive client-side navigation. Nothing is loaded or connected until a page with steps is shown or the
 * learner opens the terminal (`activate`), so pages without steps stay light.
 */
import React, {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useSyncExternalStore,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import useDocusaurusContext from '@docusaurus/useDocusaurusContext';
import type {
  ClientMessage,
  ErrorCode,
  Locale,
  OutlinePage,
  PageNeed,
  ProgressSnapshot,
  ServerMessage,
  StepRefMessage,
  StepResult,
} from '@site/src/core/protocol/messages';
import type {AttendeeView, LimitKind} from '@site/src/core/protocol/workshop';
import type {StepSpec} from '@site/src/core/steps/types';
import {changesShell, shellEffects, type ShellEffects} from '@site/src/core/steps/shell-effects';
import type {ConnectionStatus, LabConnection, Refusal} from './connection';

export type {Refusal, RefusalKind} from './connection';

export type LabStatus = 'idle' | ConnectionStatus;
export type Backend = 'host' | 'sandbox';

/** What the terminal component gives the provider: where output goes and how big the screen is. */
export interface TerminalSink {
  write(data: Uint8Array | string): void;
  reset(): void;
  size(): {cols: number; rows: number};
}

export interface RunError {
  pageId: string;
  stepId: string;
  code: ErrorCode | 'not-connected';
  message: string;
}

export interface LabContextValue {
  locale: Locale;
  /** the lab was started on this tab (terminal loading or loaded, socket connecting or connected) */
  active: boolean;
  status: LabStatus;
  /** when closed: milliseconds until the next automatic reconnect */
  retryInMs: number | undefined;
  /** consecutive failed connection attempts */
  failedAttempts: number;
  backend: Backend | null;
  sessionId: string | null;
  progress: ProgressSnapshot;
  /** the server's progress has arrived at least once (until then counts would show a false 0) */
  progressLoaded: boolean;
  /** why the terminal cannot connect, in the learner's terms; null when nothing is wrong */
  refusal: Refusal | null;
  /** every page of the current locale with its steps, from the server (for the sidebar) */
  outline: readonly OutlinePage[] | null;
  /** the session's catch-up, as the server last reported it (running, or how it ended) */
  catchUp: CatchUpMessage | null;
  /** the shell of this session: starting (a Run waits for its prompt), ready, or slow (an rc file hangs); null: unknown */
  shell: ShellMessage | null;
  /** the step running in this session, if any (only one runs at a time) */
  running: StepResult | null;
  runError: RunError | null;
  /** the last `error` message from the server that was not about a Run */
  serverError: {code: ErrorCode; message: string} | null;
  panelOpen: boolean;
  activate(): void;
  openTerminal(): void;
  setPanelOpen(open: boolean): void;
  reconnect(): void;
  /** after a refusal: try again, or take the oldest session over (session limit) / this one back (taken over) */
  retry(options?: {takeOver?: boolean}): void;
  /** what a page needs from earlier pages, as last checked (undefined: not checked yet) */
  needsOf(pageId: string): PageNeeds | undefined;
  /** check again what a page needs (the cluster may have changed) */
  checkNeeds(pageId: string): void;
  /** "Catch me up": run the earlier steps `pageId` needs, in this session's shell */
  catchUpTo(pageId: string): void;
  cancelCatchUp(): void;
  /** forget how the last catch-up ended (the learner closed its message) */
  dismissCatchUp(): void;
  run(pageId: string, stepId: string): void;
  resultFor(pageId: string, stepId: string): StepResult | undefined;
  stepsOf(pageId: string): readonly string[];
  /** the specs of a page's steps shown now, in page order */
  specsOf(pageId: string): readonly StepSpec[];
  /**
   * A step passed in another shell and left something in that shell (an export, a `cd`): this shell lacks it, so the
   * step needs a re-run (src/core/steps/shell-effects.ts).
   */
  needsRerun(pageId: string, spec: StepSpec): boolean;
  /** a Step announces itself so its page knows how many steps it has; returns the unregister function */
  registerStep(pageId: string, spec: StepSpec): () => void;
  resetProgress(pageId: string): void;
  /** the doc page now shown (sent to the server as `page`, on every route change) */
  showPage(pageId: string | null): void;

  // workshop (src/components/Workshop): what the server says about the room, and the attendee's answers
  /** the attendee's view of the workshop, from the server's `workshop` message; null outside a workshop */
  workshop: AttendeeView | null;
  /** the last resource limit this shell ran into (shown in the terminal area until dismissed) */
  limitNotice: LimitNotice | null;
  dismissLimitNotice(): void;
  /** send a workshop message (hand, consent, focus); false when the terminal is not connected */
  sendWorkshop(message: WorkshopClientMessage): boolean;

  // for the Terminal component
  bindTerminal(sink: TerminalSink): () => void;
  sendInput(data: string): void;
  sendResize(cols: number, rows: number): void;
}

export type CatchUpMessage = Extract<ServerMessage, {type: 'catch-up'}>;
export type WorkshopClientMessage = Extract<ClientMessage, {type: 'hand' | 'consent' | 'focus'}>;
export interface LimitNotice {
  limit: LimitKind;
  message: string;
  at: number;
}
export type ShellMessage = Extract<ServerMessage, {type: 'shell'}>;
export interface PageNeeds {
  needs: PageNeed[];
  plan: StepRefMessage[];
}

const LabContext = createContext<LabContextValue | null>(null);

/**
 * Counts commands that finished in the shell (typed or run) and steps that ended: what changes the cluster, so views
 * of it (the cluster picture) refresh when it moves. A store of its own, not part of the lab's context: every command
 * would otherwise re-render every consumer of the context (each step of the page) for the one view that asks.
 */
class CommandCounter {
  private count = 0;
  private readonly listeners = new Set<() => void>();
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  readonly get = (): number => this.count;
  bump(): void {
    this.count++;
    for (const listener of this.listeners) listener();
  }
}

const CommandCounterContext = createContext<CommandCounter | null>(null);

/** How many commands and steps have finished in the learner's shell (see CommandCounter). */
export function useCommandsFinished(): number {
  const counter = useContext(CommandCounterContext);
  if (!counter) throw new Error('useCommandsFinished() must be used inside <LabProvider>');
  return useSyncExternalStore(counter.subscribe, counter.get, () => 0);
}

export function useLab(): LabContextValue {
  const value = useContext(LabContext);
  if (!value) throw new Error('useLab() must be used inside <LabProvider> (mounted in src/theme/Root.tsx)');
  return value;
}

const PANEL_KEY = 'ambient-lab:terminal-open';
const EMPTY: readonly string[] = [];
const NO_SPECS: readonly StepSpec[] = [];
const INPUT_CHUNK = 16 * 1024;
/** errors the connection shows as a refusal (the terminal area says what to do), not as a passing server error */
const REFUSAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['session-limit', 'taken-over']);

const effectsCache = new Map<string, ShellEffects>();
/** The shell effects of a command, computed once per command text. */
export function effectsOf(command: string): ShellEffects {
  let effects = effectsCache.get(command);
  if (!effects) effectsCache.set(command, (effects = shellEffects(command)));
  return effects;
}

/** Shared by the page, the progress bar and the sidebar: see LabContextValue.needsRerun. */
export function staleInShell(
  result: StepResult | undefined,
  stepChangesShell: boolean,
  sessionId: string | null,
): boolean {
  return stepChangesShell && sessionId !== null && result?.status === 'passed' && result.shell !== sessionId;
}

function readPanelOpen(): boolean {
  try {
    return window.localStorage.getItem(PANEL_KEY) !== 'false';
  } catch {
    return true;
  }
}

function withResult(progress: ProgressSnapshot, result: StepResult): ProgressSnapshot {
  return {...progress, [result.pageId]: {...progress[result.pageId], [result.stepId]: result}};
}

function withoutResult(progress: ProgressSnapshot, pageId: string, stepId: string): ProgressSnapshot {
  const page = {...progress[pageId]};
  delete page[stepId];
  return {...progress, [pageId]: page};
}

export default function LabProvider({children}: {children: ReactNode}): ReactNode {
  const {i18n} = useDocusaurusContext();
  const locale: Locale = i18n.currentLocale === 'ko' ? 'ko' : 'en';

  const [active, setActive] = useState(false);
  const [status, setStatus] = useState<LabStatus>('idle');
  const [retryInMs, setRetryInMs] = useState<number | undefined>(undefined);
  const [failedAttempts, setFailedAttempts] = useState(0);
  const [backend, setBackend] = useState<Backend | null>(null);
  const [sessionId, setSessionId] = useState<string | null>(null);
  const [progress, setProgress] = useState<ProgressSnapshot>({});
  const [progressLoaded, setProgressLoaded] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [outlines, setOutlines] = useState<Partial<Record<Locale, OutlinePage[]>>>({});
  const [pageNeeds, setPageNeeds] = useState<Record<string, PageNeeds>>({});
  const [catchUp, setCatchUp] = useState<CatchUpMessage | null>(null);
  const [shell, setShell] = useState<ShellMessage | null>(null);
  const [runError, setRunError] = useState<RunError | null>(null);
  const [serverError, setServerError] = useState<LabContextValue['serverError']>(null);
  const [steps, setSteps] = useState<Record<string, readonly StepSpec[]>>({});
  const [panelOpen, setPanelOpenState] = useState(true);
  const [commands] = useState(() => new CommandCounter());
  const [workshop, setWorkshop] = useState<AttendeeView | null>(null);
  const [limitNotice, setLimitNotice] = useState<LimitNotice | null>(null);

  const connection = useRef<LabConnection | null>(null);
  const sink = useRef<TerminalSink | null>(null);
  const currentPage = useRef<string | null>(null);
  const localeRef = useRef(locale);
  localeRef.current = locale;
  /** a Run sent but not yet acknowledged by a `step` message: reverted when the server answers with an error */
  const pendingRun = useRef<{pageId: string; stepId: string; previous: StepResult | undefined} | null>(null);
  const attachedOnce = useRef(false);

  useEffect(() => setPanelOpenState(readPanelOpen()), []);

  const setPanelOpen = useCallback((open: boolean) => {
    setPanelOpenState(open);
    try {
      window.localStorage.setItem(PANEL_KEY, String(open));
    } catch {
      // ignore
    }
  }, []);

  const activate = useCallback(() => setActive(true), []);
  const openTerminal = useCallback(() => {
    setActive(true);
    setPanelOpen(true);
  }, [setPanelOpen]);

  const sendPage = useCallback(() => {
    const pageId = currentPage.current;
    if (pageId) connection.current?.send({type: 'page', locale: localeRef.current, pageId});
  }, []);

  const handleMessage = useCallback(
    (message: ServerMessage) => {
      switch (message.type) {
        case 'attached': {
          // A resumed session replays its scrollback next: start from a clean screen so it redraws exactly.
          sink.current?.reset();
          if (!message.resumed && attachedOnce.current) {
            sink.current?.write('\x1b[2m[a new shell session was started]\x1b[0m\r\n');
          }
          attachedOnce.current = true;
          // the session's shell state follows (`shell`)
          setShell(null);
          setBackend(message.backend);
          setSessionId(message.sessionId);
          setServerError(null);
          sendPage();
          break;
        }
        case 'progress':
          pendingRun.current = null;
          setProgress(message.progress);
          setProgressLoaded(true);
          break;
        case 'outline':
          setOutlines((all) => ({...all, [message.locale]: message.pages}));
          break;
        case 'needs':
          setPageNeeds((all) => ({
            ...all,
            [`${message.locale}:${message.pageId}`]: {needs: message.needs, plan: message.plan},
          }));
          break;
        case 'catch-up':
          setCatchUp(message);
          break;
        case 'shell':
          setShell(message);
          break;
        case 'step': {
          const pending = pendingRun.current;
          if (pending && pending.pageId === message.result.pageId && pending.stepId === message.result.stepId) {
            pendingRun.current = null;
          }
          setProgress((p) => withResult(p, message.result));
          if (message.result.status === 'passed' || message.result.status === 'failed') commands.bump();
          break;
        }
        case 'error': {
          const pending = pendingRun.current;
          const aboutRun = ['busy', 'unknown-step', 'not-attached', 'bad-message'].includes(message.code);
          if (pending && aboutRun) {
            pendingRun.current = null;
            setProgress((p) =>
              pending.previous ? withResult(p, pending.previous) : withoutResult(p, pending.pageId, pending.stepId),
            );
            setRunError({pageId: pending.pageId, stepId: pending.stepId, code: message.code, message: message.message});
          } else if (message.code !== 'session-gone' && !REFUSAL_CODES.has(message.code)) {
            // session-gone is routine (the old shell expired; `attached` with a new one follows): nothing to show
            setServerError({code: message.code, message: message.message});
          }
          break;
        }
        case 'exit':
          sink.current?.write(`\r\n\x1b[2m[the shell session ended: ${message.reason}]\x1b[0m\r\n`);
          break;
        case 'command':
          commands.bump();
          break;
        case 'workshop':
          setWorkshop(message.view);
          break;
        case 'notice':
          setLimitNotice({limit: message.limit, message: message.message, at: Date.now()});
          // the terminal area is where the attendee reads it
          setPanelOpen(true);
          break;
        case 'pong':
          break;
      }
    },
    [sendPage, setPanelOpen],
  );

  const bindTerminal = useCallback(
    (terminal: TerminalSink) => {
      sink.current = terminal;
      let disposed = false;
      void import('./connection').then(({LabConnection}) => {
        if (disposed || connection.current) return;
        const conn = new LabConnection({
          size: () => sink.current?.size() ?? {cols: 80, rows: 24},
          onOutput: (bytes) => sink.current?.write(bytes),
          onMessage: handleMessage,
          onRefusal: (next) => {
            setRefusal(next);
            // the terminal area is where the learner reads what to do
            if (next && next.kind !== 'server-gone') setPanelOpen(true);
          },
          onStatus: (next, detail) => {
            setStatus(next);
            setRetryInMs(detail.retryInMs);
            setFailedAttempts(next === 'open' ? 0 : detail.attempt);
          },
        });
        connection.current = conn;
        conn.connect();
      });
      return () => {
        disposed = true;
        connection.current?.dispose();
        connection.current = null;
        sink.current = null;
        setStatus('idle');
      };
    },
    [handleMessage, setPanelOpen],
  );

  const run = useCallback(
    (pageId: string, stepId: string) => {
      setRunError(null);
      const conn = connection.current;
      if (!conn?.isOpen) {
        setRunError({pageId, stepId, code: 'not-connected', message: 'not connected to the lab server'});
        return;
      }
      setPanelOpen(true);
      setProgress((p) => {
        pendingRun.current = {pageId, stepId, previous: p[pageId]?.[stepId]};
        return withResult(p, {pageId, stepId, status: 'running', startedAt: Date.now(), via: 'run'});
      });
      conn.send({type: 'run', locale: localeRef.current, pageId, stepId});
    },
    [setPanelOpen],
  );

  const resetProgress = useCallback((pageId: string) => {
    setProgress((p) => {
      const next = {...p};
      delete next[pageId];
      return next;
    });
    setRunError(null);
    connection.current?.send({type: 'reset-progress', pageId});
  }, []);

  const showPage = useCallback(
    (pageId: string | null) => {
      currentPage.current = pageId;
      sendPage();
    },
    [sendPage],
  );

  const registerStep = useCallback((pageId: string, spec: StepSpec) => {
    setActive(true);
    setSteps((all) => {
      const list = all[pageId] ?? NO_SPECS;
      return list.some((s) => s.id === spec.id) ? all : {...all, [pageId]: [...list, spec]};
    });
    return () =>
      setSteps((all) => {
        const list = all[pageId];
        if (!list?.some((s) => s.id === spec.id)) return all;
        return {...all, [pageId]: list.filter((s) => s.id !== spec.id)};
      });
  }, []);

  const stepIds = useMemo(() => {
    const ids: Record<string, readonly string[]> = {};
    for (const [pageId, specs] of Object.entries(steps)) ids[pageId] = specs.map((s) => s.id);
    return ids;
  }, [steps]);

  const value = useMemo<LabContextValue>(() => {
    let running: StepResult | null = null;
    for (const page of Object.values(progress)) {
      for (const result of Object.values(page)) if (result.status === 'running') running = result;
    }
    return {
      locale,
      active,
      status,
      retryInMs,
      failedAttempts,
      backend,
      sessionId,
      progress,
      progressLoaded,
      refusal,
      outline: outlines[locale] ?? null,
      running,
      runError,
      serverError,
      panelOpen,
      activate,
      openTerminal,
      setPanelOpen,
      reconnect: () => connection.current?.reconnectNow(),
      retry: (options) => connection.current?.retry(options),
      catchUp,
      shell,
      needsOf: (pageId) => pageNeeds[`${locale}:${pageId}`],
      checkNeeds: (pageId) => void connection.current?.send({type: 'needs', locale, pageId}),
      catchUpTo: (pageId) => {
        setPanelOpen(true); // the learner watches it happen in the terminal
        connection.current?.send({type: 'catch-up', locale, pageId});
      },
      cancelCatchUp: () => void connection.current?.send({type: 'cancel-catch-up'}),
      dismissCatchUp: () => setCatchUp(null),
      run,
      resultFor: (pageId, stepId) => progress[pageId]?.[stepId],
      stepsOf: (pageId) => stepIds[pageId] ?? EMPTY,
      specsOf: (pageId) => steps[pageId] ?? NO_SPECS,
      needsRerun: (pageId, spec) =>
        staleInShell(progress[pageId]?.[spec.id], changesShell(effectsOf(spec.command)), sessionId),
      registerStep,
      resetProgress,
      showPage,
      bindTerminal,
      sendInput: (data) => {
        // the server accepts at most 64 KiB per message: split big pastes
        for (let i = 0; i < data.length; i += INPUT_CHUNK) {
          connection.current?.send({type: 'input', data: data.slice(i, i + INPUT_CHUNK)});
        }
      },
      sendResize: (cols, rows) => void connection.current?.send({type: 'resize', cols, rows}),
      workshop,
      limitNotice,
      dismissLimitNotice: () => setLimitNotice(null),
      sendWorkshop: (message) => connection.current?.send(message) ?? false,
    };
  }, [
    locale,
    active,
    status,
    retryInMs,
    failedAttempts,
    backend,
    sessionId,
    progress,
    progressLoaded,
    refusal,
    outlines,
    pageNeeds,
    catchUp,
    shell,
    runError,
    serverError,
    panelOpen,
    workshop,
    limitNotice,
    steps,
    stepIds,
    activate,
    openTerminal,
    setPanelOpen,
    run,
    registerStep,
    resetProgress,
    showPage,
    bindTerminal,
  ]);

  return (
    <CommandCounterContext.Provider value={commands}>
      <LabContext.Provider value={value}>{children}</LabContext.Provider>
    </CommandCounterContext.Provider>
  );
}
