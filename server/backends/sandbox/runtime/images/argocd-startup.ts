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

/** a heap address as Go's %v prints a channel (`0xc000…`), fixed per pod */
function chanAddress(podName: string): string {
  let h = 0;
  for (const ch of podName) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `0xc000${((h % 0x7fff) * 0x20).toString(16).padStart(6, '0')}`;
}

/**
 * argocd-server's start-up on a fresh install (argo-cd v3.5.1; v3.5.4 is not in the mirror). The first line is
 * written before `cli.SetLogFormat` runs, so in logrus's default text format (cmd/argocd-server/commands/
 * argocd_server.go → common/version.go LogStartupInfo; fields sorted, quoted when not plain). Everything after it is
 * JSON: --logformat defaults to ARGOCD_SERVER_LOGFORMAT or "json", and install.yaml's argocd-cmd-params-cm sets
 * none (logrus JSONFormatter: keys sorted, RFC 3339 seconds). The lines, in order: util/settings/settings.go
 * (informers, then InitializeSettings: admin password, server signature, TLS certificate unless --insecure),
 * server/server.go Run (serving, namespaces), watchSettings (settings.go Subscribe), util/rbac/rbac.go runInformer.
 */
function argocdServerStart(ctx: StartupContext): string[] {
  const version = argocdVersion(ctx.image);
  const tls = !insecure(ctx);
  const t = ctx.startedAt;
  const json = (ms: number, msg: string) => JSON.stringify({level: 'info', msg, time: rfc3339Seconds(after(t, ms))});
  return [
    `time="${rfc3339Seconds(t)}" level=info msg="ArgoCD API Server is starting" built="${KNOWN_BUILD.built}" commit=${KNOWN_BUILD.commit} namespace=${ctx.namespace} port=8080 version=${version}`,
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

/**
 * The start-up lines of the Argo CD image, by the component it runs. Only argocd-server's are simulated; the repo
 * server's (TLS, GnuPG keyring and its gpg exec traces) and the application controller's (sharding, caches) are not.
 */
export function argocdStartupLog(ctx: StartupContext): string[] {
  return program(ctx.argv) === 'argocd-server' ? argocdServerStart(ctx) : [];
}
