/**
 * The docked terminal: one xterm.js instance for the whole app, mounted once (from src/theme/Root.tsx) and never
 * recreated on navigation. The xterm code is loaded with a dynamic import only once the lab is activated (a page
 * with steps is shown or the learner opens the terminal), so pages without steps stay light.
 *
 * Keyboard: the shell needs Tab, Shift+Tab and Esc, so the terminal keeps them. Ctrl+M switches "Tab moves focus"
 * on and off (as in VS Code): while on, Tab and Shift+Tab leave the terminal like any other control.
 *
 * Test hooks: `[data-testid=lab-terminal][data-status=connecting|open|closed][data-refusal][data-shell]`,
 * `[data-testid=lab-terminal-refusal][data-kind]`, `[data-testid=lab-terminal-slow-shell]`, `[data-testid=lab-terminal-tab-focus]`, `window.__labTerminal`.
 */
import React, {useCallback, useEffect, useRef, useState, type ReactNode} from 'react';
import clsx from 'clsx';
import useIsBrowser from '@docusaurus/useIsBrowser';
import {translate} from '@docusaurus/Translate';
import type {Terminal as XTerm, ITheme} from '@xterm/xterm';
import type {FitAddon} from '@xterm/addon-fit';
import type {SearchAddon} from '@xterm/addon-search';
import '@xterm/xterm/css/xterm.css';
import {useLab, type LabContextValue, type Refusal, type ShellMessage} from '@site/src/components/LabProvider';
import ClusterPicture from '@site/src/components/ClusterPicture';
import {useWorkshop} from '@site/src/components/Workshop/context';
import {SlowShellText} from './slow-shell';
import styles from './styles.module.css';

declare global {
  interface Window {
    __labTerminal?: XTerm;
  }
}

const HEIGHT_KEY = 'ambient-lab:terminal-height';
/** the Cluster side panel beside the terminal, open or not (remembered: a learner who wants it wants it on every page) */
const CLUSTER_KEY = 'ambient-lab:cluster-open';
const DEFAULT_HEIGHT = 300;
const MIN_HEIGHT = 140;
const HEADER_HEIGHT = 40;
/** on a phone the terminal starts lower, so the step above it stays readable */
const PHONE_WIDTH = 640;

// Hangul in the terminal: a Korean monospace font when the machine has one, else the web font the site ships. The
// web font comes after `monospace`: xterm measures its cells with the first font that has Latin letters.
const FONT_FAMILY =
  '"D2Coding", "Noto Sans Mono CJK KR", "NanumGothicCoding", ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace, "Noto Sans KR Variable"';

const THEME: ITheme = {
  background: '#0d1117',
  foreground: '#e6edf3',
  cursor: '#5eead4',
  cursorAccent: '#0d1117',
  selectionBackground: '#264f78',
  black: '#484f58',
  red: '#ff7b72',
  green: '#3fb950',
  yellow: '#d29922',
  blue: '#58a6ff',
  magenta: '#bc8cff',
  cyan: '#39c5cf',
  white: '#b1bac4',
  brightBlack: '#6e7681',
  brightRed: '#ffa198',
  brightGreen: '#56d364',
  brightYellow: '#e3b341',
  brightBlue: '#79c0ff',
  brightMagenta: '#d2a8ff',
  brightCyan: '#56d4dd',
  brightWhite: '#f0f6fc',
};

const SEARCH_DECORATIONS = {
  matchBackground: '#5c4b00',
  matchBorder: '#d29922',
  matchOverviewRuler: '#d29922',
  activeMatchBackground: '#9e6a03',
  activeMatchBorder: '#f2cc60',
  activeMatchColorOverviewRuler: '#f2cc60',
};

function maxHeight(): number {
  return Math.max(MIN_HEIGHT, Math.round(window.innerHeight * 0.85));
}

function clampHeight(h: number): number {
  return Math.min(maxHeight(), Math.max(MIN_HEIGHT, Math.round(h)));
}

function defaultHeight(): number {
  return window.innerWidth <= PHONE_WIDTH ? clampHeight(window.innerHeight * 0.4) : DEFAULT_HEIGHT;
}

function readHeight(): number {
  try {
    const stored = Number(window.localStorage.getItem(HEIGHT_KEY));
    return Number.isFinite(stored) && stored > 0 ? clampHeight(stored) : defaultHeight();
  } catch {
    return defaultHeight();
  }
}

function refusalLabel(refusal: Refusal): string {
  switch (refusal.kind) {
    case 'server-gone':
      return translate({id: 'lab.terminal.status.gone', message: 'Lab not reachable'});
    case 'token':
    case 'forbidden':
      return translate({id: 'lab.terminal.status.refused', message: 'Not let in'});
    case 'session-limit':
      return translate({id: 'lab.terminal.status.limit', message: 'Too many terminals'});
    case 'taken-over':
      return translate({id: 'lab.terminal.status.takenOver', message: 'Open in another tab'});
    case 'start-failed':
      return translate({id: 'lab.terminal.status.startFailed', message: 'No shell'});
  }
}

function statusLabel(lab: LabContextValue): string {
  if (lab.refusal && lab.status !== 'open') {
    const label = refusalLabel(lab.refusal);
    return lab.status === 'closed' && lab.retryInMs !== undefined && lab.refusal.kind === 'server-gone'
      ? translate(
          {id: 'lab.terminal.status.goneRetrying', message: '{label} · retrying in {seconds} s'},
          {label, seconds: Math.max(1, Math.round(lab.retryInMs / 1000))},
        )
      : label;
  }
  // the shell is gone for good, though the page's connection stays for the board's last word
  if (lab.workshop?.endedAt !== undefined)
    return translate({id: 'lab.terminal.status.workshopEnded', message: 'Workshop ended'});
  switch (lab.status) {
    case 'open':
      return lab.backend
        ? translate(
            {
              id: 'lab.terminal.status.openOn',
              message: 'Connected · {backend}',
              description: 'terminal connected, with the backend name',
            },
            {backend: lab.backend},
          )
        : translate({id: 'lab.terminal.status.open', message: 'Connected'});
    case 'connecting':
    case 'idle':
      return translate({id: 'lab.terminal.status.connecting', message: 'Connecting…'});
    case 'closed':
      return lab.retryInMs !== undefined
        ? translate(
            {id: 'lab.terminal.status.retrying', message: 'Disconnected · retrying in {seconds} s'},
            {seconds: Math.max(1, Math.round(lab.retryInMs / 1000))},
          )
        : translate({id: 'lab.terminal.status.closed', message: 'Disconnected'});
  }
}

export default function TerminalDock(): ReactNode {
  const isBrowser = useIsBrowser();
  const {info} = useWorkshop();
  if (!isBrowser) return null;
  // someone about to join a workshop has no terminal yet: the join page is their way in, not "Open terminal"
  if (info && info.state !== 'none' && info.role === 'nobody') return null;
  return <Dock />;
}

function Dock(): ReactNode {
  const lab = useLab();
  const labRef = useRef(lab);
  labRef.current = lab;

  const hostRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<XTerm | null>(null);
  const fitRef = useRef<FitAddon | null>(null);
  const searchRef = useRef<SearchAddon | null>(null);
  const searchInputRef = useRef<HTMLInputElement>(null);

  const [height, setHeight] = useState(DEFAULT_HEIGHT);
  const [loaded, setLoaded] = useState(false);
  const [searchOpen, setSearchOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [matches, setMatches] = useState<{index: number; count: number} | null>(null);

  const [clusterOpen, setClusterOpen] = useState(false);
  /** Ctrl+M: Tab and Shift+Tab move the focus out of the terminal instead of reaching the shell */
  const [tabFocus, setTabFocus] = useState(false);
  const tabFocusRef = useRef(false);
  tabFocusRef.current = tabFocus;

  useEffect(() => setHeight(readHeight()), []);
  useEffect(() => {
    try {
      setClusterOpen(window.localStorage.getItem(CLUSTER_KEY) === 'true');
    } catch {
      // storage disabled: closed
    }
  }, []);

  const toggleCluster = () => {
    const next = !clusterOpen;
    setClusterOpen(next);
    if (next && !lab.panelOpen) lab.setPanelOpen(true);
    try {
      window.localStorage.setItem(CLUSTER_KEY, String(next));
    } catch {
      // ignore
    }
  };

  const dockHeight = !lab.active ? 0 : lab.panelOpen ? height : HEADER_HEIGHT;
  // Leave room under the page so the dock never hides the end of the content.
  useEffect(() => {
    document.documentElement.style.setProperty('--lab-dock-height', `${dockHeight}px`);
  }, [dockHeight]);

  const openSearch = useCallback(() => {
    setSearchOpen(true);
    requestAnimationFrame(() => {
      searchInputRef.current?.focus();
      searchInputRef.current?.select();
    });
  }, []);

  // Load xterm and its addons once, when the lab is first activated; the instance then lives for the whole app.
  useEffect(() => {
    if (!lab.active || termRef.current) return;
    let disposed = false;
    let cleanup: (() => void) | undefined;
    void (async () => {
      const [{Terminal}, {FitAddon}, {Unicode11Addon}, {WebLinksAddon}, {SearchAddon}] = await Promise.all([
        import('@xterm/xterm'),
        import('@xterm/addon-fit'),
        import('@xterm/addon-unicode11'),
        import('@xterm/addon-web-links'),
        import('@xterm/addon-search'),
      ]);
      const host = hostRef.current;
      if (disposed || !host) return;
      const term = new Terminal({
        allowProposedApi: true, // unicode11's activeVersion and search decorations are proposed API
        cursorBlink: true,
        fontFamily: FONT_FAMILY,
        fontSize: 14,
        lineHeight: 1.15,
        scrollback: 10_000,
        theme: THEME,
      });
      const fit = new FitAddon();
      const search = new SearchAddon();
      term.loadAddon(fit);
      term.loadAddon(new Unicode11Addon());
      term.unicode.activeVersion = '11';
      term.loadAddon(new WebLinksAddon());
      term.loadAddon(search);
      term.open(host);
      if (host.clientHeight > 0) fit.fit();

      termRef.current = term;
      fitRef.current = fit;
      searchRef.current = search;
      window.__labTerminal = term;

      term.attachCustomKeyEventHandler((event) => {
        const plainCtrl = (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey;
        if (event.type === 'keydown' && plainCtrl && event.key.toLowerCase() === 'f') {
          event.preventDefault();
          openSearch();
          return false;
        }
        // Ctrl+M (VS Code's "Toggle Tab Key Moves Focus"): the way out of a terminal that keeps Tab for the shell
        if (plainCtrl && event.key.toLowerCase() === 'm') {
          if (event.type === 'keydown') {
            event.preventDefault();
            setTabFocus((on) => !on);
          }
          return false;
        }
        // returning false without preventDefault leaves the key to the browser: Tab moves the focus
        if (tabFocusRef.current && event.key === 'Tab' && !event.ctrlKey && !event.altKey && !event.metaKey) {
          return false;
        }
        return true;
      });
      const subscriptions = [
        term.onData((data) => labRef.current.sendInput(data)),
        term.onResize(({cols, rows}) => labRef.current.sendResize(cols, rows)),
        search.onDidChangeResults(({resultIndex, resultCount}) => setMatches({index: resultIndex, count: resultCount})),
      ];
      const unbind = labRef.current.bindTerminal({
        write: (data) => term.write(data),
        reset: () => term.reset(),
        size: () => ({cols: term.cols, rows: term.rows}),
      });
      const observer = new ResizeObserver(() => {
        if (host.clientWidth > 0 && host.clientHeight > 0) fit.fit();
      });
      observer.observe(host);
      setLoaded(true);

      cleanup = () => {
        observer.disconnect();
        unbind();
        for (const s of subscriptions) s.dispose();
        term.dispose();
        termRef.current = null;
        delete window.__labTerminal;
      };
    })();
    return () => {
      disposed = true;
      cleanup?.();
    };
  }, [lab.active, openSearch]);

  // Focus the shell when the panel is opened by a click on Run or the launcher.
  useEffect(() => {
    if (lab.panelOpen && loaded) requestAnimationFrame(() => fitRef.current?.fit());
  }, [lab.panelOpen, loaded]);

  const find = (direction: 'next' | 'previous', text = query) => {
    const search = searchRef.current;
    if (!search) return;
    if (!text) {
      search.clearDecorations();
      setMatches(null);
      return;
    }
    const options = {decorations: SEARCH_DECORATIONS};
    if (direction === 'next') search.findNext(text, options);
    else search.findPrevious(text, options);
  };

  const closeSearch = () => {
    setSearchOpen(false);
    searchRef.current?.clearDecorations();
    setMatches(null);
    termRef.current?.focus();
  };

  const onResizeStart = (event: React.PointerEvent<HTMLDivElement>) => {
    event.preventDefault();
    const handle = event.currentTarget;
    handle.setPointerCapture(event.pointerId);
    const move = (e: PointerEvent) => setHeight(clampHeight(window.innerHeight - e.clientY));
    const up = (e: PointerEvent) => {
      handle.releasePointerCapture(e.pointerId);
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
      setHeight((h) => {
        try {
          window.localStorage.setItem(HEIGHT_KEY, String(h));
        } catch {
          // ignore
        }
        return h;
      });
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
  };

  const onResizeKey = (event: React.KeyboardEvent<HTMLDivElement>) => {
    const delta = event.key === 'ArrowUp' ? 24 : event.key === 'ArrowDown' ? -24 : 0;
    if (!delta) return;
    event.preventDefault();
    setHeight((h) => {
      const next = clampHeight(h + delta);
      try {
        window.localStorage.setItem(HEIGHT_KEY, String(next));
      } catch {
        // ignore
      }
      return next;
    });
  };

  const dataStatus = lab.status === 'idle' ? (lab.active ? 'connecting' : 'closed') : lab.status;
  const terminalLabel = translate({id: 'lab.terminal.title', message: 'Terminal'});

  if (!lab.active) {
    return (
      <div data-testid="lab-terminal" data-status={dataStatus} data-loaded="false" className={styles.launcherWrap}>
        <button type="button" className={styles.launcher} onClick={lab.openTerminal}>
          <span className={styles.prompt} aria-hidden="true">
            &gt;_
          </span>
          {translate({id: 'lab.terminal.open', message: 'Open terminal'})}
        </button>
      </div>
    );
  }

  return (
    <section
      data-testid="lab-terminal"
      data-status={dataStatus}
      data-loaded={loaded ? 'true' : 'false'}
      data-open={lab.panelOpen ? 'true' : 'false'}
      data-refusal={lab.refusal?.kind}
      data-shell={lab.shell?.state}
      className={clsx(styles.dock, !lab.panelOpen && styles.collapsed)}
      style={{height: dockHeight}}
      aria-label={terminalLabel}
      onKeyDown={(event) => {
        if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'f') {
          event.preventDefault();
          openSearch();
        }
      }}
    >
      {lab.panelOpen && (
        <div
          className={styles.resizeHandle}
          role="separator"
          aria-orientation="horizontal"
          aria-label={translate({id: 'lab.terminal.resize', message: 'Resize the terminal'})}
          aria-valuenow={height}
          aria-valuemin={MIN_HEIGHT}
          tabIndex={0}
          onPointerDown={onResizeStart}
          onKeyDown={onResizeKey}
        />
      )}
      <header className={styles.header}>
        <button
          type="button"
          className={styles.titleButton}
          onClick={() => lab.setPanelOpen(!lab.panelOpen)}
          aria-expanded={lab.panelOpen}
        >
          <span className={styles.prompt} aria-hidden="true">
            &gt;_
          </span>
          <span className={styles.title}>{terminalLabel}</span>
        </button>
        <span
          className={clsx(
            styles.status,
            styles[`status-${lab.workshop?.endedAt !== undefined ? 'closed' : dataStatus}`],
          )}
          data-testid="lab-terminal-status"
          role="status"
          title={statusLabel(lab)}
        >
          <span className={styles.dot} aria-hidden="true" />
          <span className={styles.statusText}>{statusLabel(lab)}</span>
        </span>
        {lab.serverError && lab.status === 'open' && <span className={styles.hint}>{lab.serverError.message}</span>}
        {tabFocus && (
          <button
            type="button"
            className={styles.modePill}
            data-testid="lab-terminal-tab-focus"
            onClick={() => setTabFocus(false)}
            title={translate({
              id: 'lab.terminal.tabFocus.title',
              message: 'Tab moves the focus out of the terminal. Ctrl+M (or a click here) gives Tab back to the shell.',
            })}
          >
            {translate({id: 'lab.terminal.tabFocus', message: 'Tab moves focus'})}
          </button>
        )}
        <span className={styles.spacer} />
        <button
          type="button"
          className={clsx(styles.tabButton, clusterOpen && lab.panelOpen && styles.tabButtonOn)}
          onClick={toggleCluster}
          data-testid="lab-cluster-toggle"
          aria-pressed={clusterOpen && lab.panelOpen}
          title={translate({
            id: 'lab.cluster.toggle.title',
            message: 'Show the cluster as it is now, beside the terminal',
          })}
        >
          <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
            <rect x="1.5" y="2.5" width="5" height="11" rx="1.2" fill="none" stroke="currentColor" strokeWidth="1.4" />
            <rect x="9.5" y="2.5" width="5" height="11" rx="1.2" fill="none" stroke="currentColor" strokeWidth="1.4" />
            <path d="M3 5.5h2M3 8h2M11 5.5h2" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
          </svg>
          <span className={styles.tabLabel}>
            {translate({
              id: 'lab.cluster.toggle',
              message: 'Cluster',
              description: 'button in the terminal header that opens the cluster picture',
            })}
          </span>
        </button>
        {lab.panelOpen && (
          <button
            type="button"
            className={styles.iconButton}
            onClick={() => (searchOpen ? closeSearch() : openSearch())}
            title={translate({id: 'lab.terminal.search', message: 'Search (Ctrl+F)'})}
            aria-label={translate({id: 'lab.terminal.search', message: 'Search (Ctrl+F)'})}
            aria-pressed={searchOpen}
          >
            <svg viewBox="0 0 16 16" width="15" height="15" aria-hidden="true">
              <circle cx="7" cy="7" r="4.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
              <path d="M10.5 10.5 L14 14" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
            </svg>
          </button>
        )}
        <button
          type="button"
          className={styles.iconButton}
          onClick={() => lab.setPanelOpen(!lab.panelOpen)}
          title={
            lab.panelOpen
              ? translate({id: 'lab.terminal.collapse', message: 'Hide the terminal'})
              : translate({id: 'lab.terminal.expand', message: 'Show the terminal'})
          }
          aria-label={
            lab.panelOpen
              ? translate({id: 'lab.terminal.collapse', message: 'Hide the terminal'})
              : translate({id: 'lab.terminal.expand', message: 'Show the terminal'})
          }
          aria-expanded={lab.panelOpen}
        >
          <svg
            viewBox="0 0 16 16"
            width="15"
            height="15"
            aria-hidden="true"
            className={clsx(!lab.panelOpen && styles.flip)}
          >
            <path
              d="M4 6 L8 10 L12 6"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.8"
              strokeLinecap="round"
              strokeLinejoin="round"
            />
          </svg>
        </button>
      </header>
      {searchOpen && lab.panelOpen && (
        <div className={styles.searchBar} data-testid="lab-terminal-search">
          <input
            ref={searchInputRef}
            className={styles.searchInput}
            type="search"
            value={query}
            placeholder={translate({id: 'lab.terminal.search.placeholder', message: 'Find in terminal'})}
            aria-label={translate({id: 'lab.terminal.search.placeholder', message: 'Find in terminal'})}
            onChange={(event) => {
              setQuery(event.target.value);
              find('next', event.target.value);
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                find(event.shiftKey ? 'previous' : 'next');
              } else if (event.key === 'Escape') {
                event.preventDefault();
                closeSearch();
              }
            }}
          />
          <span className={styles.matchCount} aria-live="polite">
            {query && matches
              ? matches.count === 0
                ? translate({id: 'lab.terminal.search.none', message: 'No results'})
                : `${matches.index + 1} / ${matches.count}`
              : ''}
          </span>
          <button
            type="button"
            className={styles.iconButton}
            onClick={() => find('previous')}
            aria-label={translate({id: 'lab.terminal.search.previous', message: 'Previous match'})}
          >
            ↑
          </button>
          <button
            type="button"
            className={styles.iconButton}
            onClick={() => find('next')}
            aria-label={translate({id: 'lab.terminal.search.next', message: 'Next match'})}
          >
            ↓
          </button>
          <button
            type="button"
            className={styles.iconButton}
            onClick={closeSearch}
            aria-label={translate({id: 'lab.terminal.search.close', message: 'Close search'})}
          >
            ✕
          </button>
        </div>
      )}
      <div className={styles.panes} hidden={!lab.panelOpen}>
        <div className={styles.body}>
          {lab.refusal && lab.status !== 'open' && <RefusalNotice lab={lab} />}
          {lab.limitNotice && <LimitNoticeBar lab={lab} />}
          {lab.status === 'open' && lab.shell?.state === 'slow' && (
            <SlowShellNotice key={lab.sessionId ?? ''} shell={lab.shell} />
          )}
          {!loaded && (
            <div className={styles.loading}>
              {translate({id: 'lab.terminal.loading', message: 'Loading the terminal…'})}
            </div>
          )}
          <div ref={hostRef} className={styles.host} />
        </div>
        {clusterOpen && lab.panelOpen && (
          <aside className={styles.clusterPane} data-testid="lab-cluster-panel">
            <ClusterPicture variant="dock" />
          </aside>
        )}
      </div>
    </section>
  );
}

/**
 * A workshop attendee's shell ran into one of its limits (processes, memory, disk in HOME): which one, in plain words,
 * and what usually causes it. Over the top of the terminal, until dismissed.
 */
function LimitNoticeBar({lab}: {lab: LabContextValue}): ReactNode {
  const notice = lab.limitNotice!;
  let title: string;
  switch (notice.limit) {
    case 'processes':
      title = translate({
        id: 'lab.limit.processes',
        message: 'Your shell reached its limit on processes: a command that starts processes in a loop was stopped.',
      });
      break;
    case 'memory':
      title = translate({
        id: 'lab.limit.memory',
        message: 'Your shell reached its memory limit: the command using the most memory was stopped.',
      });
      break;
    case 'disk':
      title = translate({
        id: 'lab.limit.disk',
        message: 'Your home folder is full: delete big files (du -sh ~/*) before writing more.',
      });
      break;
    case 'output':
      title = translate({
        id: 'lab.limit.output',
        message: 'Your command prints faster than a terminal can show, so the lab slows it down. Ctrl+C stops it.',
      });
      break;
  }
  return (
    <div className={styles.limitNotice} role="alert" data-testid="lab-limit-notice" data-limit={notice.limit}>
      <span className={styles.limitIcon} aria-hidden="true">
        ⚠
      </span>
      {/* the server's own words (English) in the tooltip: the title already says it in the page's language */}
      <span className={styles.limitText} title={notice.message}>
        {title}
      </span>
      <button
        type="button"
        className={styles.noticeButton}
        onClick={lab.dismissLimitNotice}
        aria-label={translate({id: 'lab.limit.dismiss', message: 'Dismiss'})}
      >
        ✕
      </button>
    </div>
  );
}

/**
 * What stops the terminal, in plain words, with the way out: the lab is not running, the token changed, too many
 * terminals, the terminal moved to another tab, no shell could be started.
 */
function RefusalNotice({lab}: {lab: LabContextValue}): ReactNode {
  const refusal = lab.refusal!;
  let title: string;
  let body: ReactNode;
  let actions: ReactNode;
  const tryAgain = (
    <button type="button" className={styles.noticeButton} onClick={() => lab.retry()}>
      {translate({id: 'lab.refusal.tryAgain', message: 'Try again'})}
    </button>
  );
  switch (refusal.kind) {
    case 'server-gone':
      title = translate({id: 'lab.refusal.gone.title', message: 'The lab server is not answering'});
      body = translate({
        id: 'lab.refusal.gone.body',
        message:
          'Is it still running? Start it again with npm start in the project folder. This page reconnects by itself, and your progress and the token stay as they were.',
      });
      actions = (
        <button type="button" className={styles.noticeButton} onClick={lab.reconnect}>
          {translate({id: 'lab.terminal.reconnect', message: 'Reconnect now'})}
        </button>
      );
      break;
    case 'token':
      if (refusal.detail === 'missing') {
        title = translate({id: 'lab.refusal.noToken.title', message: 'This page has no key to the lab yet'});
        body = translate({
          id: 'lab.refusal.noToken.body',
          message:
            'The terminal opens only for the URL the lab printed when it started, which carries its token. Open that URL from your terminal: the line that starts with “Open http://127.0.0.1”.',
        });
      } else {
        title = translate({id: 'lab.refusal.token.title', message: 'The lab no longer accepts this page’s token'});
        body = translate({
          id: 'lab.refusal.token.body',
          message:
            'The lab was started with a new token (--new-token), or this page came from an old link. Open the new URL printed in your terminal: the line that starts with “Open http://127.0.0.1”.',
        });
      }
      actions = tryAgain;
      break;
    case 'forbidden':
      title = translate({id: 'lab.refusal.forbidden.title', message: 'The lab refuses this address'});
      body = translate({
        id: 'lab.refusal.forbidden.body',
        message:
          'To keep your shell safe, the lab only answers pages opened at the address it printed. Open the URL printed in your terminal (http://127.0.0.1:…).',
      });
      actions = tryAgain;
      break;
    case 'session-limit':
      title = translate({id: 'lab.refusal.limit.title', message: 'You have as many terminals as the lab allows'});
      body = translate({
        id: 'lab.refusal.limit.body',
        message:
          'Each browser window gets its own terminal, and other windows hold them all, or held them until a few minutes ago. Take over the oldest one here (the window using it lets go), or close the lab in another window and try again.',
      });
      actions = (
        <>
          <button
            type="button"
            className={clsx(styles.noticeButton, styles.noticePrimary)}
            data-testid="lab-take-over"
            onClick={() => lab.retry({takeOver: true})}
          >
            {translate({id: 'lab.refusal.limit.takeOver', message: 'Take over the oldest session'})}
          </button>
          {tryAgain}
        </>
      );
      break;
    case 'taken-over':
      title = translate({id: 'lab.refusal.takenOver.title', message: 'This terminal is now open in another tab'});
      body = translate({
        id: 'lab.refusal.takenOver.body',
        message: 'Another tab or window took it over; the shell goes on there. You can take it back.',
      });
      actions = (
        <button
          type="button"
          className={clsx(styles.noticeButton, styles.noticePrimary)}
          data-testid="lab-take-back"
          onClick={() => lab.retry({takeOver: true})}
        >
          {translate({id: 'lab.refusal.takenOver.useHere', message: 'Use it here'})}
        </button>
      );
      break;
    case 'start-failed':
      title = translate({id: 'lab.refusal.start.title', message: 'The lab could not start a shell'});
      body = (
        <>
          {translate({
            id: 'lab.refusal.start.body',
            message: 'The lab server said why; its log (the terminal where you ran npm start) may say more.',
          })}{' '}
          {refusal.detail && <code>{refusal.detail}</code>}
        </>
      );
      actions = tryAgain;
      break;
  }
  return (
    <div className={styles.notice} role="alert" data-testid="lab-terminal-refusal" data-kind={refusal.kind}>
      <div className={styles.noticeCard}>
        <p className={styles.noticeTitle}>{title}</p>
        <p className={styles.noticeBody}>{body}</p>
        <div className={styles.noticeActions}>{actions}</div>
      </div>
    </div>
  );
}

/**
 * The shell has shown no prompt after the start timeout: almost always an rc file that hangs or waits. Says so, with
 * the files and how to start without them; it can be put aside (the rc file may be asking something in the terminal).
 */
export function SlowShellNotice({shell}: {shell: ShellMessage}): ReactNode {
  const [hidden, setHidden] = useState(false);
  if (hidden) return null;
  return (
    <div className={styles.notice} role="alert" data-testid="lab-terminal-slow-shell">
      <div className={styles.noticeCard}>
        <p className={styles.noticeTitle}>
          {translate(
            {id: 'lab.shell.slow.title', message: 'The shell has not shown a prompt after {seconds} s'},
            {seconds: Math.round(shell.timeoutMs / 1000)},
          )}
        </p>
        <p className={styles.noticeBody}>
          <SlowShellText shell={shell} />
        </p>
        <div className={styles.noticeActions}>
          <button type="button" className={styles.noticeButton} onClick={() => setHidden(true)}>
            {translate({id: 'lab.shell.slow.show', message: 'Show the terminal'})}
          </button>
        </div>
      </div>
    </div>
  );
}
