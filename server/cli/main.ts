/**
 * `lab`: start the lab (site + terminal server), check the machine, run the walkthrough headless, print manifests.
 * stdout carries what the user asked for (the URL, the table, the JSON); logs go to stderr (LAB_LOG_LEVEL).
 * Exit codes: 0 ok, 1 something failed or is missing, 2 wrong usage or options.
 */
import path from 'node:path';
import {Command, CommanderError, InvalidArgumentError, Option} from 'commander';
import {createBackend} from '../backends';
import type {BackendName} from '../backends/types';
import {LOCAL_LEARNER} from '../backends/types';
import {storedToken} from '../auth/token-file';
import {catchUpHeadless} from '../catch-up/headless';
import {createLogger} from '../config/logger';
import {OptionsError, resolveOptions} from '../config/options';
import {ListenError, startLabServer} from '../http/server';
import {loadManifests, ManifestError} from '../manifests/load';
import {runWalkthrough, SelectionError} from '../runner';
import {FileProgressStore} from '../progress/progress-store';
import {SessionRegistry} from '../sessions/session-registry';
import {buildSite, siteBuildReason} from './build-site';
import {formatDoctorTable} from './doctor-table';
import {startBanner} from './start-banner';
import {openBrowser} from './open-browser';
import {registerSandboxCommand} from './sandbox-command';
import {registerWorkshopCommand} from './workshop-command';

const USAGE_ERROR = 2;

/** An error whose message is for the user as is (no stack): bad options, an unavailable backend, a failed build. */
class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

const backendOption = () =>
  new Option('--backend <name>', 'what the shell talks to').choices(['host', 'sandbox']).default('sandbox');

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('not a port number (0-65535).');
  return port;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function program(): Command {
  const lab = new Command('lab')
    .description('Ambient Lab: an executable Istio ambient tutorial with a terminal in the page')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({outputError: (text, write) => write(text)});

  lab
    .command('start')
    .description('build the site if needed and start the lab server')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = any free port)', parsePort, 4321)
    .option(
      '--allowed-host <name>',
      'also accept this Host name, e.g. behind a proxy (repeatable)',
      collect,
      [] as string[],
    )
    .option(
      '--allow-remote-shell',
      'allow a non-loopback --host (exposes a real shell of this machine: the sandbox bash is real too)',
    )
    .addOption(backendOption())
    .option(
      '--no-rc',
      "the terminal's bash reads no rc file (~/.bashrc): for one that hangs or waits (LAB_SHELL_RC=none)",
    )
    .option('--no-build', 'serve the existing build/ even if the docs changed')
    .option('--open', 'open the lab in the browser')
    .option(
      '--new-token',
      'make a new token (pages opened with the old URL are then refused); by default the token in the state directory is kept',
    )
    .action(start);

  lab
    .command('doctor')
    .description("check the tools the backend needs; exit 1 if something's missing")
    .addOption(backendOption())
    .action(doctor);

  lab
    .command('run')
    .description('run the walkthrough headless, step by step, and write a report')
    .addOption(backendOption())
    .addOption(new Option('--locale <locale>', 'which language pages to run').choices(['en', 'ko']).default('en'))
    .option('--page <page>', 'only this page')
    .option('--from <step>', 'start at this step')
    .option(
      '--to <step|page>',
      'stop after this step; or, given a page, catch up to it: run the earlier steps it needs that your cluster lacks',
    )
    .option('--out <dir>', 'where to write the report and transcripts')
    .option('--no-build', 'run the steps of the existing build even if the docs changed')
    .option(
      '--manifests <dir>',
      'read the step manifests from this folder instead of the site build (e.g. a test fixture)',
    )
    .action(run);

  lab
    .command('manifest')
    .description('print the steps of every page (both locales) as JSON, as the site build derived them')
    .option('--no-build', "print the existing build's steps even if the docs changed")
    .action(manifest);

  lab
    .command('build')
    .description('build the site if it is missing or older than the docs')
    .option('--force', 'build even if it looks up to date')
    .action(build);

  registerSandboxCommand(lab);
  registerWorkshopCommand(lab, {ensureSite, parsePort, userError: (message) => new UserError(message)});

  return lab;
}

async function ensureSite(force: boolean): Promise<void> {
  const options = resolveOptions();
  const reason = force ? 'asked to' : await siteBuildReason(options);
  if (!reason) return;
  process.stderr.write(`Building the site (${reason})...\n`);
  await buildSite(options.repoRoot, options.siteDir);
}

interface StartFlags {
  host: string;
  port: number;
  allowedHost: string[];
  allowRemoteShell?: boolean;
  backend: BackendName;
  build: boolean;
  /** false with --no-rc */
  rc: boolean;
  open?: boolean;
  newToken?: boolean;
}

async function start(opts: StartFlags): Promise<void> {
  const given = {
    host: opts.host,
    port: opts.port,
    backend: opts.backend,
    // unset flags stay undefined, so LAB_ALLOWED_HOSTS / LAB_ALLOW_REMOTE_SHELL still apply
    allowedHosts: opts.allowedHost.length > 0 ? opts.allowedHost : undefined,
    allowRemoteShell: opts.allowRemoteShell || undefined,
    // unset, LAB_SHELL_RC still applies
    shellRc: opts.rc === false ? ('none' as const) : undefined,
  };
  const resolved = resolveOptions(given); // fail on bad options before a long build
  // The token outlives restarts (kept 0600 in the state directory), so open tabs reconnect; LAB_TOKEN wins.
  const fromEnv = Boolean(process.env.LAB_TOKEN);
  if (fromEnv && opts.newToken) throw new UserError('--new-token has no effect while LAB_TOKEN is set', USAGE_ERROR);
  const kept = fromEnv ? undefined : await storedToken(resolved.stateDir, {rotate: opts.newToken === true});
  if (opts.build) await ensureSite(false);
  const logger = createLogger();
  if (kept?.narrowed) logger.warn({file: kept.file}, 'the token file was readable by others; it is now 0600');
  if (kept?.origin === 'replaced') logger.warn({file: kept.file}, 'the token file was unusable; wrote a new token');
  const lab = await startLabServer({...given, ...(kept ? {token: kept.token} : {}), logger});
  const url = `${lab.url}?token=${lab.token}`;
  process.stdout.write(startBanner(lab.backend.name, opts.host, kept?.origin, resolved.stateDir, url));
  if (opts.open) openBrowser(url);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write('Stopping now.\n');
      process.exit(1);
    }
    stopping = true;
    logger.info({signal}, 'stopping: closing every session');
    lab.close().then(
      () => process.exit(0),
      (err) => {
        logger.error({err}, 'could not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function doctor(opts: {backend: BackendName}): Promise<void> {
  const options = resolveOptions({backend: opts.backend});
  const backend = await createBackend(options.backend, {stateDir: options.stateDir});
  try {
    const checks = await backend.doctor();
    process.stdout.write(`Backend: ${backend.name}\n\n${formatDoctorTable(checks)}`);
    if (checks.some((c) => !c.ok)) process.exitCode = 1;
  } finally {
    await backend.dispose();
  }
}

async function run(opts: {
  backend: BackendName;
  locale: 'en' | 'ko';
  page?: string;
  from?: string;
  to?: string;
  out?: string;
  build: boolean;
  manifests?: string;
}): Promise<void> {
  const options = resolveOptions({backend: opts.backend});
  // The steps come from the site build (the remark plugin writes the manifests), so the run matches the pages.
  if (opts.manifests === undefined && opts.build) await ensureSite(false);
  const manifests = opts.manifests
    ? await loadManifests(path.resolve(opts.manifests))
    : await loadManifests(options.manifestDir, options.repoRoot);
  if (opts.to && !opts.to.includes('/') && manifests.get(opts.locale, opts.to)) {
    if (opts.page || opts.from)
      throw new UserError('--to <page> catches up to a page: leave out --page and --from', USAGE_ERROR);
    return catchUp(opts.to, opts.locale, options, manifests);
  }
  const backend = await createBackend(options.backend, {stateDir: options.stateDir});
  const logger = createLogger();
  const sessions = new SessionRegistry({
    shellEnvironment: (learner) => backend.shellEnvironment(learner),
    scrollbackBytes: options.scrollbackBytes,
    shellRc: options.shellRc,
    logger,
  });
  // Ctrl+C mid-run: kill the shell and whatever it runs (k3d, kubectl wait...), then leave
  const interrupt = () => {
    void sessions.dispose().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const size = {cols: process.stdout.columns || 120, rows: process.stdout.rows || 40};
  try {
    const outcome = await runWalkthrough({
      backend,
      locale: opts.locale,
      page: opts.page,
      from: opts.from,
      to: opts.to,
      outDir: path.resolve(opts.out ?? path.join(options.repoRoot, 'test-results', 'walkthrough')),
      out: process.stdout,
      manifests,
      createSession: () => sessions.create(LOCAL_LEARNER, size),
    });
    if (!outcome.ok) process.exitCode = 1;
  } catch (err) {
    if (err instanceof SelectionError) throw new UserError(err.message, USAGE_ERROR);
    throw err;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    await sessions.dispose();
    await backend.dispose();
  }
}

/** `lab run --to <page>`: server/catch-up/headless.ts. */
async function catchUp(
  pageId: string,
  locale: 'en' | 'ko',
  options: ReturnType<typeof resolveOptions>,
  manifests: Awaited<ReturnType<typeof loadManifests>>,
): Promise<void> {
  const backend = await createBackend(options.backend, {stateDir: options.stateDir});
  const logger = createLogger();
  const progress = new FileProgressStore(options.stateDir, {logger});
  const sessions = new SessionRegistry({
    shellEnvironment: (learner) => backend.shellEnvironment(learner),
    scrollbackBytes: options.scrollbackBytes,
    shellRc: options.shellRc,
    logger,
  });
  const interrupt = () => {
    void Promise.all([sessions.dispose(), progress.dispose()]).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const size = {cols: process.stdout.columns || 120, rows: process.stdout.rows || 40};
  try {
    const outcome = await catchUpHeadless({
      backend,
      manifests,
      locale,
      pageId,
      out: process.stdout,
      progress,
      createSession: () => sessions.create(LOCAL_LEARNER, size),
    });
    if (!outcome.ok) process.exitCode = 1;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    await sessions.dispose();
    await progress.dispose();
    await backend.dispose();
  }
}

async function manifest(opts: {build: boolean}): Promise<void> {
  if (opts.build) await ensureSite(false);
  const options = resolveOptions();
  const manifests = await loadManifests(options.manifestDir, options.repoRoot);
  process.stdout.write(JSON.stringify(manifests.all(), null, 2) + '\n');
}

async function build(opts: {force?: boolean}): Promise<void> {
  await ensureSite(opts.force === true);
}

async function main(argv: string[]): Promise<void> {
  const lab = program();
  if (argv.length <= 2) {
    lab.outputHelp({error: true});
    process.exitCode = USAGE_ERROR;
    return;
  }
  try {
    await lab.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and --version exit 0; unknown commands/options and bad values are usage errors
      process.exitCode = err.exitCode === 0 ? 0 : USAGE_ERROR;
      return;
    }
    if (err instanceof OptionsError) {
      process.stderr.write(`lab: ${err.message}\n`);
      process.exitCode = USAGE_ERROR;
      return;
    }
    if (err instanceof UserError || err instanceof ListenError || err instanceof ManifestError) {
      process.stderr.write(`lab: ${err.message}\n`);
      process.exitCode = err instanceof UserError ? err.exitCode : 1;
      return;
    }
    process.stderr.write(`lab: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
}

await main(process.argv);
