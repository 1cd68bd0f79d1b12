import {errors} from './status';
import type {KubeObject, ResourceType} from './types';

/**
 * Field selectors, the subset the API server supports: metadata.name/namespace everywhere plus per-kind fields
 * (pods: spec.nodeName, status.phase, …; events: involvedObject.*; secrets: type). Unsupported fields are a 400,
 * as on a real server, so a typo is not silently ignored.
 */
const COMMON = ['metadata.name', 'metadata.namespace'];
const PER_KIND: Record<string, string[]> = {
  pods: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  events: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  secrets: ['type'],
  nodes: ['spec.unschedulable'],
  namespaces: ['status.phase'],
  replicasets: ['status.replicas'],
  jobs: ['status.successful'],
  certificatesigningrequests: ['spec.signerName'],
};

interface FieldRequirement {
  path: string;
  negate: boolean;
  value: string;
}

export type FieldMatcher = (obj: KubeObject) => boolean;

function valueAt(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[seg];
  }
  // events.source is a struct but selects on its component; booleans compare as "true"/"false"
  if (path === 'source' && cur && typeof cur === 'object') return String((cur as {component?: string}).component ?? '');
  return cur === undefined || cur === null ? '' : String(cur);
}

export function fieldMatcher(type: ResourceType, selector: string | undefined): FieldMatcher {
  if (!selector) return () => true;
  const allowed = [...COMMON, ...(PER_KIND[type.resource] ?? [])];
  const reqs: FieldRequirement[] = [];
  for (const part of selector
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw errors.badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    const path = m[1]!;
    if (!type.custom && !allowed.includes(path)) {
      throw errors.badRequest(`field label not supported: ${path}`);
    }
    if (type.custom && !COMMON.includes(path)) throw errors.badRequest(`field label not supported: ${path}`);
    reqs.push({path, negate: m[2] === '!=', value: m[3]!});
  }
  return (obj) => reqs.every((r) => (valueAt(obj, r.path) === r.value) !== r.negate);
}
