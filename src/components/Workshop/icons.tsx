/**
 * The workshop's small icons as inline SVG in the text colour: emoji (✋ 📡 👁) are missing from many fonts (the
 * machines of a room, Linux without an emoji font) and would show as empty boxes.
 */
import React, {type ReactNode} from 'react';

type Name = 'person' | 'hand' | 'broadcast' | 'eye' | 'keyboard' | 'stop';

const PATHS: Record<Name, ReactNode> = {
  person: (
    <>
      <circle cx="8" cy="5" r="2.8" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <path d="M2.8 14c.6-2.8 2.7-4.3 5.2-4.3s4.6 1.5 5.2 4.3" fill="none" stroke="currentColor" strokeWidth="1.5" />
    </>
  ),
  hand: (
    <path
      d="M5 8.5V3.2a1 1 0 0 1 2 0V7m0-4.6V2a1 1 0 0 1 2 0v5m0-4a1 1 0 0 1 2 0v4.5m0-2.5a1 1 0 0 1 2 0v4.5c0 2.8-2 4.8-4.6 4.8-1.8 0-3-.8-4-2.3L2.3 9.6a1 1 0 0 1 1.6-1.2L5 9.6"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.3"
      strokeLinecap="round"
      strokeLinejoin="round"
    />
  ),
  broadcast: (
    <>
      <circle cx="8" cy="8" r="1.6" fill="currentColor" />
      <path
        d="M5.2 5.2a4 4 0 0 0 0 5.6M10.8 5.2a4 4 0 0 1 0 5.6M3 3a7 7 0 0 0 0 10M13 3a7 7 0 0 1 0 10"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
        strokeLinecap="round"
      />
    </>
  ),
  eye: (
    <>
      <path
        d="M1.5 8S4 3.5 8 3.5 14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8Z"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
      />
      <circle cx="8" cy="8" r="2" fill="currentColor" />
    </>
  ),
  keyboard: (
    <>
      <rect x="1.5" y="4" width="13" height="8" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <path d="M4 6.5h1M7.5 6.5h1M11 6.5h1M4 9.5h8" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
    </>
  ),
  stop: (
    <>
      <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <path d="M4 12 12 4" stroke="currentColor" strokeWidth="1.5" />
    </>
  ),
};

export function Icon({name, size = 14}: {name: Name; size?: number}): ReactNode {
  return (
    <svg viewBox="0 0 16 16" width={size} height={size} aria-hidden="true" style={{verticalAlign: '-0.15em'}}>
      {PATHS[name]}
    </svg>
  );
}
