/**
 * The cluster picture kept current while it is on screen: read once when shown, again shortly after every command
 * or step that finished in the learner's shell (debounced: a burst of commands costs one read), and slowly polled
 * for what changes on its own (pods becoming Ready). Nothing is read while the tab is hidden.
 */
import {useEffect, useRef, useState} from 'react';
import {useCommandsFinished} from '@site/src/components/LabProvider';
import {fetchClusterPicture, type PictureRead} from './fetch-picture';

/** after a command: long enough to batch a burst, short enough to feel live */
const AFTER_COMMAND_MS = 400;
/** while shown and idle */
const POLL_MS = 8_000;

export interface ClusterPictureState {
  read: PictureRead | null;
  loading: boolean;
  refresh(): void;
}

export function useClusterPicture(visible: boolean): ClusterPictureState {
  const commandsFinished = useCommandsFinished();
  const [read, setRead] = useState<PictureRead | null>(null);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  const inFlight = useRef<AbortController | null>(null);

  // one read per tick; a newer tick aborts an older read, so a late answer never overwrites a newer one
  useEffect(() => {
    if (!visible) return;
    const controller = new AbortController();
    inFlight.current?.abort();
    inFlight.current = controller;
    setLoading(true);
    fetchClusterPicture(controller.signal).then(
      (next) => {
        if (controller.signal.aborted) return;
        setRead(next);
        setLoading(false);
      },
      () => undefined, // aborted
    );
    return () => controller.abort();
  }, [visible, tick]);

  useEffect(() => {
    if (!visible || commandsFinished === 0) return;
    const timer = setTimeout(() => setTick((t) => t + 1), AFTER_COMMAND_MS);
    return () => clearTimeout(timer);
  }, [visible, commandsFinished]);

  useEffect(() => {
    if (!visible) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') setTick((t) => t + 1);
    }, POLL_MS);
    const onShow = () => document.visibilityState === 'visible' && setTick((t) => t + 1);
    document.addEventListener('visibilitychange', onShow);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onShow);
    };
  }, [visible]);

  return {read, loading, refresh: () => setTick((t) => t + 1)};
}
