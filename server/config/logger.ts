/** The server's log: pino, to stderr (stdout is for what the CLI prints for the user), level from LAB_LOG_LEVEL. */
import pino from 'pino';

export type Logger = pino.Logger;

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export function createLogger(level: string | undefined = process.env.LAB_LOG_LEVEL): Logger {
  const wanted = (level ?? 'info').toLowerCase();
  return pino(
    {
      name: 'lab',
      level: LEVELS.has(wanted) ? wanted : 'info',
      base: undefined, // no pid/hostname on every line: it is always this machine
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({dest: 2, sync: true}),
  );
}

export function silentLogger(): Logger {
  return pino({level: 'silent'});
}
