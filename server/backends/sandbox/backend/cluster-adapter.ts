/**
 * The seam to the cluster simulation (server/backends/sandbox/cluster: nodes, controllers, k3s system workloads),
 * built in parallel with this backend. Loaded by a variable specifier so this compiles and runs before that
 * module exists; without it a k3d cluster is kubeconfig and bookkeeping only (no nodes, no controllers).
 */
import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import type {Sandbox} from '../api/index';
import type {Disposable} from '../api/types';
import type {SandboxApi} from '../api/index';

export interface ClusterSpec {
  name: string;
  servers: number;
  agents: number;
  k3sVersion: string;
  image: string;
  disableTraefik: boolean;
}

export interface ClusterRuntime {
  spec: ClusterSpec;
  stop(): unknown;
  start(): unknown;
  dispose(): unknown;
}

export interface ClusterModule {
  bootCluster(sandbox: Sandbox, spec: ClusterSpec, opts?: unknown): Promise<ClusterRuntime>;
  resumeCluster(sandbox: Sandbox, spec: ClusterSpec): Promise<ClusterRuntime> | ClusterRuntime;
}

export interface RuntimeModule {
  installPodRuntime(api: SandboxApi): Disposable;
}

async function load<T>(relative: string, check: (m: T) => boolean): Promise<T | undefined> {
  const url = new URL(`${relative}.ts`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) return undefined;
  const specifier: string = relative; // a variable: this file must compile before the module exists
  try {
    const mod = (await import(specifier)) as T;
    return check(mod) ? mod : undefined;
  } catch {
    // a module that does not load (being written in this checkout) is treated as absent, not a broken lab
    return undefined;
  }
}

/** the cluster simulation, or undefined while it is not part of this checkout */
export function loadClusterModule(): Promise<ClusterModule | undefined> {
  return load<ClusterModule>('../cluster/index', (m) => typeof m.bootCluster === 'function' && typeof m.resumeCluster === 'function');
}

/** pods' logs/exec/port-forward, or undefined while not part of this checkout */
export function loadRuntimeModule(): Promise<RuntimeModule | undefined> {
  return load<RuntimeModule>('../runtime/index', (m) => typeof m.installPodRuntime === 'function');
}

/** what a cluster is without the simulation: nothing runs, but create/stop/delete still work as bookkeeping */
export function inertRuntime(spec: ClusterSpec): ClusterRuntime {
  return {spec, stop() {}, start() {}, dispose() {}};
}
