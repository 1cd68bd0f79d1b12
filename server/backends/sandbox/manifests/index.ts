/**
 * Offline copies of the remote manifests the walkthrough applies with `kubectl apply -f <url>`, and which URLs they
 * answer. The sandbox's offline mirror (backend/offline-mirror.ts) serves them to the real kubectl; every other URL
 * fails as it would without a network. Files carry `{{VERSION}}` where upstream has its release version (image
 * tags, bundle-version annotations), filled from the URL, or from `upstreamVersion` for aliases like latest/stable.
 */
import {readFileSync} from 'node:fs';
import {resolveVersions} from '../../../../src/core/versions';

export interface OfflineManifest {
  /** what it is, for messages and docs */
  title: string;
  host: string;
  /** matches the URL path; group 1, when present, is the version or ref in the URL */
  path: RegExp;
  file: string;
  /** the upstream release this copy was trimmed from, and what aliases (latest, stable) resolve to */
  upstreamVersion: string;
  /** documents a later release added, each from its version on, placed before the file's own (releases sort by file name) */
  addedLater?: readonly {file: string; from: string}[];
}

export const OFFLINE_MANIFESTS: readonly OfflineManifest[] = [
  {
    title: 'Gateway API standard-install CRDs',
    host: 'github.com',
    path: /^\/kubernetes-sigs\/gateway-api\/releases\/(?:download\/(v1\.\d+\.\d+(?:-rc\.\d+)?)|latest\/download)\/standard-install\.yaml$/,
    file: 'gateway-api-standard-install.yaml',
    upstreamVersion: 'v1.3.0',
    // v1.4.0 moved BackendTLSPolicy to the standard channel: six CRDs (config/crd/kustomization.yaml at v1.4.0)
    addedLater: [{file: 'gateway-api-backendtlspolicies.yaml', from: 'v1.4.0'}],
  },
  {
    // not a manifest: the downloader `curl -L https://istio.io/downloadIstio | sh -` runs (the mirror fills in
    // {{LAB_SHIMS}}); {{VERSION}} is the sandbox's Istio, what it gives without ISTIO_VERSION
    title: 'Istio downloader (the sandbox\'s own script)',
    host: 'istio.io',
    path: /^\/downloadIstio$/,
    file: 'download-istio.sh',
    upstreamVersion: resolveVersions(process.env).ISTIO,
  },
  {
    title: 'Argo CD non-HA install',
    host: 'raw.githubusercontent.com',
    path: /^\/argoproj\/argo-cd\/(v\d+\.\d+\.\d+|stable|master|release-\d+\.\d+)\/manifests\/install\.yaml$/,
    file: 'argo-cd-install.yaml',
    upstreamVersion: 'v2.12.6',
  },
  {
    title: 'Argo Rollouts install',
    host: 'github.com',
    path: /^\/argoproj\/argo-rollouts\/releases\/(?:download\/(v\d+\.\d+\.\d+)|latest\/download)\/install\.yaml$/,
    file: 'argo-rollouts-install.yaml',
    upstreamVersion: 'v1.7.2',
  },
];

/** hosts the mirror answers TLS for (its certificate's names) */
export const OFFLINE_HOSTS: readonly string[] = [...new Set(OFFLINE_MANIFESTS.map((m) => m.host))];

const cache = new Map<string, string>();

/** the manifest text for host + path, or undefined when nothing is shipped for it */
export function offlineManifest(host: string, pathname: string): string | undefined {
  for (const m of OFFLINE_MANIFESTS) {
    if (m.host !== host) continue;
    const match = m.path.exec(pathname);
    if (!match) continue;
    const asked = match[1];
    const version = asked && /^v\d/.test(asked) ? asked : m.upstreamVersion;
    let text = read(m.file);
    const added = (m.addedLater ?? []).filter((a) => compareVersions(version, a.from) >= 0).map((a) => read(a.file));
    if (added.length) {
      // after the licence header, before the first document
      const at = text.indexOf('\n---\n') + 1;
      text = text.slice(0, at) + added.join('') + text.slice(at);
    }
    return text.replaceAll('{{VERSION}}', version);
  }
  return undefined;
}

function read(file: string): string {
  let text = cache.get(file);
  if (text === undefined) {
    text = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
    cache.set(file, text);
  }
  return text;
}

/** v1.10.0 > v1.4.0 */
function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^v/, '').split(/[.-]/).slice(0, 3).map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}
