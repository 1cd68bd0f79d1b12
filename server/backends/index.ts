/** Pick a backend by name. `sandbox` is designed (see DESIGN.md) but not built yet; selecting it says so. */
import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {HostBackend} from './host/host-backend';
import type {Backend, BackendName} from './types';

export interface BackendOptions {
  stateDir: string;
}

export class BackendUnavailableError extends Error {
  readonly code = 'backend-unavailable';
  constructor(readonly backend: BackendName, message: string) {
    super(message);
  }
}

export async function createBackend(name: BackendName, opts: BackendOptions): Promise<Backend> {
  switch (name) {
    case 'host':
      return new HostBackend(opts);
    case 'sandbox': {
      const dir = fileURLToPath(new URL('./sandbox/', import.meta.url));
      if (!existsSync(dir)) {
        throw new BackendUnavailableError(
          'sandbox',
          'the "sandbox" backend is not available yet in this version; use --backend host (run `lab doctor` to see what it needs)',
        );
      }
      // TODO(sandbox): import and construct the sandbox backend from ./sandbox once it exists.
      throw new BackendUnavailableError('sandbox', 'the "sandbox" backend exists but is not wired into createBackend yet');
    }
  }
}
