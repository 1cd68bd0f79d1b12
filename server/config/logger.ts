/**
 * The server's log: pino, to stderr (stdout is for what the CLI prints for the user), level from LAB_LOG_LEVEL.
 * On a terminal the lines are written for people (server/config/pretty-log.ts); piped or redirected they stay JSON
 * lines for machines. LAB_LOG_FORMAT=json or =pretty decides instead.
 */
import pino from 'pino';
import {prettyDestination} from './pretty-log';

export type Logger = pino.Logger;

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export function createLogger(
  level: string | undefined = process.env.LAB_LOG_LEVEL,
  format: string | undefined = process.env.LAB_LOG_FORMAT,
): Logger {
  const wanted = (level ?? 'info').toLowerCase();
  const pretty = format === 'pretty' || (format !== 'json' && process.stderr.isTTY === true);
  return pino(
    {
      name: 'lab',
      level: LEVELS.has(wanted) ? wanted : 'info',
      base: undefined, // no pid/hostname on every line: it is always this machine
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pretty ? prettyDestination(process.stderr, !process.env.NO_COLOR) : pino.destination({dest: 2, sync: true}),
  );
}

export function silentLogger(): Logger {
  return pino({level: 'silent'});
}
