import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, describe, it} from 'node:test';
import {formatJoinCode, JOIN_CODE_ALPHABET, newJoinCode, normaliseJoinCode} from '../../server/workshop/join-code';
import {JoinLimiter} from '../../server/workshop/join-limiter';
import {ATTENDEE_UID_BASE, cleanName, WorkshopState} from '../../server/workshop/workshop-state';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'workshop-'));
  dirs.push(d);
  return d;
};
after(() => dirs.forEach((d) => rmSync(d, {recursive: true, force: true})));

const settings = {capacity: 3, durationMs: 60 * 60_000, pages: []};

describe('join codes', () => {
  it('are six characters without look-alikes, shown with a dash, typed in any case with spaces', () => {
    for (let i = 0; i < 200; i++) {
      const code = newJoinCode();
      assert.match(code, new RegExp(`^[${JOIN_CODE_ALPHABET}]{6}$`));
      assert.doesNotMatch(code, /[01258BIOSZL]/);
    }
    assert.equal(formatJoinCode('ACDEFG'), 'ACD-EFG');
    assert.equal(normaliseJoinCode(' acd-efg '), 'ACDEFG');
    assert.equal(normaliseJoinCode('acd efg'), 'ACDEFG');
    assert.equal(normaliseJoinCode('ACDEF'), undefined);
    assert.equal(normaliseJoinCode('ACD;EF'), undefined);
  });
});

describe('join limiter', () => {
  it('limits wrong codes per address and for the server, and refills with time', () => {
    let t = 0;
    const limiter = new JoinLimiter({
      perAddressBurst: 3,
      perAddressPerMinute: 6,
      globalBurst: 5,
      globalPerMinute: 60,
      now: () => t,
    });
    for (let i = 0; i < 3; i++) {
      assert.equal(limiter.check('10.0.0.1').ok, true);
      limiter.failed('10.0.0.1');
    }
    const refused = limiter.check('10.0.0.1');
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.retryAfterMs, 10_000);
    // another address still may, until the server-wide budget is gone
    limiter.failed('10.0.0.2');
    limiter.failed('10.0.0.2');
    assert.equal(limiter.check('10.0.0.3').ok, false, 'five wrong codes in all exhaust the global burst');
    t += 10_000;
    assert.equal(limiter.check('10.0.0.1').ok, true);
  });
});

describe('workshop state', () => {
  it('joins with the right code and a name, and knows the attendee again by its cookie', () => {
    const state = WorkshopState.open(tempDir(), settings);
    assert.equal(state.join('WRONG1', 'Ann').ok, false);
    const joined = state.join(state.code.toLowerCase(), '  Ann  ');
    assert.ok(joined.ok);
    assert.equal(joined.attendee.name, 'Ann');
    assert.equal(joined.attendee.uid, ATTENDEE_UID_BASE);
    assert.equal(state.authenticate(joined.cookie)?.id, joined.attendee.id);
    assert.equal(state.authenticate(joined.cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))), undefined);
    assert.equal(state.authenticate(`w-otherwkshp.${joined.attendee.id}.x`), undefined);
  });

  it('refuses a full workshop, an ended one and an empty name; duplicate names get a number', () => {
    const state = WorkshopState.open(tempDir(), settings);
    const names = ['Bo', 'bo', 'Bo'].map((n) => state.join(state.code, n));
    assert.deepEqual(
      names.map((r) => r.ok && r.attendee.name),
      ['Bo', 'bo (2)', 'Bo (3)'],
    );
    const full = state.join(state.code, 'Cy');
    assert.equal(!full.ok && full.code, 'full');
    const other = WorkshopState.open(tempDir(), settings);
    const empty = other.join(other.code, '\u202e \n');
    assert.equal(!empty.ok && empty.code, 'bad-name');
    other.end();
    const ended = other.join(other.code, 'Di');
    assert.equal(!ended.ok && ended.code, 'ended');
  });

  it('survives a restart: same code, same attendees, same cookies; an ended workshop is archived', () => {
    const dir = tempDir();
    const first = WorkshopState.open(dir, settings);
    const joined = first.join(first.code, 'Eve');
    assert.ok(joined.ok);
    first.raiseHand(joined.attendee.id, true);
    const again = WorkshopState.open(dir, {...settings, capacity: 10});
    assert.equal(again.code, first.code);
    assert.equal(again.capacity, 10);
    assert.equal(again.authenticate(joined.cookie)?.name, 'Eve');
    assert.ok(again.attendee(joined.attendee.id)?.handRaisedAt);
    again.end();
    const next = WorkshopState.open(dir, settings);
    assert.notEqual(next.id, first.id);
    assert.ok(readdirSync(path.join(dir, 'workshop')).includes(`workshop-${first.id}.json`));
    const stored = readFileSync(path.join(dir, 'workshop', `workshop-${first.id}.json`), 'utf8');
    assert.doesNotMatch(stored, new RegExp(joined.cookie.split('.')[2]!), 'only the secret hash is stored');
  });

  it('keeps a corrupt state file aside and starts a new workshop', () => {
    const dir = tempDir();
    WorkshopState.open(dir, settings);
    writeFileSync(path.join(dir, 'workshop', 'workshop.json'), '{"version": 2}');
    const problems: string[] = [];
    const state = WorkshopState.open(dir, settings, {problems});
    assert.match(problems[0]!, /workshop state was invalid/);
    assert.ok(state.code);
  });

  it('expires', () => {
    let t = 1000;
    const state = WorkshopState.open(tempDir(), {...settings, durationMs: 500}, {now: () => t});
    assert.equal(state.open, true);
    t += 600;
    const late = state.join(state.code, 'Fay');
    assert.equal(!late.ok && late.code, 'ended');
  });

  it('cleans display names', () => {
    assert.equal(cleanName('  Jo\u0000hn \t Doe '), 'John Doe');
    assert.equal(cleanName('김철수'), '김철수');
    assert.equal(cleanName('x'.repeat(41)), undefined);
  });
});
