/** The token kept in the state directory: the same across restarts, 0600, rotated on request (server/auth/token-file.ts). */
import assert from 'node:assert/strict';
import {chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, describe, it} from 'node:test';
import {storedToken} from '../../server/auth/token-file';

const dirs: string[] = [];
function stateDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lab-token-'));
  dirs.push(dir);
  return path.join(dir, 'state');
}
after(() => dirs.forEach((dir) => rmSync(dir, {recursive: true, force: true})));

describe('storedToken', () => {
  it('creates a token file readable by its owner only, then returns the same token on every start', async () => {
    const dir = stateDir();
    const first = await storedToken(dir);
    assert.equal(first.origin, 'created');
    assert.match(first.token, /^[A-Za-z0-9_-]{40,}$/);
    assert.equal(statSync(first.file).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o077, 0, 'the state directory is not open to others');
    const again = await storedToken(dir);
    assert.deepEqual([again.origin, again.token], ['kept', first.token]);
  });

  it('rotates on request: a new token, still 0600', async () => {
    const dir = stateDir();
    const first = await storedToken(dir);
    const rotated = await storedToken(dir, {rotate: true});
    assert.equal(rotated.origin, 'rotated');
    assert.notEqual(rotated.token, first.token);
    assert.equal(readFileSync(rotated.file, 'utf8').trim(), rotated.token);
    assert.equal(statSync(rotated.file).mode & 0o777, 0o600);
  });

  it('narrows a file others can read to 0600 and says so', async () => {
    const dir = stateDir();
    const first = await storedToken(dir);
    chmodSync(first.file, 0o644);
    const kept = await storedToken(dir);
    assert.deepEqual([kept.token, kept.narrowed], [first.token, true]);
    assert.equal(statSync(kept.file).mode & 0o777, 0o600);
  });

  it('replaces a file that holds no usable token', async () => {
    const dir = stateDir();
    const first = await storedToken(dir);
    writeFileSync(first.file, 'short\n');
    const replaced = await storedToken(dir);
    assert.equal(replaced.origin, 'replaced');
    assert.notEqual(replaced.token, 'short');
    assert.equal(statSync(replaced.file).mode & 0o777, 0o600);
  });
});
