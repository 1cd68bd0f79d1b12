/**
 * Build the Docusaurus site when it is missing or older than its sources, so `lab start` always serves what the
 * docs say. The build's own output streams to stderr (stdout is kept for the URL the user needs).
 */
import {spawn} from 'node:child_process';
import {readdir, stat} from 'node:fs/promises';
import path from 'node:path';

/** What the site is built from, relative to the repository root. */
const SOURCES = ['docs', 'i18n', 'src', 'static', 'docusaurus.config.ts', 'sidebars.ts', 'package.json'];

async function newestMtime(file: string): Promise<number> {
  let s;
  try {
    s = await stat(file);
  } catch {
    return 0;
  }
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs; // a deleted file shows only as a newer directory
  for (const entry of await readdir(file)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, await newestMtime(path.join(file, entry)));
  }
  return newest;
}

/** Why the site needs building, or undefined when build/ (and the step manifests it comes with) is up to date. */
export async function siteBuildReason(dirs: {
  repoRoot: string;
  siteDir: string;
  manifestDir: string;
}): Promise<string | undefined> {
  const {repoRoot, siteDir, manifestDir} = dirs;
  let built: number;
  try {
    built = (await stat(path.join(siteDir, 'index.html'))).mtimeMs;
  } catch {
    return `${path.relative(repoRoot, siteDir) || siteDir} is missing`;
  }
  // the server and `lab run` read the steps from the manifests the build writes beside it
  if ((await newestMtime(manifestDir)) === 0)
    return `${path.relative(repoRoot, manifestDir) || manifestDir} is missing`;
  for (const source of SOURCES) {
    if ((await newestMtime(path.join(repoRoot, source))) > built) return `${source} changed since the last build`;
  }
  return undefined;
}

/**
 * Docusaurus's advice for its own users, not ours: the lab serves the build itself (`npm run serve` would start a
 * second server without the terminal).
 */
const NOT_FOR_LEARNERS = [/`npm run serve`/, /\bdocusaurus serve\b/];

/** Copies the build's output to `out` line by line, leaving out the lines that are not for a learner. */
function filteredLines(out: NodeJS.WritableStream): (chunk: Buffer) => void {
  let partial = '';
  return (chunk) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (!NOT_FOR_LEARNERS.some((re) => re.test(line))) out.write(line + '\n');
  };
}

export function buildSite(repoRoot: string, siteDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['docusaurus', 'build', '--out-dir', siteDir], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    child.stdout.on('data', filteredLines(process.stderr));
    child.stderr.on('data', filteredLines(process.stderr));
    child.on('error', (err) => reject(new Error(`could not run \`npx docusaurus build\`: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `the site build failed (${signal ?? `exit ${code}`}); fix the error above, or start with --no-build to serve the old build`,
          ),
        );
    });
  });
}
