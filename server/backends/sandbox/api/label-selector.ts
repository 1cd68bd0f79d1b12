import {errors} from './status';

/** A parsed label selector requirement, the same operators as apimachinery's labels package. */
export interface Requirement {
  key: string;
  op: 'in' | 'notin' | 'exists' | '!exists' | '=' | '!=' | 'gt' | 'lt';
  values: string[];
}

export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

/** Split on commas that are not inside parentheses ("a in (x,y),b" → two requirements). */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x !== '');
}

export function parseLabelSelector(selector: string): Requirement[] {
  const reqs: Requirement[] = [];
  for (const part of splitTop(selector)) {
    let m: RegExpExecArray | null;
    if ((m = /^!\s*([^\s=!<>(),]+)$/.exec(part))) reqs.push({key: m[1]!, op: '!exists', values: []});
    else if ((m = /^([^\s=!<>(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part)))
      reqs.push({key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim())});
    else if ((m = /^([^\s=!<>(),]+)\s*(==|=|!=|>|<)\s*([^\s=!<>(),]*)$/.exec(part))) {
      const op = m[2] === '==' ? '=' : m[2] === '>' ? 'gt' : m[2] === '<' ? 'lt' : (m[2] as '=' | '!=');
      reqs.push({key: m[1]!, op, values: [m[3]!]});
    } else if ((m = /^([^\s=!<>(),]+)$/.exec(part))) reqs.push({key: m[1]!, op: 'exists', values: []});
    else
      throw errors.badRequest(`unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`);
  }
  return reqs;
}

export function matchesRequirements(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case '=':
      case 'in':
        return has && r.values.includes(v!);
      case '!=':
      case 'notin':
        return !has || !r.values.includes(v!);
      case 'gt':
        return has && Number(v) > Number(r.values[0]);
      case 'lt':
        return has && Number(v) < Number(r.values[0]);
    }
  });
}

export function labelMatcher(selector: string | undefined): LabelMatcher {
  if (!selector) return () => true;
  const reqs = parseLabelSelector(selector);
  return (labels) => matchesRequirements(reqs, labels);
}

/** A metav1.LabelSelector object (matchLabels + matchExpressions), as Deployments and Services carry. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: {key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[]}[];
}

export function selectorObjectMatcher(sel: LabelSelectorObject | undefined): LabelMatcher {
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) reqs.push({key: k, op: '=', values: [v]});
  for (const e of sel?.matchExpressions ?? []) {
    const op = ({In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!exists'} as const)[e.operator];
    reqs.push({key: e.key, op, values: e.values ?? []});
  }
  return (labels) => matchesRequirements(reqs, labels);
}
