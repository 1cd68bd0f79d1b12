import {DEFAULT_VERSIONS} from '../../../src/core/versions';

/**
 * Upstream versions the sandbox pretends to run (derived from the one pin, src/core/versions.ts). One place, so the pages, the k3d shim and the API agree.
 *
 * Why 1.31: the gcloud kubectl dispatcher (the machine's /usr/bin/kubectl) picks its versioned binary from the
 * server's /version `minor`. "31" runs kubectl 1.31 with no skew warning; "32" would fall back to the dispatcher's
 * built-in 1.32.4 and "33" makes the generators send protobuf bodies (which we accept, but JSON is the common path).
 * major, minor and gitVersion must agree, or kubectl warns about version skew.
 */
export const K3S_VERSION = DEFAULT_VERSIONS.K3S;

/** The k3s image k3d would start for K3S_VERSION (k3d replaces '+' with '-' in image tags). */
export const K3S_IMAGE = DEFAULT_VERSIONS.K3S_IMAGE;

export interface KubeVersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

/** The /version document for a k3s version string like v1.31.5+k3s1. */
export function versionInfo(gitVersion: string = K3S_VERSION): KubeVersionInfo {
  const m = /^v(\d+)\.(\d+)\.(\d+)/.exec(gitVersion);
  if (!m) throw new Error(`K3S_VERSION must look like v1.31.5+k3s1, got "${gitVersion}"`);
  return {
    major: m[1]!,
    minor: m[2]!,
    gitVersion,
    gitCommit: '56ec5dd4d012f3ad6ad5b0b0b8a4b4a4b1c3c8c0',
    gitTreeState: 'clean',
    buildDate: '2025-01-23T00:00:00Z',
    goVersion: 'go1.22.10',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}
