/**
 * The lab token, kept in the state directory (`<stateDir>/token`, mode 0600) so that `lab start` on the same state
 * gives the same token: a tab left open across a restart reconnects by itself, with its progress, instead of being
 * refused. `--new-token` (rotate) writes a new one, which locks out every page opened with the old URL.
 *
 * The file holds a secret that opens a shell on this machine: it is created 0600 in a 0700 directory, a file that
 * others can read is narrowed to 0600 (and reported), and a file that is not ours or not a token is replaced.
 */
import {chmod, mkdir, open, readFile, rename, stat} from 'node:fs/promises';
import path from 'node:path';
import {randomToken} from '../config/options';

export const TOKEN_FILE = 'token';

export interface StoredToken {
  token: string;
  file: string;
  /** what happened: read as it was, created (no file yet), rotated (asked for a new one), or replaced (unusable) */
  origin: 'kept' | 'created' | 'rotated' | 'replaced';
  /** the file was readable by others and was narrowed to 0600 */
  narrowed: boolean;
}

/** Same rule as the `token` option (server/config/options.ts): 16-512 printable ASCII characters, no spaces. */
const USABLE = /^[\x21-\x7e]{16,512}$/;

export async function storedToken(stateDir: string, options: {rotate?: boolean} = {}): Promise<StoredToken> {
  const file = path.join(stateDir, TOKEN_FILE);
  await mkdir(stateDir, {recursive: true, mode: 0o700});
  if (options.rotate) return {token: await writeToken(file), file, origin: 'rotated', narrowed: false};

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return {token: await writeToken(file), file, origin: 'created', narrowed: false};
  }
  const token = text.trim();
  const info = await stat(file);
  const ours = typeof process.getuid !== 'function' || info.uid === process.getuid();
  if (!USABLE.test(token) || !ours || !info.isFile()) {
    return {token: await writeToken(file), file, origin: 'replaced', narrowed: false};
  }
  const narrowed = (info.mode & 0o077) !== 0;
  if (narrowed) await chmod(file, 0o600);
  return {token, file, origin: 'kept', narrowed};
}

/** A new random token, written atomically (temp file created 0600, then renamed over the old one). */
async function writeToken(file: string): Promise<string> {
  const token = randomToken();
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  // 'wx': never follow or reuse an existing file; the mode applies at creation
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(token + '\n', 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  return token;
}
