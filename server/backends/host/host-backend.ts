/**
 * The host backend: the learner's shell uses the machine's real docker, k3d, istioctl and kubectl. Nothing is
 * added to the environment; each learner works in its own directory under the state dir, so files the steps write
 * (manifests from heredocs) stay out of the learner's home.
 */
import {mkdir} from 'node:fs/promises';
import path from 'node:path';
import type {Backend, DoctorCheck, LearnerId, ShellEnvironment} from '../types';
import {hostDoctor} from './host-doctor';

const LEARNER_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface HostBackendOptions {
  stateDir: string;
}

export class HostBackend implements Backend {
  readonly name = 'host' as const;

  constructor(private readonly options: HostBackendOptions) {}

  async shellEnvironment(learner: LearnerId): Promise<ShellEnvironment> {
    if (!LEARNER_ID.test(learner))
      throw new Error(`learner id not usable as a directory name: ${JSON.stringify(learner)}`);
    const cwd = path.join(this.options.stateDir, 'workspaces', learner);
    await mkdir(cwd, {recursive: true, mode: 0o700});
    return {env: {}, cwd};
  }

  doctor(): Promise<DoctorCheck[]> {
    return hostDoctor();
  }

  async dispose(): Promise<void> {
    // owns no processes: sessions are closed by the session registry
  }
}
