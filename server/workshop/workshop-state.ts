/**
 * A workshop's durable state: its join code, its limits, and who joined. One JSON file under the lab's state dir,
 * written atomically on every change and validated when read, so a restart of the instructor's laptop keeps the room
 * (attendees reattach with their cookie) and the results stay on disk for the export after the workshop ended.
 *
 * An attendee is known by a random secret held in an HttpOnly cookie; only its SHA-256 is stored. The cookie names
 * the workshop too, so a cookie from an earlier workshop in the same browser is not mistaken for this one's.
 */
import {createHash, randomBytes, timingSafeEqual} from 'node:crypto';
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {z} from 'zod';
import {newJoinCode, normaliseJoinCode} from './join-code';

const attendeeRecord = z.object({
  /** also the learner id: progress file, sandbox, cgroup and HOME names */
  id: z.string().regex(/^a-[a-z0-9]{10}$/),
  name: z.string().min(1).max(40),
  secretHash: z.string().regex(/^[0-9a-f]{64}$/),
  uid: z.number().int().min(1000),
  joinedAt: z.number(),
  lastSeenAt: z.number(),
  handRaisedAt: z.number().optional(),
});
export type AttendeeRecord = z.infer<typeof attendeeRecord>;

const workshopRecord = z.object({
  version: z.literal(1),
  id: z.string().regex(/^w-[a-z0-9]{8}$/),
  code: z.string().regex(/^[A-Z0-9]{6}$/),
  createdAt: z.number(),
  endedAt: z.number().optional(),
  capacity: z.number().int().min(1).max(500),
  /** attendees may join and work until then (epoch ms) */
  expiresAt: z.number(),
  /** the pages in scope (page ids); empty means the whole walkthrough */
  pages: z.array(z.string()),
  attendees: z.array(attendeeRecord),
});
export type WorkshopRecord = z.infer<typeof workshopRecord>;

export interface WorkshopSettings {
  capacity: number;
  /** how long from the start attendees may join and work */
  durationMs: number;
  pages: string[];
}

export type JoinRefusal =
  | {code: 'bad-code'; message: string}
  | {code: 'bad-name'; message: string}
  | {code: 'full'; message: string}
  | {code: 'ended'; message: string};

export type JoinResult = {ok: true; attendee: AttendeeRecord; cookie: string} | ({ok: false} & JoinRefusal);

/** uids handed to attendees' shells start here (above any real user's) */
export const ATTENDEE_UID_BASE = 200_000;

const NAME_MAX = 40;

export class WorkshopState {
  private constructor(
    private readonly file: string,
    private record: WorkshopRecord,
    private readonly now: () => number,
  ) {}

  /**
   * The workshop of this state dir: resumed when one is there and has not ended (unless `fresh`), else a new one.
   * A file that does not parse is kept aside and a new workshop starts (the operator is told via `problems`).
   */
  static open(
    stateDir: string,
    settings: WorkshopSettings,
    opts: {fresh?: boolean; now?: () => number; problems?: string[]} = {},
  ): WorkshopState {
    const now = opts.now ?? Date.now;
    const dir = path.join(stateDir, 'workshop');
    mkdirSync(dir, {recursive: true, mode: 0o700});
    const file = path.join(dir, 'workshop.json');
    let existing: WorkshopRecord | undefined;
    try {
      const parsed = workshopRecord.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (parsed.success) existing = parsed.data;
      else {
        const aside = `${file}.corrupt-${now()}`;
        renameSync(file, aside);
        opts.problems?.push(`workshop state was invalid (${parsed.error.issues[0]?.message}); kept it as ${aside}`);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        opts.problems?.push(`workshop state unreadable: ${(error as Error).message}`);
      }
    }
    if (existing && !existing.endedAt && !opts.fresh) {
      // a restart may change the limits; the room and the code stay
      existing.capacity = settings.capacity;
      existing.pages = settings.pages;
      const state = new WorkshopState(file, existing, now);
      state.save();
      return state;
    }
    if (existing) {
      // the ended workshop's record stays beside the new one, for its export
      renameSync(file, path.join(dir, `workshop-${existing.id}.json`));
    }
    const record: WorkshopRecord = {
      version: 1,
      id: `w-${randomId(8)}`,
      code: newJoinCode(),
      createdAt: now(),
      capacity: settings.capacity,
      expiresAt: now() + settings.durationMs,
      pages: settings.pages,
      attendees: [],
    };
    const state = new WorkshopState(file, record, now);
    state.save();
    return state;
  }

  get id(): string {
    return this.record.id;
  }
  get code(): string {
    return this.record.code;
  }
  get capacity(): number {
    return this.record.capacity;
  }
  get pages(): string[] {
    return this.record.pages;
  }
  get expiresAt(): number {
    return this.record.expiresAt;
  }
  get endedAt(): number | undefined {
    return this.record.endedAt;
  }
  get createdAt(): number {
    return this.record.createdAt;
  }

  /** open for joining and working: not ended, not expired */
  get open(): boolean {
    return this.record.endedAt === undefined && this.now() < this.record.expiresAt;
  }

  attendees(): readonly AttendeeRecord[] {
    return this.record.attendees;
  }

  attendee(id: string): AttendeeRecord | undefined {
    return this.record.attendees.find((a) => a.id === id);
  }

  join(typedCode: string, typedName: string): JoinResult {
    if (!this.open) return {ok: false, code: 'ended', message: 'this workshop has ended'};
    const code = normaliseJoinCode(typedCode);
    if (!code || !safeEqual(code, this.record.code)) {
      return {ok: false, code: 'bad-code', message: 'that join code is not right: check the code on the screen'};
    }
    const name = cleanName(typedName);
    if (!name) return {ok: false, code: 'bad-name', message: `a name of 1 to ${NAME_MAX} characters, please`};
    if (this.record.attendees.length >= this.record.capacity) {
      return {ok: false, code: 'full', message: `this workshop is full (${this.record.capacity} attendees)`};
    }
    const secret = randomBytes(32).toString('base64url');
    const attendee: AttendeeRecord = {
      id: `a-${randomId(10)}`,
      name: this.uniqueName(name),
      secretHash: sha256(secret),
      uid: ATTENDEE_UID_BASE + this.nextUidOffset(),
      joinedAt: this.now(),
      lastSeenAt: this.now(),
    };
    this.record.attendees.push(attendee);
    this.save();
    return {ok: true, attendee, cookie: `${this.record.id}.${attendee.id}.${secret}`};
  }

  /** the attendee a cookie value names, if it is this workshop's and the secret is right */
  authenticate(cookie: string | undefined): AttendeeRecord | undefined {
    if (!cookie) return undefined;
    const [workshopId, attendeeId, secret] = cookie.split('.');
    if (workshopId !== this.record.id || !attendeeId || !secret) return undefined;
    const attendee = this.attendee(attendeeId);
    if (!attendee || !safeEqual(sha256(secret), attendee.secretHash)) return undefined;
    return attendee;
  }

  /** activity: kept in memory, written with the next change (the board shows it live anyway) */
  touch(id: string): void {
    const a = this.attendee(id);
    if (a) a.lastSeenAt = this.now();
  }

  raiseHand(id: string, up: boolean): boolean {
    const a = this.attendee(id);
    if (!a || (up ? a.handRaisedAt !== undefined : a.handRaisedAt === undefined)) return false;
    if (up) a.handRaisedAt = this.now();
    else delete a.handRaisedAt;
    this.save();
    return true;
  }

  end(): void {
    if (this.record.endedAt !== undefined) return;
    this.record.endedAt = this.now();
    this.save();
  }

  private uniqueName(name: string): string {
    const taken = new Set(this.record.attendees.map((a) => a.name.toLowerCase()));
    if (!taken.has(name.toLowerCase())) return name;
    for (let n = 2; ; n++) {
      const candidate = `${name.slice(0, NAME_MAX - 5)} (${n})`;
      if (!taken.has(candidate.toLowerCase())) return candidate;
    }
  }

  private nextUidOffset(): number {
    const used = new Set(this.record.attendees.map((a) => a.uid - ATTENDEE_UID_BASE));
    let n = 0;
    while (used.has(n)) n++;
    return n;
  }

  private save(): void {
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(this.record, null, 2) + '\n', {mode: 0o600});
    renameSync(temp, this.file);
  }
}

/** trimmed, control and bidi-override characters removed, inner whitespace collapsed */
export function cleanName(typed: string): string | undefined {
  const name = typed
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  return name.length >= 1 && [...name].length <= NAME_MAX ? name : undefined;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function randomId(length: number): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}
