/**
 * Every upstream version the tutorial uses, pinned in ONE place. Platform-free, no imports: the site bundle, the
 * Docusaurus config, the remark plugin, the server and the tests all read it.
 *
 * - Pages show the pins with `<Versions />` (a table) and `<Version name="istio" />` (inline).
 * - Step commands, `text expect` blocks and check values write `@@ISTIO@@`-style placeholders (`@@` + a key of
 *   VERSION_KEYS + `@@`), replaced at build time by src/remark/extract-steps.ts (see src/remark/README.md).
 * - Each value can be overridden at build/run time by `LAB_VERSION_<KEY>` (e.g. `LAB_VERSION_ISTIO=1.31.1`), so
 *   the nightly run can test the latest releases before the pins move. Derived values (K3S_IMAGE, ISTIO_MINOR)
 *   follow their base unless overridden themselves.
 */

export const VERSION_KEYS = [
  'ISTIO',
  'ISTIO_MINOR',
  'K3S',
  'K3S_IMAGE',
  'K3S_CNI_BIN_DIR',
  'K3D',
  'KUBECTL',
  'KUBECTL_RANGE',
  'GATEWAY_API',
  'ARGOCD',
  'ARGO_ROLLOUTS',
  'CURL_IMAGE',
  'HTTPBIN_IMAGE',
  'HELLOWORLD_V1_IMAGE',
  'HELLOWORLD_V2_IMAGE',
] as const;

export type VersionKey = (typeof VERSION_KEYS)[number];
export type Versions = Readonly<Record<VersionKey, string>>;

/** The pins. Reason and source for each in VERSION_INFO below. */
export const DEFAULT_VERSIONS: Versions = Object.freeze({
  ISTIO: '1.29.8',
  ISTIO_MINOR: '1.29',
  K3S: 'v1.31.5+k3s1',
  K3S_IMAGE: 'rancher/k3s:v1.31.5-k3s1',
  K3S_CNI_BIN_DIR: '/bin',
  K3D: 'v5.8.3',
  KUBECTL: 'v1.31.5',
  KUBECTL_RANGE: '1.30 – 1.32',
  GATEWAY_API: 'v1.4.0',
  ARGOCD: 'v3.5.4',
  ARGO_ROLLOUTS: 'v1.10.0',
  CURL_IMAGE: 'docker.io/curlimages/curl:8.16.0',
  HTTPBIN_IMAGE: 'docker.io/mccutchen/go-httpbin:v2.15.0',
  HELLOWORLD_V1_IMAGE: 'registry.istio.io/release/examples-helloworld-v1:1.0',
  HELLOWORLD_V2_IMAGE: 'registry.istio.io/release/examples-helloworld-v2:1.0',
});

export interface VersionInfo {
  /** what it is, as shown in the `<Versions />` table */
  name: string;
  /** why this value, and where it comes from (one line) */
  reason: string;
  /** what an override must look like; a bad override is an error, not a silently broken nightly */
  pattern: RegExp;
  /** shown in the `<Versions />` table (derived and helper values are not) */
  shown: boolean;
}

const SEMVER = /^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/;
const IMAGE = /^[a-z0-9][a-z0-9._/-]*(?::[0-9A-Za-z._-]+)?(?:@sha256:[0-9a-f]{64})?$/;

export const VERSION_INFO: Readonly<Record<VersionKey, VersionInfo>> = {
  ISTIO: {
    name: 'Istio (istioctl, control and data plane)',
    reason:
      'Newest patch (2026-09-21) of the newest minor that supports the pinned k3s: Istio 1.30+ needs Kubernetes >= 1.32, 1.29 needs >= 1.30 (istioctl MinK8SVersion). Newest release overall: 1.31.1.',
    pattern: SEMVER,
    shown: true,
  },
  ISTIO_MINOR: {
    name: 'Istio minor',
    reason: 'Derived from ISTIO (docs links, revision names).',
    pattern: /^\d+\.\d+$/,
    shown: false,
  },
  K3S: {
    name: 'k3s (Kubernetes)',
    reason:
      'Same as the sandbox (server/backends/sandbox/versions.ts K3S_VERSION) and the default image of the pinned k3d.',
    pattern: SEMVER,
    shown: true,
  },
  K3S_IMAGE: {
    name: 'k3s image',
    reason: 'Derived from K3S: k3d image tags use "-" where the version has "+".',
    pattern: IMAGE,
    shown: true,
  },
  K3S_CNI_BIN_DIR: {
    name: 'k3s CNI plugin directory (istio-cni installs into it)',
    reason:
      "Derived from K3S: the k3s image's containerd looks for CNI plugins in /bin up to v1.31.6 / v1.32.2 and in /var/lib/rancher/k3s/data/cni from v1.31.7 / v1.32.3 (k3d-io/k3d#1572, istio/istio#57264); Istio's k3d preset still says /bin (istio/istio#57110, #59611 closed).",
    pattern: /^\/[A-Za-z0-9._/-]*$/,
    shown: false,
  },
  K3D: {
    name: 'k3d',
    reason: 'k3d v5.8.3 ships rancher/k3s:v1.31.5-k3s1 as its default image (k3d releases).',
    pattern: SEMVER,
    shown: true,
  },
  KUBECTL: {
    name: 'kubectl',
    reason: 'Same minor as the cluster; kubectl supports one minor of skew either way (KUBECTL_RANGE).',
    pattern: SEMVER,
    shown: true,
  },
  KUBECTL_RANGE: {
    name: 'kubectl (supported client range)',
    reason: 'Kubernetes version skew policy: client within one minor of the API server (1.31).',
    pattern: /^\S.*\S$/,
    shown: true,
  },
  GATEWAY_API: {
    name: 'Gateway API CRDs (standard channel)',
    reason: 'The version Istio 1.29 is built against (sigs.k8s.io/gateway-api in its go.mod).',
    pattern: SEMVER,
    shown: true,
  },
  ARGOCD: {
    name: 'Argo CD (non-HA install.yaml)',
    reason:
      'What the `stable` manifests pointed to when pinned (newest release seen: v3.5.4); LAB_VERSION_ARGOCD=stable follows the branch.',
    pattern: /^(?:stable|v\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)$/,
    shown: true,
  },
  ARGO_ROLLOUTS: {
    name: 'Argo Rollouts',
    reason: 'Newest release seen (the source used releases/latest, which moves; we pin it).',
    pattern: SEMVER,
    shown: true,
  },
  CURL_IMAGE: {
    name: 'sleep client image (curl)',
    reason: "Istio's samples/curl and samples/sleep image (Istio 1.30 samples).",
    pattern: IMAGE,
    shown: true,
  },
  HTTPBIN_IMAGE: {
    name: 'httpbin image',
    reason:
      "Istio's samples/httpbin image: go-httpbin listens on 8080 (the source's kennethreitz/httpbin on 80 is unmaintained).",
    pattern: IMAGE,
    shown: true,
  },
  HELLOWORLD_V1_IMAGE: {
    name: 'helloworld v1 image',
    reason: "Istio's samples/helloworld image, v1.",
    pattern: IMAGE,
    shown: true,
  },
  HELLOWORLD_V2_IMAGE: {
    name: 'helloworld v2 image',
    reason: "Istio's samples/helloworld image, v2.",
    pattern: IMAGE,
    shown: true,
  },
};

/** `LAB_VERSION_ISTIO` for `ISTIO`. */
export function versionEnvName(key: VersionKey): string {
  return `LAB_VERSION_${key}`;
}

/** `@@ISTIO@@` for `ISTIO`. */
export function versionPlaceholder(key: VersionKey): string {
  return `@@${key}@@`;
}

export class VersionOverrideError extends Error {}

/**
 * The pins with `LAB_VERSION_<KEY>` overrides from `env` applied (pass `process.env`). Derived values follow their
 * base (LAB_VERSION_K3S=v1.33.6+k3s1 also moves K3S_IMAGE) unless they are overridden too. An override that does not
 * look like a version of that kind throws VersionOverrideError naming the variable.
 */
export function resolveVersions(env: Readonly<Record<string, string | undefined>> = {}): Versions {
  const picked: Partial<Record<VersionKey, string>> = {};
  for (const key of VERSION_KEYS) {
    const name = versionEnvName(key);
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const value = raw.trim();
    if (!VERSION_INFO[key].pattern.test(value)) {
      throw new VersionOverrideError(
        `${name}=${JSON.stringify(raw)} does not look like a ${VERSION_INFO[key].name} version (default: ${DEFAULT_VERSIONS[key]})`,
      );
    }
    picked[key] = value;
  }
  const out: Record<VersionKey, string> = {...DEFAULT_VERSIONS, ...picked};
  if (picked.K3S !== undefined && picked.K3S_IMAGE === undefined) out.K3S_IMAGE = k3sImage(picked.K3S);
  if (picked.K3S !== undefined && picked.K3S_CNI_BIN_DIR === undefined) out.K3S_CNI_BIN_DIR = k3sCniBinDir(picked.K3S);
  if (picked.ISTIO !== undefined && picked.ISTIO_MINOR === undefined) out.ISTIO_MINOR = minorOf(picked.ISTIO);
  return Object.freeze(out);
}

/** `rancher/k3s:v1.31.5-k3s1` for `v1.31.5+k3s1`. */
export function k3sImage(k3s: string): string {
  return `rancher/k3s:${k3s.startsWith('v') ? k3s : `v${k3s}`}`.replace('+', '-');
}

/** Where the k3s of a k3d node keeps CNI plugin binaries: `/bin` before the March 2025 releases, then k3s's data dir. */
export const K3S_CNI_BIN_DIR_NEW = '/var/lib/rancher/k3s/data/cni';

/**
 * The CNI plugin directory of a k3s version running in k3d: `/bin` up to v1.31.6 and v1.32.2, k3s's data dir from
 * v1.31.7, v1.32.3 and every 1.33 (k3d-io/k3d#1572: containerd's `bin_dir` in the node's config.toml). Older minors
 * keep `/bin`.
 */
export function k3sCniBinDir(k3s: string): string {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(k3s);
  if (!m) return DEFAULT_VERSIONS.K3S_CNI_BIN_DIR;
  const [minor, patch] = [Number(m[2]), Number(m[3])];
  const first: Record<number, number> = {31: 7, 32: 3};
  if (Number(m[1]) > 1 || minor >= 33) return K3S_CNI_BIN_DIR_NEW;
  const from = first[minor];
  return from !== undefined && patch >= from ? K3S_CNI_BIN_DIR_NEW : '/bin';
}

/** `1.29` for `1.29.8` or `v1.29.8`. */
export function minorOf(version: string): string {
  const m = /^v?(\d+)\.(\d+)/.exec(version);
  return m ? `${m[1]}.${m[2]}` : version;
}

/**
 * Oldest Kubernetes minor each Istio minor's istioctl supports (`MinK8SVersion`, istioctl/pkg/install/k8sversion);
 * below it istioctl warns and `istioctl x precheck` reports IST0142.
 */
export const ISTIO_MIN_KUBERNETES: Readonly<Record<string, string>> = {
  '1.26': '1.29',
  '1.27': '1.29',
  '1.28': '1.29',
  '1.29': '1.30',
  '1.30': '1.32',
  '1.31': '1.32',
};

/** Problems with a set of versions that would make a real run warn or fail (e.g. Istio newer than k3s allows). */
export function versionProblems(versions: Versions): string[] {
  const problems: string[] = [];
  const istioMinor = minorOf(versions.ISTIO);
  const min = ISTIO_MIN_KUBERNETES[istioMinor];
  const k8s = minorOf(versions.K3S);
  if (min !== undefined && compareMinor(k8s, min) < 0) {
    problems.push(`Istio ${versions.ISTIO} needs Kubernetes ${min} or newer; k3s ${versions.K3S} is ${k8s}`);
  }
  if (
    compareMinor(minorOf(versions.KUBECTL), k8s) !== 0 &&
    Math.abs(minorNumber(versions.KUBECTL) - minorNumber(versions.K3S)) > 1
  ) {
    problems.push(`kubectl ${versions.KUBECTL} is more than one minor away from k3s ${versions.K3S}`);
  }
  if (versions.K3S_CNI_BIN_DIR !== k3sCniBinDir(versions.K3S)) {
    problems.push(
      `k3s ${versions.K3S} keeps CNI plugins in ${k3sCniBinDir(versions.K3S)}, not ${versions.K3S_CNI_BIN_DIR}: istio-cni would install where containerd does not look`,
    );
  }
  if (
    !versions.K3S_IMAGE.endsWith(
      `:${(versions.K3S.startsWith('v') ? versions.K3S : `v${versions.K3S}`).replace('+', '-')}`,
    )
  ) {
    problems.push(`K3S_IMAGE ${versions.K3S_IMAGE} does not match K3S ${versions.K3S}`);
  }
  return problems;
}

function minorNumber(version: string): number {
  return Number(minorOf(version).split('.')[1] ?? NaN);
}

function compareMinor(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
}

/** A placeholder: `@@` + upper-case letters, digits and `_` + `@@`. Looser shapes are caught by PLACEHOLDER_LIKE. */
export const PLACEHOLDER = /@@([A-Z][A-Z0-9_]*)@@/g;
/** Anything that looks like a placeholder attempt (`@@istio@@`, `@@versions.istio@@`), to report typos. */
const PLACEHOLDER_LIKE = /@@([^\s@]+)@@/g;

export interface UnknownPlaceholder {
  /** the text between the `@@`s */
  name: string;
  /** 0-based line within the text and character offset in it */
  line: number;
  index: number;
}

export interface Substituted {
  text: string;
  unknown: UnknownPlaceholder[];
}

/** Replaces every `@@KEY@@` with its version; unknown ones are left as they are and reported. */
export function substituteVersions(text: string, versions: Versions): Substituted {
  const unknown: UnknownPlaceholder[] = [];
  if (!text.includes('@@')) return {text, unknown};
  for (const match of text.matchAll(PLACEHOLDER_LIKE)) {
    const name = match[1] ?? '';
    if (!(VERSION_KEYS as readonly string[]).includes(name)) {
      const index = match.index ?? 0;
      unknown.push({name, index, line: text.slice(0, index).split('\n').length - 1});
    }
  }
  const out = text.replace(PLACEHOLDER, (whole, name: string) =>
    (VERSION_KEYS as readonly string[]).includes(name) ? versions[name as VersionKey] : whole,
  );
  return {text: out, unknown};
}

/** The error message for an unknown placeholder, saying what to write instead. */
export function unknownPlaceholderMessage(name: string): string {
  const upper = name
    .toUpperCase()
    .replace(/^VERSIONS?[._]/, '')
    .replace(/[.-]/g, '_')
    .replace(/_VERSION$/, '');
  const hint = (VERSION_KEYS as readonly string[]).includes(upper) ? `did you mean @@${upper}@@? ` : '';
  return `unknown version placeholder @@${name}@@: ${hint}use one of ${VERSION_KEYS.map((key) => `@@${key}@@`).join(', ')} (src/core/versions.ts)`;
}
