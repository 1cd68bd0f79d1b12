/**
 * A learner id (`[A-Za-z0-9_-]{1,64}`) as a sandbox name (a DNS label: it is a URL path segment and a directory).
 * Ids that are already labels are kept as they are (`local` stays `local`); others get a short hash so two ids
 * never share a sandbox.
 */
import {createHash} from 'node:crypto';

const LEARNER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function sandboxNameFor(learner: string): string {
  if (!LEARNER_ID.test(learner)) throw new Error(`learner id not usable for a sandbox: ${JSON.stringify(learner)}`);
  if (LABEL.test(learner)) return learner;
  const base =
    learner
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48) || 'learner';
  return `${base}-${createHash('sha256').update(learner).digest('hex').slice(0, 8)}`;
}
