/**
 * `<stateDir>/sandbox-backend/sandboxes/<name>/sandbox.json`, read back after a restart: the learner it belongs to,
 * the command token its shells hold and the k3d cluster it runs. A file on disk is an edge (a crash, a disk full,
 * a hand edit), so it is checked; one that does not pass is set aside and reported, and the sandbox starts afresh.
 */
import {renameSync} from 'node:fs';
import path from 'node:path';
import {z} from 'zod';
import {readJson} from '../api/state-file';
import type {ClusterRecord, PortMapping} from '../cluster/cluster-record';

const port = z.number().int().min(0).max(65535);

const portMapping = z.object({
  mapping: z.string(),
  hostPort: port,
  containerPort: port,
  nodeFilter: z.string(),
}) satisfies z.ZodType<PortMapping>;

export const clusterRecord = z.object({
  name: z.string().min(1),
  servers: z.number().int().min(1),
  agents: z.number().int().min(0),
  apiPort: port,
  apiPortGiven: z.boolean(),
  image: z.string(),
  k3sVersion: z.string(),
  k3sArgs: z.array(z.string()),
  ports: z.array(portMapping),
  disableTraefik: z.boolean(),
  createdAt: z.string(),
  state: z.enum(['running', 'stopped']),
  containerIds: z.record(z.string(), z.string()),
  addedNodes: z
    .array(z.object({name: z.string().min(1), slot: z.number().int().min(0), createdAt: z.string()}))
    .optional(),
  removedNodes: z.array(z.string()).optional(),
  stoppedNodes: z.array(z.string()).optional(),
}) satisfies z.ZodType<ClusterRecord>;

export interface SavedSandbox {
  version: 1;
  learner: string;
  name: string;
  commandToken: string;
  /** a workshop attendee's: its clusters publish ports only inside the attendee's own network, never the host's */
  isolated?: boolean;
  cluster?: ClusterRecord;
}

export const savedSandbox = z.object({
  version: z.literal(1),
  learner: z.string().min(1),
  name: z.string().min(1),
  commandToken: z.string().min(1),
  isolated: z.boolean().optional(),
  cluster: clusterRecord.optional(),
}) satisfies z.ZodType<SavedSandbox>;

export const savedSandboxPath = (dir: string) => path.join(dir, 'sandbox.json');

/** the saved sandbox in dir; undefined when there is none, or when it was unreadable (then set aside and reported) */
export function loadSavedSandbox(
  dir: string,
  onProblem?: (message: string, detail: Record<string, unknown>) => void,
): SavedSandbox | undefined {
  const file = savedSandboxPath(dir);
  const r = readJson(file, savedSandbox);
  if (r.kind === 'ok') return r.value;
  if (r.kind === 'corrupt') {
    const aside = `${file}.corrupt-${Date.now()}`;
    try {
      renameSync(file, aside);
    } catch {
      // leave it where it is; it is reported either way
    }
    onProblem?.(
      `sandbox "${path.basename(dir)}": sandbox.json is unreadable and was set aside; the sandbox starts without a cluster and with a new token`,
      {path: file, movedTo: aside, error: r.error},
    );
  }
  return undefined;
}
