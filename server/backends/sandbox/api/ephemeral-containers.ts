import {isPlainObject} from './patch-merge';
import {errors, type StatusCause} from './status';
import type {KubeObject} from './types';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (isPlainObject(v) ? v : {});
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isPlainObject) : []);
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Container fields an ephemeral container may not set (k8s v1.31 validation.go validateEphemeralContainers). */
const NOT_FOR_EPHEMERAL = ['ports', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'resources'];

/**
 * The pods/ephemeralcontainers strategy (k8s v1.31 pkg/registry/core/pod/strategy.go ephemeralContainersStrategy):
 * of what the client sent only spec.ephemeralContainers is taken, everything else stays as stored; then
 * ValidatePodEphemeralContainersUpdate (pkg/apis/core/validation/validation.go): an existing ephemeral container may
 * be neither removed nor changed, and a new one is a valid container with a name no other container has.
 * Returns the pod to store; throws the apiserver's 422.
 */
export function withEphemeralContainers(current: KubeObject, proposed: KubeObject): KubeObject {
  const next = structuredClone(current);
  const spec = obj(next.spec);
  const wanted = list(obj(proposed.spec).ephemeralContainers);
  if (wanted.length) spec.ephemeralContainers = structuredClone(wanted);
  else delete spec.ephemeralContainers;
  next.spec = spec;
  if (proposed.metadata.resourceVersion) next.metadata.resourceVersion = proposed.metadata.resourceVersion;

  const causes: StatusCause[] = [];
  const path = 'spec.ephemeralContainers';
  const before = list(obj(current.spec).ephemeralContainers);
  const byName = new Map(wanted.map((c) => [String(c.name ?? ''), c]));
  for (const old of before) {
    const name = String(old.name ?? '');
    const now = byName.get(name);
    if (!now)
      causes.push({
        reason: 'FieldValueForbidden',
        field: path,
        message: `Forbidden: existing ephemeral containers ${JSON.stringify(name)} may not be removed\n`,
      });
    else if (!same(withDefaults(old), withDefaults(now)))
      causes.push({
        reason: 'FieldValueForbidden',
        field: path,
        message: `Forbidden: existing ephemeral containers ${JSON.stringify(name)} may not be changed\n${diff(withDefaults(old), withDefaults(now))}`,
      });
  }
  const taken = new Set(
    [...list(spec.containers), ...list(spec.initContainers)].map((c) => String(c.name ?? '')).filter(Boolean),
  );
  wanted.forEach((c, i) => {
    const at = `${path}[${i}]`;
    const name = typeof c.name === 'string' ? c.name : '';
    if (!name) causes.push({reason: 'FieldValueRequired', field: `${at}.name`, message: 'Required value'});
    else if (taken.has(name))
      causes.push({reason: 'FieldValueDuplicate', field: `${at}.name`, message: `Duplicate value: "${name}"`});
    else taken.add(name);
    if (before.some((o) => o.name === name)) return;
    if (!c.image) causes.push({reason: 'FieldValueRequired', field: `${at}.image`, message: 'Required value'});
    for (const f of NOT_FOR_EPHEMERAL)
      if (f === 'resources' ? Object.keys(obj(c[f])).length > 0 : c[f] !== undefined)
        causes.push({
          reason: 'FieldValueForbidden',
          field: `${at}.${f}`,
          message: 'Forbidden: cannot be set for an Ephemeral Container',
        });
  });
  if (causes.length) throw errors.invalid('Pod', '', String(current.metadata.name ?? ''), causes);
  return next;
}

/** what the apiserver stores for a container left to defaults, so a re-sent container compares equal */
function withDefaults(c: Json): Json {
  const image = String(c.image ?? '');
  const tag = /:[^/]+$/.test(image.split('@')[0]!) ? image.split(':').pop() : '';
  return {
    imagePullPolicy: !image.includes('@') && (!tag || tag === 'latest') ? 'Always' : 'IfNotPresent',
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    resources: {},
    ...c,
  };
}

/** a short stand-in for the cmp.Diff the apiserver appends: the fields that differ, old `-`, new `+` */
function diff(a: Json, b: Json): string {
  const lines = ['  core.EphemeralContainer{', '  \tEphemeralContainerCommon: core.EphemeralContainerCommon{'];
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (same(a[k], b[k])) continue;
    const field = k.charAt(0).toUpperCase() + k.slice(1);
    if (a[k] !== undefined) lines.push(`- \t\t${field}: ${JSON.stringify(a[k])},`);
    if (b[k] !== undefined) lines.push(`+ \t\t${field}: ${JSON.stringify(b[k])},`);
  }
  lines.push('  \t},', '  }');
  return lines.join('\n');
}
