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
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import useDocusaurusContext from '@docusaurus/useDocusaurusContext';
import type {ErrorCode, Locale, ProgressSnapshot, ServerMessage, StepResult} from '@site/src/core/protocol/messages';
import type {ConnectionStatus, LabConnection} from './connection';

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
  /** the step running in this session, if any (only one runs at a time) */
  running: StepResult | null;
  runError: RunError | null;
  /** the last `error` message from the server that was not about a Run */
  serverError: {code: ErrorCode; message: string} | null;
  panelOpen: boolean;
  /**
   * Counts commands that finished in the shell (typed or run) and steps that ended: what changes the cluster, so
   * views of it (the cluster picture) refresh when it moves.
   */
  commandsFinished: number;

  activate(): void;
  openTerminal(): void;
  setPanelOpen(open: boolean): void;
  reconnect(): void;
  run(pageId: string, stepId: string): void;
  resultFor(pageId: string, stepId: string): StepResult | undefined;
  stepsOf(pageId: string): readonly string[];
  /** a Step announces itself so its page knows how many steps it has; returns the unregister function */
  registerStep(pageId: string, stepId: string): () => void;
  resetProgress(pageId: string): void;
  /** the doc page now shown (sent to the server as `page`, on every route change) */
  showPage(pageId: string | null): void;

  // for the Terminal component
  bindTerminal(sink: TerminalSink): () => void;
  sendInput(data: string): void;
  sendResize(cols: number, rows: number): void;
}

const LabContext = createContext<LabContextValue | null>(null);

export function useLab(): LabContextValue {
  const value = useContext(LabContext);
  if (!value) throw new Error('useLab() must be used inside <LabProvider> (mounted in src/theme/Root.tsx)');
  return value;
}

const PANEL_KEY = 'ambient-lab:terminal-open';
const EMPTY: readonly string[] = [];
const INPUT_CHUNK = 16 * 1024;

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
  const [runError, setRunError] = useState<RunError | null>(null);
  const [serverError, setServerError] = useState<LabContextValue['serverError']>(null);
  const [steps, setSteps] = useState<Record<string, readonly string[]>>({});
  const [panelOpen, setPanelOpenState] = useState(true);
  const [commandsFinished, setCommandsFinished] = useState(0);

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
          setBackend(message.backend);
          setSessionId(message.sessionId);
          setServerError(null);
          sendPage();
          break;
        }
        case 'progress':
          pendingRun.current = null;
          setProgress(message.progress);
          break;
        case 'step': {
          const pending = pendingRun.current;
          if (pending && pending.pageId === message.result.pageId && pending.stepId === message.result.stepId) {
            pendingRun.current = null;
          }
          setProgress((p) => withResult(p, message.result));
          if (message.result.status === 'passed' || message.result.status === 'failed')
            setCommandsFinished((n) => n + 1);
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
          } else if (message.code !== 'session-gone') {
            // session-gone is routine (the old shell expired; `attached` with a new one follows): nothing to show
            setServerError({code: message.code, message: message.message});
          }
          break;
        }
        case 'exit':
          sink.current?.write(`\r\n\x1b[2m[the shell session ended: ${message.reason}]\x1b[0m\r\n`);
          break;
        case 'command':
          setCommandsFinished((n) => n + 1);
          break;
        case 'pong':
          break;
      }
    },
    [sendPage],
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
    [handleMessage],
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

  const registerStep = useCallback((pageId: string, stepId: string) => {
    setActive(true);
    setSteps((all) => {
      const list = all[pageId] ?? EMPTY;
      return list.includes(stepId) ? all : {...all, [pageId]: [...list, stepId]};
    });
    return () =>
      setSteps((all) => {
        const list = all[pageId];
        if (!list?.includes(stepId)) return all;
        return {...all, [pageId]: list.filter((id) => id !== stepId)};
      });
  }, []);

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
      running,
      runError,
      serverError,
      panelOpen,
      commandsFinished,
      activate,
      openTerminal,
      setPanelOpen,
      reconnect: () => connection.current?.reconnectNow(),
      run,
      resultFor: (pageId, stepId) => progress[pageId]?.[stepId],
      stepsOf: (pageId) => steps[pageId] ?? EMPTY,
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
    runError,
    serverError,
    panelOpen,
    commandsFinished,
    steps,
    activate,
    openTerminal,
    setPanelOpen,
    run,
    registerStep,
    resetProgress,
    showPage,
    bindTerminal,
  ]);

  return <LabContext.Provider value={value}>{children}</LabContext.Provider>;
}
