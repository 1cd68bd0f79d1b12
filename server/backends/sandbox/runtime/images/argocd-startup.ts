import {DEFAULT_VERSIONS} from '../../../../../src/core/versions';
import {after, rfc3339Seconds} from './log-time';
import type {StartupContext} from './types';

/**
 * The build a release's binaries report (common/version.go: gitCommit, buildDate set by the Makefile's ldflags).
 * Only the newest tag in the mirror is known: v3.5.1's commit, with its commit time as the build date (the real one
 * is when CI built the image, minutes later). Other tags (the pinned v3.5.4) report v3.5.1's build too.
 */
const KNOWN_BUILD = {commit: '109ca7ca71139e514114499d294a492e7910a965', built: '2026-08-12T11:24:40Z'};

/** the release the image was built from: its tag when it is a version, else the pinned one */
export function argocdVersion(imageRef: string): string {
  const tag = /:([\w.+-]+)$/.exec(imageRef.split('@')[0]!)?.[1];
  return tag && /^v\d+\.\d+\.\d+/.test(tag) ? tag : DEFAULT_VERSIONS.ARGOCD;
}

/** the Argo CD program a container runs: every component runs the one image (`tini -- argocd-<component>`) */
function program(argv: string[]): string | undefined {
  const p = argv.find((a) => !/(^|\/)tini$/.test(a) && a !== '--');
  return p?.split('/').pop();
}

/** Go's strconv.ParseBool true values, as env.ParseBoolFromEnv reads ARGOCD_SERVER_INSECURE */
const truthy = (v: string) => ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);

function insecure(ctx: StartupContext): boolean {
  let on = truthy(ctx.env.ARGOCD_SERVER_INSECURE ?? '');
  for (const a of ctx.argv) {
    if (a === '--insecure') on = true;
    const m = /^--insecure=(.*)$/.exec(a);
    if (m) on = truthy(m[1]!);
  }
  return on;
}

/** a number fixed per pod, for what the real process draws at random (heap addresses, exec IDs, temp names) */
function podHash(podName: string, salt = ''): number {
  let h = 0;
  for (const ch of podName + salt) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h;
}

/** a heap address as Go's %v prints a channel (`0xc000…`), fixed per pod */
function chanAddress(podName: string): string {
  return `0xc000${((podHash(podName) % 0x7fff) * 0x20).toString(16).padStart(6, '0')}`;
}

/**
 * One line of logrus's JSONFormatter, as every Argo CD component writes from its first line on: the fields, `level`,
 * `msg` and `time` (RFC 3339 seconds) in one map, which encoding/json writes with its keys sorted.
 */
function logrusJson(at: Date, msg: string, fields: Record<string, string | number> = {}, level = 'info'): string {
  const all: Record<string, string | number> = {...fields, level, msg, time: rfc3339Seconds(at)};
  const sorted = Object.fromEntries(
    Object.keys(all)
      .sort()
      .map((k) => [k, all[k]!]),
  );
  return JSON.stringify(sorted);
}

/**
 * common/version.go LogStartupInfo: "<component> is starting" with the version, commit and build date. It runs before
 * the command's own `cli.SetLogFormat`, but the format is already JSON: cmd/main.go imports the CLI's commands, whose
 * root.go registers `cobra.OnInitialize(initConfig)`, and cobra runs that (`cli.SetLogFormat(cmdutil.LogFormat)`,
 * the component's --logformat, default "json") after parsing flags and before RunE. Real v3 repo-server logs show
 * it so (argo-cd issues #11647 (v3.0) and #25935 (v3.4): `{"built":…,"msg":"ArgoCD Repository Server is starting",…}`).
 */
function startingLine(ctx: StartupContext, component: string, fields: Record<string, string | number>): string {
  return logrusJson(ctx.startedAt, `${component} is starting`, {
    ...fields,
    built: KNOWN_BUILD.built,
    commit: KNOWN_BUILD.commit,
    version: argocdVersion(ctx.image),
  });
}

/**
 * util/cache/cache.go loadRedisCreds (v3.3+, argo-cd #24597), when a component builds its Redis client: install.yaml
 * sets no REDIS_CREDS_DIR_PATH, so the credentials come from the environment.
 */
const REDIS_CREDS = 'Loading Redis credentials from environment variables';

/**
 * argocd-server's start-up on a fresh install (argo-cd v3.5.1; v3.5.4 is not in the mirror), all JSON (see
 * startingLine). The lines, in order: cmd/argocd-server/commands/argocd_server.go (starting, then cacheSrc's Redis
 * credentials), util/settings/settings.go (informers, then InitializeSettings: admin password, server signature, TLS
 * certificate unless --insecure), server/server.go Run (serving, namespaces), watchSettings (settings.go Subscribe),
 * util/rbac/rbac.go runInformer.
 */
function argocdServerStart(ctx: StartupContext): string[] {
  const version = argocdVersion(ctx.image);
  const tls = !insecure(ctx);
  const t = ctx.startedAt;
  const json = (ms: number, msg: string) => logrusJson(after(t, ms), msg);
  return [
    startingLine(ctx, 'ArgoCD API Server', {namespace: ctx.namespace, port: 8080}),
    json(1, REDIS_CREDS),
    json(2, 'Starting configmap/secret informers'),
    json(110, 'Configmap/secret informer synced'),
    json(110, 'Cluster cache informer synced'),
    json(180, 'Initialized admin password'),
    json(185, 'Initialized server signature'),
    ...(tls ? [json(260, 'Initialized TLS certificate')] : []),
    json(420, `argocd ${version} serving on port 8080 (url: , tls: ${tls}, namespace: ${ctx.namespace}, sso: false)`),
    json(420, `Enabled application namespace patterns: ${ctx.namespace}`),
    json(421, `${chanAddress(ctx.podName)} subscribed to settings updates`),
    json(421, 'Starting rbac config informer'),
    json(530, "RBAC ConfigMap 'argocd-rbac-cm' added"),
  ];
}

/** a boolean flag's value from the argv (`--x`, `--x=false`), else the env's (env.ParseBoolFromEnv), else `dflt` */
function boolFlag(ctx: StartupContext, flag: string, envName: string, dflt: boolean): boolean {
  let on = envName in ctx.env ? truthy(ctx.env[envName]!) : dflt;
  for (const a of ctx.argv) {
    if (a === `--${flag}`) on = true;
    const m = new RegExp(`^--${flag}=(.*)$`).exec(a);
    if (m) on = truthy(m[1]!);
  }
  return on;
}

/**
 * argocd-repo-server's start-up on a fresh install (argo-cd v3.5.1 cmd/argocd-repo-server/commands/
 * argocd_repo_server.go RunE), all JSON: starting (port 8081); cacheSrc's Redis credentials; reposerver/server.go
 * NewServer → util/tls/tls.go CreateServerTLSConfig: no argocd-repo-server-tls Secret (optional in install.yaml), so
 * a self-signed certificate (none with --disable-tls); the mTLS client CA is absent, so no health-check certificate.
 * Then GnuPG, on unless ARGOCD_GPG_ENABLED is false (util/sourceintegrity/gpg.go): InitializeGnuPG runs
 * `gpg --gen-key` for the transient key, SyncKeyRingFromDirectory lists the keyring (that one key), exports it and
 * checks it is a secret key: each command is util/exec's line (`execID`, `dir`) then its tracing span's "Trace"
 * line (gitops-engine tracing/logging.go through logrusr, whose formatter prints every value with %v: `time_ms` is
 * a string). The order and commands match a real repo-server log (argo-cd issue #20062); the durations are typical.
 * Then the listener and the gRPC server; the GPG watcher's line comes from a goroutine, here before the listener's.
 */
function repoServerStart(ctx: StartupContext): string[] {
  const t = ctx.startedAt;
  const json = (ms: number, msg: string, fields: Record<string, string | number> = {}) =>
    logrusJson(after(t, ms), msg, fields);
  const h = (salt: string) => podHash(ctx.podName, salt);
  const hex = (n: number, len: number) => n.toString(16).padStart(len, '0').slice(-len);
  const keyId = (hex(h('key-a'), 8) + hex(h('key-b'), 8)).toUpperCase();
  const recipe = `/tmp/gpg-key-recipe${1_000_000_000 + (h('recipe') % 3_000_000_000)}`;
  let at = 3;
  const exec = (args: string[], ms: number, salt: string): string[] => {
    const started = at;
    at += ms;
    return [
      json(started, args.join(' '), {dir: '', execID: hex(h(salt), 5)}),
      json(at, 'Trace', {
        args: `[${args.join(' ')}]`,
        dir: '',
        operation_name: `exec ${args[0]}`,
        // Go's %v of a float64: the shortest decimal that reads back, as JS prints it below 1e21
        time_ms: String(ms + (h(`${salt}-us`) % 1_000_000) / 1_000_000),
      }),
    ];
  };
  const tls = !boolFlag(ctx, 'disable-tls', 'ARGOCD_REPO_SERVER_DISABLE_TLS', false);
  const gpg = !/^(false|no)$/i.test(ctx.env.ARGOCD_GPG_ENABLED ?? '');
  const home = ctx.env.ARGOCD_GNUPGHOME || '/app/config/gpg/keys';
  const source = ctx.env.ARGOCD_GPG_DATA_PATH || '/app/config/gpg/source';
  const lines = [
    startingLine(ctx, 'ArgoCD Repository Server', {port: 8081}),
    json(1, REDIS_CREDS),
    ...(tls ? [json(2, 'Generating self-signed TLS certificate for this session')] : []),
  ];
  if (gpg) {
    at = 90;
    lines.push(json(at, `Initializing GnuPG keyring at ${home}`));
    lines.push(
      ...exec(['gpg', '--no-permission-warning', '--logger-fd', '1', '--batch', '--gen-key', recipe], 310, 'gen'),
    );
    lines.push(json(at, `Populating GnuPG keyring with keys from ${source}`));
    lines.push(...exec(['gpg', '--no-permission-warning', '--list-public-keys'], 3, 'list'));
    lines.push(...exec(['gpg', '--no-permission-warning', '-a', '--export', keyId], 2, 'export'));
    lines.push(...exec(['gpg-wrapper.sh', '--no-permission-warning', '--list-secret-keys', keyId], 5, 'secret'));
    lines.push(json(at, 'Loaded 0 (and removed 0) keys from keyring'));
    lines.push(json(at, `Starting GPG sync watcher on directory '${source}'`));
  }
  lines.push(json(at, 'argocd-repo-server is listening on [::]:8081'), json(at, 'starting grpc server'));
  return lines;
}

/** Go's time.Duration String for whole seconds: 0s, 1m0s, 2m0s, 1h0m0s */
function goDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const hrs = Math.floor(seconds / 3600);
  const min = Math.floor((seconds % 3600) / 60);
  const sec = seconds % 60;
  return hrs ? `${hrs}h${min}m${sec}s` : min ? `${min}m${sec}s` : `${sec}s`;
}

/** a duration flag in seconds: `--flag N`/`--flag=N`, else the env's Go duration (env.ParseDurationFromEnv), else `dflt` */
function secondsFlag(ctx: StartupContext, flag: string, envName: string, dflt: number): number {
  let v = dflt;
  const fromEnv = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(ctx.env[envName] ?? '');
  if (ctx.env[envName] && fromEnv)
    v = Number(fromEnv[1] ?? 0) * 3600 + Number(fromEnv[2] ?? 0) * 60 + Number(fromEnv[3] ?? 0);
  ctx.argv.forEach((a, i) => {
    const m = new RegExp(`^--${flag}(?:=(\\d+))?$`).exec(a);
    if (m) v = Number(m[1] ?? ctx.argv[i + 1]);
  });
  return Number.isFinite(v) ? v : dflt;
}

/**
 * argocd-application-controller's first start-up lines (argo-cd v3.5.1 cmd/argocd-application-controller/commands/
 * argocd_application_controller.go RunE), all JSON: starting (namespace); cacheSource's Redis credentials;
 * controller/sharding: one replica, so "Processing all cluster shards" from GetClusterSharding and again from
 * NewClusterSharding; controller/appcontroller.go NewApplicationController's resync periods (defaults 120 s, 0 s,
 * 60 s, or ARGOCD_RECONCILIATION_* / the flags); the settings manager's informers. The order matches a real v2.14
 * controller log (argo-cd issue #22102). What follows there (the cluster cache, shard and reconciliation lines) is
 * not simulated.
 */
function controllerStart(ctx: StartupContext): string[] {
  const t = ctx.startedAt;
  const json = (ms: number, msg: string) => logrusJson(after(t, ms), msg);
  const resync = secondsFlag(ctx, 'app-resync', 'ARGOCD_RECONCILIATION_TIMEOUT', 120);
  const hard = secondsFlag(ctx, 'app-hard-resync', 'ARGOCD_HARD_RECONCILIATION_TIMEOUT', 0);
  const jitter = secondsFlag(ctx, 'app-resync-jitter', 'ARGOCD_RECONCILIATION_JITTER', 60);
  return [
    startingLine(ctx, 'ArgoCD Application Controller', {namespace: ctx.namespace}),
    json(2, REDIS_CREDS),
    json(3, 'Processing all cluster shards'),
    json(3, 'Processing all cluster shards'),
    json(
      4,
      `appResyncPeriod=${goDuration(resync)}, appHardResyncPeriod=${goDuration(hard)}, appResyncJitter=${goDuration(jitter)}`,
    ),
    json(5, 'Starting configmap/secret informers'),
    json(110, 'Configmap/secret informer synced'),
  ];
}

/**
 * The start-up lines of the Argo CD image, by the component it runs: argocd-server, argocd-repo-server and
 * argocd-application-controller (its first lines); the others (dex, redis, applicationset and notifications
 * controllers) print none here.
 */
export function argocdStartupLog(ctx: StartupContext): string[] {
  switch (program(ctx.argv)) {
    case 'argocd-server':
      return argocdServerStart(ctx);
    case 'argocd-repo-server':
      return repoServerStart(ctx);
    case 'argocd-application-controller':
      return controllerStart(ctx);
    default:
      return [];
  }
}
