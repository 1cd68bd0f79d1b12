/** Pick a backend by name: the host's real tools, or the simulated cluster of `server/backends/sandbox`. */
import {HostBackend} from './host/host-backend';
import {createSandboxBackend} from './sandbox/index';
import type {Backend, BackendName, BackendOptions} from './types';

export type {BackendOptions} from './types';

export async function createBackend(name: BackendName, opts: BackendOptions): Promise<Backend> {
  switch (name) {
    case 'host':
      return new HostBackend(opts);
    case 'sandbox':
      return createSandboxBackend(opts);
  }
}
