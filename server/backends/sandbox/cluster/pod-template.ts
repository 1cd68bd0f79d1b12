import type {KubeObject} from '../api';
import {controllerRef} from './owners';
import type {PodSpec, PodTemplateSpec} from 'kubernetes-types/core/v1';
import {clone, stableJson} from './json';

/** apimachinery's rand alphabet: no vowels, no look-alikes (why hashes read like "7c5ddbdf54"). */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each byte of the decimal hash mapped into the alphabet */
function safeEncode(s: string): string {
  let out = '';
  for (const b of Buffer.from(s)) out += ALPHANUMS[b % ALPHANUMS.length];
  return out;
}

/**
 * The pod-template-hash / controller-revision-hash: ComputeHash(template, collisionCount) = fnv32a, safe-encoded.
 * Ours hashes stable JSON rather than Go's spew dump, so values differ from a real cluster's but look the same and
 * stay stable across restarts.
 */
export function templateHash(template: unknown, collisionCount?: number): string {
  return safeEncode(String(fnv32a(stableJson(template ?? {}) + (collisionCount ? String(collisionCount) : ''))));
}

/** A pod from a controller's template: labels and annotations carried over, owned by the controller. */
export function podFromTemplate(
  owner: KubeObject,
  template: PodTemplateSpec | undefined,
  extra: {name?: string; generateName?: string; labels?: Record<string, string>; spec?: Partial<PodSpec>} = {},
): KubeObject {
  const t = clone(template ?? {});
  const meta = t.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(extra.name ? {name: extra.name} : {generateName: extra.generateName ?? `${owner.metadata.name}-`}),
      namespace: owner.metadata.namespace,
      labels: {...(meta.labels ?? {}), ...(extra.labels ?? {})},
      ...(meta.annotations ? {annotations: meta.annotations} : {}),
      ...(meta.finalizers ? {finalizers: meta.finalizers} : {}),
      ownerReferences: [controllerRef(owner)],
    },
    spec: {...(t.spec ?? {}), ...(extra.spec ?? {})},
  };
}
