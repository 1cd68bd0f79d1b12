/**
 * The sandbox backend's entry point (loaded by server/backends/index.ts): a simulated k3d cluster per learner,
 * driven by the real kubectl and our k3d/docker commands. See backend/sandbox-backend.ts.
 */
import type {BackendOptions} from '../types';
import {SandboxBackend, type SandboxBackendOptions} from './backend/sandbox-backend';

export {
  SandboxBackend,
  type SandboxBackendOptions,
  type SandboxSummary,
  type ControlRequest,
} from './backend/sandbox-backend';
export {StateLockedError, readLock, type LockInfo} from './backend/state-lock';

export function createSandboxBackend(opts: BackendOptions & Partial<SandboxBackendOptions>): Promise<SandboxBackend> {
  return SandboxBackend.start(opts);
}
