import {dns1035LabelErrors, dns1123LabelErrors, dns1123SubdomainErrors, pathSegmentNameErrors} from './names';
import {errors, type StatusCause} from './status';
import type {KubeObject, ResourceType} from './types';

/**
 * The checks a learner is likely to trip over, with the API server's wording (kubectl prints them as
 * `The Deployment "web" is invalid: spec.selector: Required value`). Not a full validation: no schemas.
 */
type Rule = (obj: KubeObject) => StatusCause[];
type Json = Record<string, unknown>;

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
/** apimachinery's TotalAnnotationSizeLimitB: why `kubectl apply` of very large CRDs fails on a real cluster too */
const ANNOTATIONS_LIMIT = 256 * 1024;

const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const QUALIFIED_NAME_ERROR =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

/** apimachinery IsQualifiedName: a label or annotation key, one message per fault */
export function qualifiedNameErrors(value: string): string[] {
  const parts = value.split('/');
  const errs: string[] = [];
  if (parts.length > 2)
    return [
      `a qualified name ${QUALIFIED_NAME_ERROR} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (!prefix) errs.push('prefix part must be non-empty');
    else errs.push(...dns1123SubdomainErrors(prefix).map((m) => `prefix part ${m}`));
  }
  if (!name) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (!QUALIFIED_NAME_PART.test(name)) errs.push(`name part ${QUALIFIED_NAME_ERROR}`);
  return errs;
}

/** IsValidLabelValue */
function labelValueErrors(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!LABEL_VALUE.test(v))
    errs.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    );
  return errs;
}

/** ValidateLabels and ValidateAnnotations' keys (metav1validation), the annotations' total size */
function metadataRules(obj: KubeObject): StatusCause[] {
  const out: StatusCause[] = [];
  for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
    for (const m of qualifiedNameErrors(k)) out.push(invalid('metadata.labels', k, m));
    for (const m of labelValueErrors(typeof v === 'string' ? v : String(v)))
      out.push(invalid('metadata.labels', String(v), m));
  }
  for (const k of Object.keys(obj.metadata.annotations ?? {}))
    for (const m of qualifiedNameErrors(k.toLowerCase())) out.push(invalid('metadata.annotations', k, m));
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

/**
 * The name rule of each kind (ValidateXName in pkg/apis/<group>/validation): Services are DNS-1035 labels
 * (ValidateServiceName = NameIsDNS1035Label), namespaces DNS-1123 labels, RBAC objects path segments
 * (ValidateRBACName = path.IsValidPathSegmentName), everything else (and every custom resource) a DNS-1123 subdomain.
 */
const NAME_RULES: Record<string, (name: string) => string[]> = {
  namespaces: dns1123LabelErrors,
  services: dns1035LabelErrors,
  roles: pathSegmentNameErrors,
  rolebindings: pathSegmentNameErrors,
  clusterroles: pathSegmentNameErrors,
  clusterrolebindings: pathSegmentNameErrors,
};

/** What validation needs to know of the rest of the store (ports other Services hold). */
export interface ValidationContext {
  /** the nodePorts (with protocol, "TCP/30080") held by Services other than this one */
  nodePortsInUse?(self: KubeObject): Set<string>;
}

const forbidden = (field: string, why: string): StatusCause => ({
  reason: 'FieldValueForbidden',
  message: `Forbidden: ${why}`,
  field,
});
const invalidGo = (field: string, goValue: string, why: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${goValue}: ${why}`,
  field,
});
const duplicate = (field: string, goValue: string): StatusCause => ({
  reason: 'FieldValueDuplicate',
  message: `Duplicate value: ${goValue}`,
  field,
});

const asJson = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
/** Go's %q, close enough for the ASCII names learners type */
const goQuote = (s: string) => JSON.stringify(s);
const goStrings = (l: unknown) =>
  Array.isArray(l) ? `[]string{${l.map((x) => goQuote(String(x))).join(', ')}}` : '[]string(nil)';

/** `%#v` of a *metav1.LabelSelector as field.Invalid prints it (the pointer dereferenced) */
export function goLabelSelector(sel: unknown): string {
  const s = asJson(sel);
  const labels =
    s.matchLabels && Object.keys(asJson(s.matchLabels)).length > 0
      ? goMap(s.matchLabels as Record<string, string>)
      : 'map[string]string(nil)';
  const exprs = Array.isArray(s.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${s.matchExpressions
        .map((e) => {
          const r = asJson(e);
          return `v1.LabelSelectorRequirement{Key:${goQuote(String(r.key ?? ''))}, Operator:${goQuote(String(r.operator ?? ''))}, Values:${goStrings(r.values)}}`;
        })
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${exprs}}`;
}

interface ServicePort {
  name?: string;
  protocol?: string;
  port?: number;
  nodePort?: number;
}

/** ValidateService's port rules (pkg/apis/core/validation/validation.go, validateServicePort and the duplicate checks) */
function servicePortRules(o: KubeObject, ctx: ValidationContext): StatusCause[] {
  const spec = asJson(o.spec);
  const ports = (Array.isArray(spec.ports) ? spec.ports : []) as ServicePort[];
  const type = String(spec.type ?? 'ClusterIP');
  const out: StatusCause[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const path = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) out.push(required(`${path}.name`));
    else if (p.name) {
      for (const w of dns1123LabelErrors(p.name)) out.push(invalid(`${path}.name`, p.name, w));
      if (names.has(p.name)) out.push(duplicate(`${path}.name`, goQuote(p.name)));
      names.add(p.name);
    }
    if (typeof p.port !== 'number' || p.port < 1 || p.port > 65535)
      out.push(invalidGo(`${path}.port`, String(p.port ?? 0), 'must be between 1 and 65535, inclusive'));
  });
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    const k = `${p.protocol ?? 'TCP'}/${p.nodePort}`;
    if (nodePorts.has(k)) out.push(duplicate(`spec.ports[${i}].nodePort`, String(p.nodePort)));
    nodePorts.add(k);
  });
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const k = `${p.protocol ?? 'TCP'}/${p.port}`;
    if (seen.has(k))
      out.push(
        duplicate(
          `spec.ports[${i}]`,
          `core.ServicePort{Name:"", Protocol:${goQuote(p.protocol ?? 'TCP')}, AppProtocol:(*string)(nil), Port:${p.port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
        ),
      );
    seen.add(k);
  });
  if (type === 'ClusterIP' || type === 'ExternalName')
    ports.forEach((p, i) => {
      if (p.nodePort) out.push(forbidden(`spec.ports[${i}].nodePort`, `may not be used when \`type\` is '${type}'`));
    });
  if (out.length > 0) return out;
  // the nodePort allocator (pkg/registry/core/service/portallocator), reached only by a valid Service
  const held = ctx.nodePortsInUse?.(o) ?? new Set<string>();
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    if (p.nodePort < 30000 || p.nodePort > 32767)
      out.push(
        invalidGo(
          `spec.ports[${i}].nodePort`,
          String(p.nodePort),
          'provided port is not in the valid range. The range of valid ports is 30000-32767',
        ),
      );
    else if (held.has(`${p.protocol ?? 'TCP'}/${p.nodePort}`))
      out.push(invalidGo(`spec.ports[${i}].nodePort`, String(p.nodePort), 'provided port is already allocated'));
  });
  return out;
}

const IMMUTABLE_WHEN_SET = 'field is immutable when `immutable` is set';

/** ValidateConfigMapUpdate / ValidateSecretUpdate */
function immutableDataRules(o: KubeObject, old: KubeObject, fields: string[]): StatusCause[] {
  if (old.immutable !== true) return [];
  const out: StatusCause[] = [];
  if (o.immutable !== true) out.push(forbidden('immutable', IMMUTABLE_WHEN_SET));
  for (const f of fields) if (!same(o[f], old[f])) out.push(forbidden(f, IMMUTABLE_WHEN_SET));
  return out;
}

const UPDATE_RULES: Record<string, (o: KubeObject, old: KubeObject) => StatusCause[]> = {
  configmaps: (o, old) => immutableDataRules(o, old, ['data', 'binaryData']),
  secrets: (o, old) => {
    const out: StatusCause[] = [];
    if ((o.type ?? 'Opaque') !== (old.type ?? 'Opaque'))
      out.push(invalid('type', String(o.type ?? ''), 'field is immutable'));
    return [...out, ...immutableDataRules(o, old, ['data'])];
  },
  services: (o, old) => {
    // validateUpgradeDowngradeClusterIPs: the primary clusterIP never changes (but from or to ExternalName)
    const spec = asJson(o.spec);
    const before = asJson(old.spec);
    if (spec.type === 'ExternalName' || before.type === 'ExternalName') return [];
    const ip = spec.clusterIP as string | undefined;
    const was = before.clusterIP as string | undefined;
    if (was && ip && ip !== was) {
      const ips = Array.isArray(spec.clusterIPs) && spec.clusterIPs[0] === ip ? spec.clusterIPs : [ip];
      return [invalidGo('spec.clusterIPs[0]', goStrings(ips), 'may not change once set')];
    }
    return [];
  },
  deployments: selectorImmutable,
  replicasets: selectorImmutable,
  daemonsets: selectorImmutable,
  statefulsets: (o, old) => {
    // ValidateStatefulSetUpdate: only these spec fields may change
    const strip = (x: KubeObject) => {
      const {
        replicas: _r,
        ordinals: _o,
        template: _t,
        updateStrategy: _u,
        persistentVolumeClaimRetentionPolicy: _p,
        minReadySeconds: _m,
        ...rest
      } = asJson(x.spec);
      return rest;
    };
    if (!same(strip(o), strip(old)))
      return [
        forbidden(
          'spec',
          "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ),
      ];
    return [];
  },
  jobs: (o, old) => {
    const spec = asJson(o.spec);
    const before = asJson(old.spec);
    const out: StatusCause[] = [];
    if (before.selector && !same(spec.selector, before.selector))
      out.push(invalidGo('spec.selector', goLabelSelector(spec.selector), 'field is immutable'));
    // validatePodTemplateUpdate: the template is immutable (scheduling directives of a suspended Job aside)
    if (!same(spec.template, before.template))
      out.push(invalidGo('spec.template', 'core.PodTemplateSpec{…}', 'field is immutable'));
    if (spec.completionMode !== before.completionMode)
      out.push(invalid('spec.completionMode', String(spec.completionMode ?? ''), 'field is immutable'));
    return out;
  },
  persistentvolumeclaims: (o, old) => {
    // ValidatePersistentVolumeClaimUpdate: volumeName may be set once, a nil storageClassName too (retroactive
    // default), resources.requests may grow on a bound claim
    const spec = asJson(o.spec);
    const before = {...asJson(old.spec)};
    if (!before.volumeName) before.volumeName = spec.volumeName;
    if (before.storageClassName === undefined || before.storageClassName === null)
      before.storageClassName = spec.storageClassName;
    const strip = (s: Json) => {
      const {resources: _r, volumeAttributesClassName: _v, ...rest} = s;
      return rest;
    };
    if (!same(strip(spec), strip(before)))
      return [
        forbidden(
          'spec',
          `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${specDiff('core.PersistentVolumeClaimSpec', strip(before), strip(spec))}`,
        ),
      ];
    return [];
  },
  pods: (o, old) => {
    // ValidatePodUpdate: only images, activeDeadlineSeconds, added tolerations and a negative grace period may change
    const norm = (s: Json): Json => {
      const c = JSON.parse(JSON.stringify(s)) as Json;
      for (const list of ['containers', 'initContainers'])
        for (const x of (c[list] as Json[] | undefined) ?? []) delete x.image;
      delete c.activeDeadlineSeconds;
      delete c.tolerations;
      delete c.terminationGracePeriodSeconds;
      return c;
    };
    const spec = asJson(o.spec);
    const before = asJson(old.spec);
    if (!same(norm(spec), norm(before)))
      return [
        forbidden(
          'spec',
          `pod updates may not change fields other than \`spec.containers[*].image\`,\`spec.initContainers[*].image\`,\`spec.activeDeadlineSeconds\`,\`spec.tolerations\` (only additions to existing tolerations),\`spec.terminationGracePeriodSeconds\` (allow it to be set to 1 if it was previously negative)\n${specDiff('core.PodSpec', norm(before), norm(spec), before, spec)}`,
        ),
      ];
    return [];
  },
};

function selectorImmutable(o: KubeObject, old: KubeObject): StatusCause[] {
  const a = asJson(o.spec).selector;
  const b = asJson(old.spec).selector;
  // apps/v1 strategies' ValidateUpdate: ValidateImmutableField(spec.selector)
  return same(a, b) ? [] : [invalidGo('spec.selector', goLabelSelector(a), 'field is immutable')];
}

/**
 * A short stand-in for the cmp.Diff the apiserver appends (go-cmp's report of the Go structs): the top-level
 * fields that differ, old as `-`, new as `+`, in JSON.
 */
function specDiff(typeName: string, before: Json, after: Json, shownBefore = before, shownAfter = after): string {
  const lines = [`  ${typeName}{`];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const k of keys) {
    if (same(before[k], after[k])) continue;
    const field = k.charAt(0).toUpperCase() + k.slice(1);
    if (shownBefore[k] !== undefined) lines.push(`- \t${field}: ${JSON.stringify(shownBefore[k])},`);
    if (shownAfter[k] !== undefined) lines.push(`+ \t${field}: ${JSON.stringify(shownAfter[k])},`);
  }
  lines.push('  }');
  return lines.join('\n');
}

/** the name checks: which rule, and CronJob's and Job's length limits */
function nameCauses(type: ResourceType, name: string): StatusCause[] {
  if (!name)
    return [
      {
        reason: 'FieldValueRequired',
        message: 'Required value: name or generateName is required',
        field: 'metadata.name',
      },
    ];
  const rule = (!type.custom && NAME_RULES[type.resource]) || dns1123SubdomainErrors;
  const out = rule(name).map((w) => invalid('metadata.name', name, w));
  // ValidateCronJob: the Jobs it makes append 11 characters and must stay DNS-1035 labels
  if (!type.custom && type.resource === 'cronjobs' && out.length === 0 && name.length > 52)
    out.push(invalid('metadata.name', name, 'must be no more than 52 characters'));
  return out;
}

/**
 * Validate a create (old undefined) or an update. `old` enables the update rules (immutable fields), which only
 * requests from the API's clients get: the sandbox's own controllers stand in for server-side strategies
 * (a Job's selector, a claim's binding) and write what a client may not.
 */
export function validate(type: ResourceType, obj: KubeObject, old?: KubeObject, ctx: ValidationContext = {}): void {
  const name = obj.metadata.name ?? '';
  const causes: StatusCause[] = [...nameCauses(type, name), ...metadataRules(obj)];
  causes.push(...(RULES[type.resource]?.(obj) ?? []));
  if (!type.custom && type.resource === 'services' && causes.length === 0) causes.push(...servicePortRules(obj, ctx));
  if (old && !type.custom) causes.push(...(UPDATE_RULES[type.resource]?.(obj, old) ?? []));
  if (causes.length > 0) throw errors.invalid(type.kind, type.group, name, causes);
}
