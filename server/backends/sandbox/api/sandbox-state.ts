import {z} from 'zod';
import type {StoreSnapshot} from './store';
import type {KubeObject} from './types';

/**
 * `<stateDir>/sandboxes/<name>/state.json`, as read back after a restart: a file on disk is an edge (a crash, a
 * disk full, a hand edit), so its shape is checked before the store takes it. Objects keep every field they have;
 * only what the store indexes them by must be there.
 */
const storedObject = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.looseObject({name: z.string().min(1), namespace: z.string().optional()}),
}) satisfies z.ZodType<KubeObject>;

const storeSnapshot = z.object({
  resourceVersion: z.number().int().nonnegative(),
  objects: z.array(z.object({group: z.string(), resource: z.string().min(1), object: storedObject})),
}) satisfies z.ZodType<StoreSnapshot>;

export interface SandboxStateFile {
  version: 1;
  name: string;
  token: string;
  createdAt: string;
  store: StoreSnapshot;
}

export const sandboxStateFile = z.object({
  version: z.literal(1),
  name: z.string(),
  token: z.string().min(1),
  createdAt: z.string(),
  store: storeSnapshot,
}) satisfies z.ZodType<SandboxStateFile>;

/**
 * One line of a sandbox's write-ahead log (`wal-NNNNNN.jsonl` beside state.json): a committed change with the
 * resourceVersion it made. Deletions carry only the object's identity.
 */
export interface LogRecord {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  group: string;
  resource: string;
  object: KubeObject;
}

export const logRecord = z.object({
  rv: z.number().int().positive(),
  type: z.enum(['ADDED', 'MODIFIED', 'DELETED']),
  group: z.string(),
  resource: z.string().min(1),
  object: storedObject,
}) satisfies z.ZodType<LogRecord>;
