/**
 * What the host backend needs on the machine: a Docker engine (not only the client), k3d, istioctl, kubectl and
 * bash. Each check reports the version found or what is wrong, and the official way to install it.
 */
import type {DoctorCheck} from '../types';
import {resolveVersions} from '../../../src/core/versions';
import {firstLine, probe, type ProbeResult} from './probe';

const TIMEOUT_MS = 8_000;

const FIX = {
  docker: 'Install Docker Engine or Docker Desktop: https://docs.docker.com/get-docker/',
  dockerEngine:
    'Start the Docker engine (Docker Desktop, or `sudo systemctl start docker` on Linux) and make sure your user may use it: https://docs.docker.com/engine/install/linux-postinstall/',
  k3d: 'curl -s https://raw.githubusercontent.com/k3d-io/k3d/main/install.sh | bash   (or see https://k3d.io/#installation)',

  kubectl: 'Install kubectl: https://kubernetes.io/docs/tasks/tools/',
  bash: 'Install bash with your package manager (e.g. `sudo apt-get install bash`, `brew install bash`)',
};

function check(name: string, ok: boolean, detail: string, fix: string): DoctorCheck {
  return ok ? {name, ok, detail} : {name, ok, detail, fix};
}

async function dockerClient(): Promise<DoctorCheck> {
  const r = await probe('docker', ['--version'], TIMEOUT_MS);
  return check('docker', r.ok, r.ok ? firstLine(r.stdout) : (r.error ?? 'failed'), FIX.docker);
}

async function dockerEngine(): Promise<DoctorCheck> {
  // the client alone is useless: k3d needs a reachable engine
  const r = await probe('docker', ['info', '--format', '{{.ServerVersion}}'], TIMEOUT_MS);
  const version = firstLine(r.stdout);
  if (r.ok && version) return check('docker engine', true, `server ${version}`, FIX.dockerEngine);
  return check(
    'docker engine',
    false,
    r.error ?? 'no server version reported',
    r.error === 'not found' ? FIX.docker : FIX.dockerEngine,
  );
}

async function k3d(): Promise<DoctorCheck> {
  const r = await probe('k3d', ['version'], TIMEOUT_MS);
  return check('k3d', r.ok, r.ok ? firstLine(r.stdout) : (r.error ?? 'failed'), FIX.k3d);
}

/**
 * The pinned istioctl, never "latest": the newest Istio needs a newer Kubernetes than the pinned k3s (istioctl's
 * MinK8SVersion), and the walkthrough's outputs are checked against the pin. LAB_VERSION_ISTIO moves the pin.
 */
export function istioctlFix(pinned: string): string {
  return `curl -L https://istio.io/downloadIstio | ISTIO_VERSION=${pinned} sh -   then put istio-${pinned}/bin first on PATH (the walkthrough's "Install Istio ambient" page does both; the newest istioctl needs a newer Kubernetes than the pinned k3s)`;
}

/** `istioctl version --remote=false` printed `client version: 1.29.8` (or, before 1.20, just the version) */
export function istioctlCheck(r: ProbeResult, pinned: string): DoctorCheck {
  if (!r.ok) return check('istioctl', false, r.error ?? 'failed', istioctlFix(pinned));
  const line = firstLine(r.stdout);
  const found = /(\d+\.\d+\.\d+\S*)/.exec(line)?.[1];
  if (found === pinned) return check('istioctl', true, line, istioctlFix(pinned));
  return check('istioctl', false, `${line}; the walkthrough pins ${pinned}`, istioctlFix(pinned));
}

async function istioctl(): Promise<DoctorCheck> {
  const pinned = resolveVersions(process.env).ISTIO.replace(/^v/, '');
  return istioctlCheck(await probe('istioctl', ['version', '--remote=false'], TIMEOUT_MS), pinned);
}

async function kubectl(): Promise<DoctorCheck> {
  const r = await probe('kubectl', ['version', '--client', '-o', 'json'], TIMEOUT_MS);
  if (!r.ok) return check('kubectl', false, r.error ?? 'failed', FIX.kubectl);
  try {
    const v = JSON.parse(r.stdout) as {clientVersion?: {gitVersion?: string}};
    return check('kubectl', true, v.clientVersion?.gitVersion ?? 'unknown version', FIX.kubectl);
  } catch {
    return check('kubectl', true, firstLine(r.stdout), FIX.kubectl);
  }
}

async function bash(): Promise<DoctorCheck> {
  const r = await probe('bash', ['--version'], TIMEOUT_MS);
  return check('bash', r.ok, r.ok ? firstLine(r.stdout) : (r.error ?? 'failed'), FIX.bash);
}

export function hostDoctor(): Promise<DoctorCheck[]> {
  return Promise.all([dockerClient(), dockerEngine(), k3d(), istioctl(), kubectl(), bash()]);
}
