/**
 * The board's socket (`/ws/board`, the instructor's cookie): whole snapshots as they change. When the socket closes
 * before any snapshot, the browser does not say why, so `/api/workshop/info` tells: not the instructor (the board
 * says how to get in), no workshop, or a passing failure (reconnect with backoff, as after a drop).
 */
import {useEffect, useState} from 'react';
import {boardServerMessage, type BoardSnapshot} from '@site/src/core/protocol/workshop';
import {askWorkshopInfo} from '@site/src/components/Workshop/info';

export type BoardStatus = 'connecting' | 'open' | 'reconnecting' | 'forbidden' | 'no-workshop';

export function useBoard(): {status: BoardStatus; board: BoardSnapshot | null} {
  const [status, setStatus] = useState<BoardStatus>('connecting');
  const [board, setBoard] = useState<BoardSnapshot | null>(null);

  useEffect(() => {
    let disposed = false;
    let socket: WebSocket | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let pingTimer: ReturnType<typeof setInterval> | undefined;
    let attempt = 0;

    const retry = () => {
      attempt += 1;
      setStatus('reconnecting');
      retryTimer = setTimeout(connect, Math.min(10_000, 500 * 2 ** attempt));
    };

    function connect() {
      if (disposed) return;
      const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
      const ws = new WebSocket(`${scheme}//${window.location.host}/ws/board`);
      socket = ws;
      let received = false;
      ws.onopen = () => {
        pingTimer = setInterval(() => ws.send(JSON.stringify({type: 'ping', t: Date.now()})), 25_000);
      };
      ws.onmessage = (event: MessageEvent) => {
        if (typeof event.data !== 'string') return;
        let raw: unknown;
        try {
          raw = JSON.parse(event.data);
        } catch {
          return;
        }
        const parsed = boardServerMessage.safeParse(raw);
        if (!parsed.success) {
          console.warn('[lab] ignored an invalid board message', parsed.error.issues[0]);
          return;
        }
        if (parsed.data.type === 'board') {
          received = true;
          attempt = 0;
          setBoard(parsed.data.board);
          setStatus('open');
        }
      };
      ws.onclose = () => {
        clearInterval(pingTimer);
        if (socket === ws) socket = null;
        if (disposed) return;
        if (received) return retry();
        void askWorkshopInfo().then((info) => {
          if (disposed) return;
          if (!info) retry();
          else if (info.state === 'none') setStatus('no-workshop');
          else if (info.role !== 'instructor') setStatus('forbidden');
          else retry();
        });
      };
    }

    connect();
    return () => {
      disposed = true;
      clearTimeout(retryTimer);
      clearInterval(pingTimer);
      socket?.close(1000, 'page closed');
    };
  }, []);

  return {status, board};
}
