/**
 * Offline copies of the remote manifests the walkthrough applies with `kubectl apply -f <url>`, and which URLs they
 * answer. The sandbox's offline mirror (backend/offline-mirror.ts) serves them to the real kubectl; every other URL
 * fails as it would without a network. Files carry `{{VERSION}}` where upstream has its release version (image
 * tags, bundle-version annotations), filled from the URL, or from `upstreamVersion` for aliases like latest/stable.
 */
import {readFileSync} from 'node:fs';

export interface OfflineManifest {
  /** what it is, for messages and docs */
  title: string;
  host: string;
  /** matches the URL path; group 1, when present, is the version or ref in the URL */
  path: RegExp;
  file: string;
  /** the upstream release this copy was trimmed from, and what aliases (latest, stable) resolve to */
  upstreamVersion: string;
}

export const OFFLINE_MANIFESTS: readonly OfflineManifest[] = [
  {
    title: 'Gateway API standard-install CRDs',
    host: 'github.com',
    path: /^\/kubernetes-sigs\/gateway-api\/releases\/(?:download\/(v1\.\d+\.\d+(?:-rc\.\d+)?)|latest\/download)\/standard-install\.yaml$/,
    file: 'gateway-api-standard-install.yaml',
    upstreamVersion: 'v1.3.0',
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
    let text = cache.get(m.file);
    if (text === undefined) {
      text = readFileSync(new URL(`./${m.file}`, import.meta.url), 'utf8');
      cache.set(m.file, text);
    }
    return text.replaceAll('{{VERSION}}', version);
  }
  return undefined;
}
