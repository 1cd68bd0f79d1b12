/**
 * A terminal watched from elsewhere, read-only: an attendee's (the instructor's board, `/ws/watch?attendee=<id>`) or
 * the instructor's own while broadcast (attendees, `/ws/watch?broadcast=1`). Binary frames are the watched terminal's
 * bytes (its scrollback first), JSON frames say whose it is, its size and whether the viewer may type.
 *
 * The viewer follows the watched terminal's size and never sends one: watching must not reflow the attendee's screen.
 * It shrinks its font (down to 8 px) so the watched width fits, and scrolls sideways beyond that. In `typing` mode
 * (the attendee consented) keystrokes go back as `{type:'input'}`; otherwise stdin is off.
 *
 * Test hooks: `[data-testid=watch-terminal][data-status=connecting|open|ended|refused][data-mode][data-of]`,
 * `[data-testid=watch-terminal-message]`, `window.__labWatchTerminal`.
 */
import React, {useEffect, useRef, useState, type ReactNode} from 'react';
import clsx from 'clsx';
import {translate} from '@docusaurus/Translate';
import type {Terminal as XTerm} from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import {watchServerMessage, type WatchClientMessage} from '@site/src/core/protocol/workshop';
import styles from './styles.module.css';

declare global {
  interface Window {
    __labWatchTerminal?: XTerm;
  }
}

export type WatchSource = {attendee: string} | {broadcast: true};

export type WatchStatus = 'connecting' | 'open' | 'ended' | 'refused';

export interface WatchInfo {
  status: WatchStatus;
  name?: string;
  mode?: 'viewing' | 'typing';
  reason?: string;
}

const FONT_FAMILY =
  '"D2Coding", "Noto Sans Mono CJK KR", "NanumGothicCoding", ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace, "Noto Sans KR Variable"';
const MAX_FONT = 14;
const MIN_FONT = 8;
/** a monospace cell is about this wide for its font size (xterm measures the real one; this only picks the size) */
const CELL_RATIO = 0.6;
const INPUT_CHUNK = 16 * 1024;

function watchUrl(source: WatchSource): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = 'attendee' in source ? `attendee=${encodeURIComponent(source.attendee)}` : 'broadcast=1';
  return `${scheme}//${window.location.host}/ws/watch?${query}`;
}

export default function WatchTerminal({
  source,
  onInfo,
  className,
}: {
  source: WatchSource;
  /** told whenever the status, name or mode changes (the board shows them in its panel header) */
  onInfo?: (info: WatchInfo) => void;
  className?: string;
}): ReactNode {
  const hostRef = useRef<HTMLDivElement>(null);
  const [info, setInfo] = useState<WatchInfo>({status: 'connecting'});
  const onInfoRef = useRef(onInfo);
  onInfoRef.current = onInfo;
  const sourceKey = 'attendee' in source ? `a:${source.attendee}` : 'broadcast';

  useEffect(() => onInfoRef.current?.(info), [info]);

  useEffect(() => {
    let disposed = false;
    let term: XTerm | null = null;
    let socket: WebSocket | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let pingTimer: ReturnType<typeof setInterval> | undefined;
    let observer: ResizeObserver | undefined;
    let attempt = 0;
    let size = {cols: 80, rows: 24};
    let mode: 'viewing' | 'typing' = 'viewing';
    const src: WatchSource = sourceKey === 'broadcast' ? {broadcast: true} : {attendee: sourceKey.slice(2)};

    const fitFont = () => {
      const host = hostRef.current;
      if (!term || !host || host.clientWidth === 0) return;
      const font = Math.max(
        MIN_FONT,
        Math.min(MAX_FONT, Math.floor((host.clientWidth - 16) / (size.cols * CELL_RATIO))),
      );
      if (term.options.fontSize !== font) term.options.fontSize = font;
    };

    const send = (message: WatchClientMessage) => {
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    };

    const connect = () => {
      if (disposed) return;
      let opened = false;
      const ws = new WebSocket(watchUrl(src));
      ws.binaryType = 'arraybuffer';
      socket = ws;
      ws.onmessage = (event: MessageEvent) => {
        if (event.data instanceof ArrayBuffer) {
          term?.write(new Uint8Array(event.data));
          return;
        }
        if (typeof event.data !== 'string') return;
        let raw: unknown;
        try {
          raw = JSON.parse(event.data);
        } catch {
          return;
        }
        const parsed = watchServerMessage.safeParse(raw);
        if (!parsed.success) return;
        const message = parsed.data;
        if (message.type === 'watch') {
          if (!opened) term?.reset(); // the scrollback replay follows: start from a clean screen
          opened = true;
          attempt = 0;
          size = {cols: message.cols, rows: message.rows};
          mode = message.mode;
          if (term && (term.cols !== message.cols || term.rows !== message.rows))
            term.resize(message.cols, message.rows);
          if (term) term.options.disableStdin = mode !== 'typing';
          fitFont();
          setInfo({status: 'open', name: message.name, mode: message.mode});
        } else if (message.type === 'watch-ended') {
          disposed = true; // no reconnect: the server said it is over
          setInfo((i) => ({...i, status: 'ended', reason: message.reason}));
          ws.close(1000, 'ended');
        }
      };
      ws.onopen = () => {
        clearInterval(pingTimer);
        pingTimer = setInterval(() => send({type: 'ping', t: Date.now()}), 25_000);
      };
      ws.onclose = () => {
        clearInterval(pingTimer);
        if (socket === ws) socket = null;
        if (disposed) return;
        if (!opened && attempt >= 2) {
          // refused at the upgrade (not the instructor, not broadcasting, no such attendee): the browser does not say why
          setInfo({status: 'refused'});
          return;
        }
        attempt += 1;
        setInfo((i) => ({...i, status: 'connecting'}));
        retryTimer = setTimeout(connect, Math.min(8000, 500 * 2 ** attempt));
      };
    };

    void (async () => {
      const [{Terminal}, {Unicode11Addon}] = await Promise.all([
        import('@xterm/xterm'),
        import('@xterm/addon-unicode11'),
      ]);
      const host = hostRef.current;
      if (disposed || !host) return;
      term = new Terminal({
        allowProposedApi: true,
        disableStdin: true,
        cursorBlink: false,
        fontFamily: FONT_FAMILY,
        fontSize: 13,
        lineHeight: 1.1,
        scrollback: 5000,
        cols: size.cols,
        rows: size.rows,
        theme: {background: '#0d1117', foreground: '#e6edf3', cursor: '#5eead4'},
      });
      term.loadAddon(new Unicode11Addon());
      term.unicode.activeVersion = '11';
      term.open(host);
      window.__labWatchTerminal = term;
      term.onData((data) => {
        if (mode !== 'typing') return;
        for (let i = 0; i < data.length; i += INPUT_CHUNK) send({type: 'input', data: data.slice(i, i + INPUT_CHUNK)});
      });
      observer = new ResizeObserver(fitFont);
      observer.observe(host);
      connect();
    })();

    return () => {
      disposed = true;
      clearTimeout(retryTimer);
      clearInterval(pingTimer);
      observer?.disconnect();
      socket?.close(1000, 'viewer closed');
      if (window.__labWatchTerminal === term) delete window.__labWatchTerminal;
      term?.dispose();
    };
  }, [sourceKey]);

  let message: string | undefined;
  if (info.status === 'connecting') message = translate({id: 'lab.watch.connecting', message: 'Connecting…'});
  else if (info.status === 'refused')
    message = translate({
      id: 'lab.watch.refused',
      message: 'This terminal cannot be watched now (it is not shared with you, or it is gone).',
    });
  else if (info.status === 'ended')
    message = translate(
      {id: 'lab.watch.ended', message: 'No longer shown: {reason}'},
      {reason: info.reason ?? translate({id: 'lab.watch.endedUnknown', message: 'it ended'})},
    );

  return (
    <div
      className={clsx(styles.watch, className)}
      data-testid="watch-terminal"
      data-status={info.status}
      data-mode={info.mode}
      data-of={sourceKey === 'broadcast' ? 'instructor' : sourceKey.slice(2)}
    >
      {message && (
        <div className={styles.message} data-testid="watch-terminal-message" role="status">
          {message}
        </div>
      )}
      <div ref={hostRef} className={styles.host} />
    </div>
  );
}
