/**
 * The instructor's doc page tells the server which step is in view (and which one runs), so "follow me" takes the
 * attendees there: the step nearest the upper third of the screen, sent when it changes, at most every 400 ms.
 */
import {useEffect, useRef} from 'react';
import {useLab} from '@site/src/components/LabProvider';
import {latestWins} from '@site/src/core/workshop/throttle';
import {useWorkshop} from './context';

const INTERVAL_MS = 400;

const clock = {
  now: () => Date.now(),
  setTimer(fn: () => void, ms: number) {
    const timer = setTimeout(fn, ms);
    return {cancel: () => clearTimeout(timer)};
  },
};

/** the step whose top is the last one above 40 % of the viewport height, else the first one below it */
function stepInView(): string | undefined {
  const line = window.innerHeight * 0.4;
  let chosen: string | undefined;
  for (const element of document.querySelectorAll<HTMLElement>('[data-testid="step"][data-step-id]')) {
    const rect = element.getBoundingClientRect();
    if (rect.bottom < 0) continue;
    if (rect.top <= line || chosen === undefined) chosen = element.dataset.stepId;
    if (rect.top > line) break;
  }
  return chosen;
}

export function useInstructorFocus(pageId: string): void {
  const {info} = useWorkshop();
  const lab = useLab();
  const labRef = useRef(lab);
  labRef.current = lab;
  const {locale, status} = lab;
  const instructor = info?.role === 'instructor' && info.state !== 'none' && info.state !== 'ended';
  const lastSent = useRef<string | undefined>(undefined);
  const sendRef = useRef<((stepId: string) => void) | null>(null);

  useEffect(() => {
    if (!instructor || status !== 'open') return;
    lastSent.current = undefined;
    const send = latestWins<string>(
      INTERVAL_MS,
      (stepId) => {
        if (lastSent.current === stepId) return;
        if (labRef.current.sendWorkshop({type: 'focus', locale, pageId, stepId})) lastSent.current = stepId;
      },
      clock,
    );
    sendRef.current = send;
    const onScroll = () => {
      const stepId = stepInView();
      if (stepId) send(stepId);
    };
    onScroll();
    window.addEventListener('scroll', onScroll, {passive: true});
    return () => {
      window.removeEventListener('scroll', onScroll);
      send.cancel();
      sendRef.current = null;
    };
  }, [instructor, status, locale, pageId]);

  // a step run is where the instructor is, wherever the page is scrolled
  const running = lab.running;
  useEffect(() => {
    if (running && running.pageId === pageId) sendRef.current?.(running.stepId);
  }, [running, pageId]);
}
