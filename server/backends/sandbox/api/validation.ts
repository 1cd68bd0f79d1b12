import {dns1123LabelErrors, dns1123SubdomainErrors} from './names';
import {errors, type StatusCause} from './status';
import type {KubeObject, ResourceType} from './types';

/**
 * The checks a learner is likely to trip over, with the API server's wording (kubectl prints them as
 * `The Deployment "web" is invalid: spec.selector: Required value`). Not a full validation: no schemas.
 */
type Rule = (obj: KubeObject) => StatusCause[];

const required = (field: string): StatusCause => ({reason: 'FieldValueRequired', message: 'Required value', field});
const invalid = (field: string, value: string, why: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: "${value}": ${why}`,
  field,
});

function goMap(m: Record<string, string>): string {
  return `map[string]string{${Object.entries(m)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `"${k}":"${v}"`)
    .join(', ')}}`;
}

function containerRules(spec: unknown, path: string): StatusCause[] {
  const s = (spec ?? {}) as {containers?: {name?: string; image?: string}[]};
  if (!Array.isArray(s.containers) || s.containers.length === 0) return [required(`${path}.containers`)];
  const out: StatusCause[] = [];
  s.containers.forEach((c, i) => {
    if (!c.name) out.push(required(`${path}.containers[${i}].name`));
    if (!c.image) out.push(required(`${path}.containers[${i}].image`));
  });
  return out;
}

function workloadRules(obj: KubeObject): StatusCause[] {
  const spec = (obj.spec ?? {}) as {
    selector?: {matchLabels?: Record<string, string>};
    template?: {metadata?: {labels?: Record<string, string>}; spec?: unknown};
  };
  const out: StatusCause[] = [];
  if (!spec.selector) out.push(required('spec.selector'));
  const labels = spec.template?.metadata?.labels ?? {};
  const want = spec.selector?.matchLabels ?? {};
  if (spec.selector && Object.entries(want).some(([k, v]) => labels[k] !== v))
    out.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${goMap(labels)}: \`selector\` does not match template \`labels\``,
      field: 'spec.template.metadata.labels',
    });
  out.push(...containerRules(spec.template?.spec, 'spec.template.spec'));
  return out;
}

const RULES: Record<string, Rule> = {
  pods: (o) => containerRules(o.spec, 'spec'),
  deployments: workloadRules,
  replicasets: workloadRules,
  daemonsets: workloadRules,
  statefulsets: workloadRules,
  services: (o) => {
    const spec = (o.spec ?? {}) as {type?: string; ports?: unknown[]; clusterIP?: string};
    if (
      spec.type !== 'ExternalName' &&
      spec.clusterIP !== 'None' &&
      (!Array.isArray(spec.ports) || spec.ports.length === 0)
    )
      return [required('spec.ports')];
    return [];
  },
};

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
/** apimachinery's TotalAnnotationSizeLimitB: why `kubectl apply` of very large CRDs fails on a real cluster too */
const ANNOTATIONS_LIMIT = 256 * 1024;

function metadataRules(obj: KubeObject): StatusCause[] {
  const out: StatusCause[] = [];
  for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
    if (!QUALIFIED_NAME.test(k) || k.split('/').pop()!.length > 63)
      out.push(
        invalid(
          'metadata.labels',
          k,
          "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        ),
      );
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v))
      out.push(
        invalid(
          'metadata.labels',
          String(v),
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ),
      );
  }
  let size = 0;
  for (const [k, v] of Object.entries(obj.metadata.annotations ?? {})) size += k.length + String(v).length;
  if (size > ANNOTATIONS_LIMIT)
    out.push({
      reason: 'FieldValueTooLong',
      field: 'metadata.annotations',
      message: `Too long: must have at most ${ANNOTATIONS_LIMIT} bytes`,
    });
  return out;
}

/** Kinds whose names must be DNS-1123 labels rather than subdomains. */
const LABEL_NAMED = new Set(['namespaces', 'services']);

export function validate(type: ResourceType, obj: KubeObject): void {
  const causes: StatusCause[] = [];
  const name = obj.metadata.name ?? '';
  if (!name)
    causes.push({
      reason: 'FieldValueRequired',
      message: 'Required value: name or generateName is required',
      field: 'metadata.name',
    });
  else {
    const why = LABEL_NAMED.has(type.resource) ? dns1123LabelErrors(name) : dns1123SubdomainErrors(name);
    for (const w of why) causes.push(invalid('metadata.name', name, w));
  }
  causes.push(...metadataRules(obj));
  causes.push(...(RULES[type.resource]?.(obj) ?? []));
  if (causes.length > 0) throw errors.invalid(type.kind, type.group, name, causes);
}
