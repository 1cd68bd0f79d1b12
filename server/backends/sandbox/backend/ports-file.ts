/**
 * `<stateDir>/sandbox-backend/ports.json`: the ports the last run listened on, tried first so that kubeconfigs and
 * shells opened with `lab sandbox env` keep working after a restart. Only a preference: an unreadable file is
 * reported and the lab starts on any free ports.
 */
import {writeFileSync} from 'node:fs';
import {z} from 'zod';
import {readJson} from '../api/state-file';

const port = z.number().int().min(1).max(65535);

export const portsFile = z.object({api: port.optional(), commands: port.optional(), mirror: port.optional()});

export type Ports = z.infer<typeof portsFile>;

export function readPorts(file: string, onProblem?: (message: string, detail: Record<string, unknown>) => void): Ports {
  const r = readJson(file, portsFile);
  if (r.kind === 'corrupt')
    onProblem?.("the last run's ports file is unreadable; listening on any free ports", {path: file, error: r.error});
  return r.kind === 'ok' ? r.value : {};
}

export function writePorts(file: string, ports: Ports): void {
  writeFileSync(file, JSON.stringify(ports));
}
