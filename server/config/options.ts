/**
 * The terminal server's named options: every limit and location has a name and a documented default, and the whole
 * set is validated once, at start, with messages that name the offending option (like ws's constructor options).
 * Everything downstream receives the typed, resolved `LabOptions` and trusts it.
 */
import {randomBytes} from 'node:crypto';
import {homedir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {z} from 'zod';
import {MANIFEST_DIR} from '../../src/core/steps/types';

/** The repository root (this file is server/config/options.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const KiB = 1024;
const MiB = 1024 * KiB;
const MINUTE = 60_000;

const positiveInt = z.number().int().positive();

/** A host name as it may appear in a Host header: a DNS name, an IPv4 address or a bracketed IPv6 address, optional port. */
const hostName = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/, 'a host name like "lab.example" or "lab.example:8080"')
  .transform((h) => h.toLowerCase());

const schema = z
  .object({
    /** interface to listen on; loopback by default (the server runs commands: never expose it by accident) */
    host: z.string().min(1).default('127.0.0.1'),
    /** TCP port; 0 picks any free port (tests, Playwright) */
    port: z.number().int().min(0).max(65535).default(4321),
    /** the secret every /api call and WebSocket must present; random unless given (or LAB_TOKEN is set) */
    token: z
      .string()
      .min(16, 'at least 16 characters')
      .max(512)
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
    /** extra Host names accepted besides 127.0.0.1, localhost and [::1] (e.g. behind a reverse proxy) */
    allowedHosts: z.array(hostName).default([]),
    /** largest client WebSocket message accepted */
    maxMessageBytes: positiveInt.max(16 * MiB).default(64 * KiB),
    /** concurrent terminal sessions one learner may hold (tabs) */
    maxSessionsPerLearner: positiveInt.max(1000).default(4),
    /** how long a session with no socket attached survives (reload, laptop sleep) */
    detachGraceMs: positiveInt.default(15 * MINUTE),
    /** a session with no input or output for this long is closed */
    idleTimeoutMs: positiveInt.default(120 * MINUTE),
    /**
     * the most a reconnect replays per session (UTF-8 bytes): the terminal's state serialized, oldest scrollback rows
     * dropped to fit (server/sessions/replay-terminal.ts)
     */
    scrollbackBytes: positiveInt.max(256 * MiB).default(2 * MiB),
    /** flow control: pause the PTY when a socket has this much unsent output... */
    highWaterMark: positiveInt.default(1 * MiB),
    /** ...and resume it once the socket drained below this */
    lowWaterMark: positiveInt.default(256 * KiB),
    /** progress files and learner workspaces */
    stateDir: z.string().min(1),
    /** the built Docusaurus site */
    siteDir: z.string().min(1),
    /** the repository */
    repoRoot: z.string().min(1).default(REPO_ROOT),
    /** the step manifests; the site build writes them to MANIFEST_DIR (src/core/steps/types.ts) under repoRoot */
    manifestDir: z.string().min(1),
    backend: z.enum(['host', 'sandbox'], {error: 'must be "host" or "sandbox"'}).default('sandbox'),
    /** listen beyond loopback with the host backend, i.e. offer a real shell of this machine to the network */
    allowRemoteShell: z.boolean().default(false),
    /** workshop mode (server/workshop): this lab's learner is the instructor, and attendees join with a code */
    workshop: z
      .object({
        /** most attendees who may join */
        capacity: positiveInt.max(500).default(30),
        /** attendees may join and work this long from the start */
        durationMinutes: positiveInt.max(7 * 24 * 60).default(240),
        /** page ids in scope (the board's columns, where attendees land); empty: the whole walkthrough */
        pages: z.array(z.string().regex(/^[a-z0-9][a-z0-9/_-]*$/, 'a page id like "install-istio"')).default([]),
        /** start a new workshop even if the last one has not ended (a new code, an empty room) */
        fresh: z.boolean().default(false),
        /** listening beyond loopback for the room: attendee shells must be isolated (bubblewrap, root) */
        lan: z.boolean().default(false),
        /** the address attendees use (the LAN address under --lan); the board shows it */
        joinHost: z.string().max(255).optional(),
      })
      .strict()
      .optional(),
    /**
     * `none`: learners' shells read no rc file (`lab start --no-rc`), for an rc file that hangs or waits; `user`: the
     * learner's ~/.bashrc runs as in any terminal (the sandbox re-seals what it needs after it)
     */
    shellRc: z.enum(['user', 'none'], {error: 'must be "user" or "none"'}).default('user'),
  })
  .strict()
  .superRefine((o, ctx) => {
    // A real shell never leaves loopback unless someone explicitly asks for it. The sandbox's shell is a real bash
    // on this machine too (only the cluster is simulated), and attendee shells are not isolated (no bubblewrap):
    // both backends need the opt-in.
    // a LAN workshop is the other way beyond loopback: its attendees' shells are isolated (checked at start)
    if (!isLoopbackHost(o.host) && !o.allowRemoteShell && !o.workshop?.lan) {
      ctx.addIssue({
        code: 'custom',
        path: ['host'],
        message: `listening on ${o.host} would offer a real shell of this machine to the network; use 127.0.0.1, or opt in with --allow-remote-shell (LAB_ALLOW_REMOTE_SHELL=1)`,
      });
    }
    if (o.lowWaterMark >= o.highWaterMark) {
      ctx.addIssue({
        code: 'custom',
        path: ['lowWaterMark'],
        message: `must be below highWaterMark (${o.highWaterMark})`,
      });
    }
  });

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

export type LabOptions = z.output<typeof schema>;
/** What callers may pass: any subset; the rest comes from the environment and defaults. */
export type LabOptionsInput = Partial<z.input<typeof schema>>;

export class OptionsError extends Error {
  readonly code = 'invalid-option';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}

/** LAB_STATE_DIR (handled with the other LAB_ variables) wins over this. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_STATE_HOME || path.join(homedir(), '.local', 'state'), 'ambient-lab');
}

export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Options that may also come from the environment, as LAB_<NAME> (e.g. LAB_MAX_SESSIONS_PER_LEARNER=50). */
const ENV_OPTIONS = [
  'host',
  'port',
  'token',
  'allowedHosts',
  'maxMessageBytes',
  'maxSessionsPerLearner',
  'detachGraceMs',
  'idleTimeoutMs',
  'scrollbackBytes',
  'highWaterMark',
  'lowWaterMark',
  'stateDir',
  'siteDir',
  'manifestDir',
  'backend',
  'allowRemoteShell',
  'shellRc',
] as const;
const NUMERIC = new Set<string>([
  'port',
  'maxMessageBytes',
  'maxSessionsPerLearner',
  'detachGraceMs',
  'idleTimeoutMs',
  'scrollbackBytes',
  'highWaterMark',
  'lowWaterMark',
]);

export function envName(option: string): string {
  return 'LAB_' + option.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}

function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ENV_OPTIONS) {
    const raw = env[envName(key)];
    if (raw === undefined || raw === '') continue;
    // a non-numeric value becomes NaN, which the schema rejects with the option's name
    if (NUMERIC.has(key)) out[key] = Number(raw);
    else if (key === 'allowRemoteShell') out[key] = raw === '1' || raw.toLowerCase() === 'true';
    else if (key === 'allowedHosts')
      out[key] = raw
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean);
    else out[key] = raw;
  }
  return out;
}

/**
 * Merge `input` over the environment (LAB_TOKEN, LAB_STATE_DIR, LAB_<OPTION>) and the defaults, validate, and
 * resolve paths. Throws OptionsError naming the first invalid option.
 */
export function resolveOptions(input: LabOptionsInput = {}, env: NodeJS.ProcessEnv = process.env): LabOptions {
  // `undefined` means "not given" (commander leaves unset flags undefined), so drop those keys before merging.
  const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const repoRoot = typeof given.repoRoot === 'string' ? given.repoRoot : REPO_ROOT;
  const merged = {
    token: randomToken(),
    stateDir: defaultStateDir(env),
    siteDir: path.join(repoRoot, 'build'),
    manifestDir: path.join(repoRoot, MANIFEST_DIR),
    ...fromEnv(env),
    ...given,
  };
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const option = issue?.path.join('.') || (issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'options');
    const what = issue?.code === 'unrecognized_keys' ? 'unknown option' : (issue?.message ?? 'invalid');
    throw new OptionsError(option, `invalid option ${option}: ${what}`);
  }
  const o = parsed.data;
  return {
    ...o,
    stateDir: path.resolve(o.stateDir),
    siteDir: path.resolve(repoRoot, o.siteDir),
    manifestDir: path.resolve(repoRoot, o.manifestDir),
    repoRoot: path.resolve(o.repoRoot),
  };
}
