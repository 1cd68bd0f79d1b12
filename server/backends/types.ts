/**
 * A backend decides what the learner's shell talks to. `host`: the machine's real k3d/istioctl/kubectl/docker.
 * `sandbox`: a simulated k3d cluster whose commands come first on PATH. Steps never know which one runs.
 */
import type {RequestPath} from '../../src/core/protocol/cluster-picture';

export type BackendName = 'host' | 'sandbox';

export interface BackendOptions {
  stateDir: string;
  /** something the lab's log should say (a sandbox's taken host port, a state file set aside) */
  onProblem?: (message: string, detail: Record<string, unknown>) => void;
}

/** Who owns sessions, progress and a sandbox: the one local learner, or one per workshop attendee. */
export type LearnerId = string;
export const LOCAL_LEARNER: LearnerId = 'local';

export interface ShellEnvironment {
  /** variables added to (or overriding) the server's environment for the learner's bash */
  env: Record<string, string>;
  /** working directory of the learner's bash */
  cwd: string;
  /** what must hold in the shell whatever the learner's rc files do (the sandbox); none: the shell is theirs */
  seal?: ShellSeal;
}

/**
 * A sealed shell (server/sessions/bash-integration.sh): after the learner's rc files the shell re-asserts `vars`
 * (with their values in `env`) and puts `pathFirst` first on PATH, drops aliases and functions named like `commands`,
 * and reports `watch` and how each command resolves at every prompt; the step engine refuses to type a step while
 * they differ (server/engine/seal-check.ts).
 */
export interface ShellSeal {
  /** variables of `env` set again after the rc files (KUBECONFIG, proxies, CA bundle, HOME...) */
  vars: string[];
  /** variables checked before every step: they must still have their `env` value */
  watch: string[];
  /** the directory that must stay first on PATH */
  pathFirst: string;
  /** commands that must run the file of that name in `pathFirst` (kubectl, k3d, istioctl, docker) */
  commands: string[];
}

export interface DoctorCheck {
  /** tool or facility, e.g. "docker engine", "k3d" */
  name: string;
  ok: boolean;
  /** version found, or what went wrong */
  detail: string;
  /** what to do when not ok */
  fix?: string;
}

export interface Backend {
  readonly name: BackendName;
  /** environment for a learner's shell (and for verify commands run beside it) */
  shellEnvironment(learner: LearnerId): Promise<ShellEnvironment>;
  /** what this backend needs on the machine and whether it is there */
  doctor(): Promise<DoctorCheck[]>;
  /**
   * The hops of the learner's last in-mesh request (sidecar, ztunnel, waypoint...), for the cluster picture.
   * Only a backend that models the mesh knows them (the sandbox); a real cluster does not say.
   */
  lastRequestPath?(learner: LearnerId): Promise<RequestPath | undefined>;
  /**
   * Workshop: the learner's shell runs as another uid in an isolated sandbox (server/isolation). Hands what the shell
   * must write (its kubeconfig) to that uid and returns the host paths the shell must see besides its HOME.
   */
  prepareIsolated?(learner: LearnerId, owner: IsolatedOwner): Promise<IsolatedPaths>;
  /** Workshop: the learner's machine as new (no cluster, no kubeconfig); their HOME is the caller's to reset */
  resetLearner?(learner: LearnerId): Promise<void>;
  /**
   * A sealed shell's kubeconfig whose current context reaches something else than this backend's cluster: what it
   * should be and what it is (`current-context=…` lines, as server/engine/seal-check.ts writes them); null when fine.
   */
  contextProblem?(learner: LearnerId): Promise<{expected: string; actual: string} | null>;
  dispose(): Promise<void>;
}

/** who an isolated shell runs as, and how its private network is reached */
export interface IsolatedOwner {
  uid: number;
  gid: number;
  /**
   * The shell has a network namespace of its own: a server that must answer on <port> inside it (the learner's
   * published ports, `--api-port`) listens on this unix socket instead of the host's TCP port, then calls `own`
   * on it so the shell's uid can connect (server/isolation/net-bridge.ts).
   */
  net?: {socketPath(port: number): string; own(socketPath: string): void};
}

export interface IsolatedPaths {
  readOnly: string[];
  readWrite: string[];
  /** variables of the isolated shell that differ from shellEnvironment's (e.g. its own KUBECONFIG) */
  env: Record<string, string>;
  /** the host's loopback ports the shell must reach at the same numbers (the backend's shared services) */
  loopbackPorts?: number[];
}
