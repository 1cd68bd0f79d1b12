/**
 * The Istio release the sandbox's istioctl pretends to be: the one pin (src/core/versions.ts, LAB_VERSION_ISTIO
 * overrides it for the nightly) and what that release requires of the cluster.
 */
import {resolveVersions} from '../../../../../src/core/versions';

/** istioctl/pkg/install/k8sversion/version.go `MinK8SVersion` per Istio minor */
const MIN_K8S_MINOR: Readonly<Record<string, number>> = {
  '1.22': 26,
  '1.23': 26,
  '1.24': 28,
  '1.25': 28,
  '1.26': 29,
  '1.27': 29,
  '1.28': 29,
  '1.29': 30,
  '1.30': 32,
  '1.31': 32,
};

export interface IstioRelease {
  /** "1.29.8" */
  version: string;
  /** "1.29" */
  minor: string;
  /** the minimum Kubernetes minor istioctl accepts without its warning (30 → 1.30) */
  minK8sMinor: number;
  /** docker.io/istio */
  hub: string;
}

export function istioRelease(env: Readonly<Record<string, string | undefined>> = process.env): IstioRelease {
  const version = resolveVersions(env).ISTIO.replace(/^v/, '');
  const minor = version.split('.').slice(0, 2).join('.');
  // releases newer than the table keep the newest known minimum (it only ever grows)
  const known = Object.keys(MIN_K8S_MINOR).sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
  const minK8sMinor = MIN_K8S_MINOR[minor] ?? MIN_K8S_MINOR[known[known.length - 1]!]!;
  return {version, minor, minK8sMinor, hub: 'docker.io/istio'};
}

/** "v1.31.5+k3s1" → 31 */
export function kubeMinor(gitVersion: string): number {
  const m = /^v?(\d+)\.(\d+)/.exec(gitVersion);
  return m ? Number(m[2]) : 0;
}
