/** The commands the shims in commands/bin may run, by the name the shim passes. */
import {docker} from './docker/docker';
import {k3d} from './k3d/k3d';
import {istioctl} from './istioctl/istioctl';
import type {SandboxCommand} from './types';

export const SANDBOX_COMMANDS: ReadonlyMap<string, SandboxCommand> = new Map([
  ['k3d', k3d],
  ['docker', docker],
  ['istioctl', istioctl],
]);

/** the directory put first on the sandbox shell's PATH */
export const SHIMS_DIR = new URL('./bin/', import.meta.url);
