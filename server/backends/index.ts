/**
 * Pick a backend by name. `sandbox` is designed (see DESIGN.md) and being built in server/backends/sandbox; until
 * that folder exports its entry point, selecting it says so instead of failing somewhere deeper.
 */
import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {HostBackend} from './host/host-backend';
import type {Backend, BackendName} from './types';

export interface BackendOptions {
  stateDir: string;
}

export class BackendUnavailableError extends Error {
  readonly code = 'backend-unavailable';
  constructor(
    readonly backend: BackendName,
    message: string,
  ) {
    super(message);
  }
}

/** The sandbox's entry point: `export function createSandboxBackend(opts: BackendOptions): Backend | Promise<Backend>`. */
const SANDBOX_ENTRY = './sandbox/index';

export async function createBackend(name: BackendName, opts: BackendOptions): Promise<Backend> {
  switch (name) {
    case 'host':
      return new HostBackend(opts);
    case 'sandbox': {
      const unavailable = new BackendUnavailableError(
        'sandbox',
        'the "sandbox" backend is not available yet in this version; use --backend host (`lab doctor` shows what it needs)',
      );
      if (!existsSync(fileURLToPath(new URL(`${SANDBOX_ENTRY}.ts`, import.meta.url)))) throw unavailable;
      // a variable specifier: this file must compile before the sandbox exists
      const entry: string = SANDBOX_ENTRY;
      const mod = (await import(entry)) as {createSandboxBackend?: (o: BackendOptions) => Backend | Promise<Backend>};
      if (typeof mod.createSandboxBackend !== 'function') throw unavailable;
      return mod.createSandboxBackend(opts);
    }
  }
}
