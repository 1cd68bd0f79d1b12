/**
 * Join codes: short enough to read off a projector and type on a phone, random enough that guessing one is hopeless
 * under the join rate limit. Six characters from an alphabet without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B),
 * shown as "ACD-EFG"; typed codes are normalised (case, spaces, dashes).
 */
import {randomInt} from 'node:crypto';

export const JOIN_CODE_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY34679';
export const JOIN_CODE_LENGTH = 6;

export function newJoinCode(): string {
  let code = '';
  for (let i = 0; i < JOIN_CODE_LENGTH; i++) code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
  return code;
}

/** "ACD-EFG" for display */
export function formatJoinCode(code: string): string {
  return `${code.slice(0, 3)}-${code.slice(3)}`;
}

/** what a person typed, as a comparable code, or undefined when it cannot be one */
export function normaliseJoinCode(typed: string): string | undefined {
  const compact = typed.toUpperCase().replace(/[\s-]/g, '');
  return compact.length === JOIN_CODE_LENGTH && /^[A-Z0-9]+$/.test(compact) ? compact : undefined;
}
