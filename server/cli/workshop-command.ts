/**
 * `lab workshop start`: the lab in workshop mode. Prints the instructor URL (with the token: it stays on this
 * machine), the attendees' join URL with its short code, and a QR code of the join URL for the room's phones.
 * Loopback by default; `--lan` listens for the room and says which address attendees use.
 */
import os from 'node:os';
import {InvalidArgumentError, type Command} from 'commander';
import QRCode from 'qrcode';
import {storedToken} from '../auth/token-file';
import {createLogger} from '../config/logger';
import {resolveOptions} from '../config/options';
import {startLabServer, type LabServer} from '../http/server';
import {formatJoinCode} from '../workshop/join-code';
import {WorkshopStartError} from '../workshop/start';

export interface WorkshopCommandDeps {
  ensureSite(force: boolean): Promise<void>;
  parsePort(value: string): number;
  /** an error shown as `lab: <message>` with this exit code */
  userError(message: string): Error;
}

interface WorkshopFlags {
  port: number;
  lan?: boolean;
  lanAddress?: string;
  capacity: number;
  duration: number;
  pages?: string;
  fresh?: boolean;
  build: boolean;
}

export function registerWorkshopCommand(lab: Command, deps: WorkshopCommandDeps): void {
  const workshop = lab.command('workshop').description('run the walkthrough as a workshop: you teach, a room follows');
  workshop
    .command('start')
    .description('start the lab as a workshop: an instructor board, and a join code for attendees')
    .option('--port <port>', 'port to listen on', deps.parsePort, 4321)
    .option('--lan', 'listen on this machine’s LAN address so the room can join (attendee shells are isolated)')
    .option('--lan-address <ip>', 'the address attendees use (default: the first non-loopback IPv4 address)')
    .option('--capacity <n>', 'most attendees who may join', positive('capacity'), 30)
    .option('--duration <minutes>', 'how long attendees may join and work', positive('duration'), 240)
    .option('--pages <ids>', 'pages in scope, comma-separated page ids (default: the whole walkthrough)')
    .option('--fresh', 'start a new workshop (new code, empty room) even if the last one has not ended')
    .option('--no-build', 'serve the existing build/ even if the docs changed')
    .action((flags: WorkshopFlags) => startWorkshopCommand(flags, deps));
}

function positive(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive whole number`);
    return n;
  };
}

async function startWorkshopCommand(flags: WorkshopFlags, deps: WorkshopCommandDeps): Promise<void> {
  const lanAddress = flags.lan ? (flags.lanAddress ?? firstLanAddress()) : undefined;
  if (flags.lan && !lanAddress)
    throw deps.userError('--lan: this machine has no non-loopback IPv4 address; name one with --lan-address');
  const given = {
    port: flags.port,
    host: flags.lan ? '0.0.0.0' : '127.0.0.1',
    allowedHosts: lanAddress ? [`${lanAddress}:${flags.port}`] : undefined,
    workshop: {
      capacity: flags.capacity,
      durationMinutes: flags.duration,
      pages: (flags.pages ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
      fresh: flags.fresh === true,
      lan: flags.lan === true,
      joinHost: lanAddress,
    },
  };
  const resolved = resolveOptions(given);
  const kept = process.env.LAB_TOKEN ? undefined : await storedToken(resolved.stateDir);
  if (flags.build) await deps.ensureSite(false);
  const logger = createLogger();
  let lab: LabServer;
  try {
    lab = await startLabServer({...given, ...(kept ? {token: kept.token} : {}), logger});
  } catch (err) {
    if (err instanceof WorkshopStartError) throw deps.userError(err.message);
    throw err;
  }
  const info = lab.workshop!;
  const joinBase = `http://${lanAddress ?? '127.0.0.1'}:${lab.port}/join`;
  const joinUrl = `${joinBase}?code=${info.code}`;
  const qr = await QRCode.toString(joinUrl, {type: 'terminal', small: true});
  process.stdout.write(
    [
      '',
      `Ambient Lab workshop ${info.id} is running (${info.capacity} seats, until ${new Date(info.expiresAt).toLocaleTimeString()}).`,
      info.notIsolated
        ? `Attendee shells are NOT isolated: ${info.notIsolated}. Fine for a rehearsal on this machine; --lan refuses it.`
        : 'Each attendee gets an isolated shell (own user, bubblewrap, limits) and a sandbox of their own.',
      lanAddress
        ? `Listening for the room on ${lanAddress}:${lab.port}. Attendees open:`
        : 'Listening on this machine only (add --lan for a room). Attendees open:',
      '',
      `  ${joinBase}`,
      `  join code: ${formatJoinCode(info.code)}`,
      '',
      qr,
      'Your board and your own terminal (keep this URL to yourself; it works on this machine only):',
      '',
      `  ${lab.url}workshop?token=${lab.token}`,
      '',
      'Press Ctrl+C to stop (the room’s results stay in the state directory; `--fresh` starts a new room).',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    lab.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** the address people on the same network reach this machine at: the first non-internal IPv4 */
export function firstLanAddress(interfaces = os.networkInterfaces()): string | undefined {
  for (const list of Object.values(interfaces)) {
    for (const i of list ?? []) if (i.family === 'IPv4' && !i.internal) return i.address;
  }
  return undefined;
}
