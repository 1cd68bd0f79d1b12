import {errors} from './status';

/**
 * What a URL path (after the sandbox prefix) addresses, the way the API server's RequestInfoFactory reads it.
 * Kinds of path: /version, discovery documents, openapi, and resource URLs
 * /api/v1[/namespaces/{ns}]/{resource}[/{name}[/{subresource}]] and the same under /apis/{group}/{version}.
 */
export type RequestTarget =
  | {kind: 'version'}
  | {kind: 'health'; endpoint: 'healthz' | 'livez' | 'readyz'; check?: string}
  | {kind: 'metrics'}
  | {kind: 'api'}
  | {kind: 'apis'}
  | {kind: 'group'; group: string}
  | {kind: 'resourceList'; group: string; version: string}
  | {kind: 'openapi'; path: string}
  | {
      kind: 'resource';
      group: string;
      version: string;
      namespace?: string;
      resource: string;
      name?: string;
      subresource?: string;
    };

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** a path segment with its %-escapes decoded; a broken escape is the client's error (Go's net/url wording) */
function unescapeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    const bad = /%(?![0-9a-fA-F]{2})..?|%$/.exec(segment)?.[0] ?? segment;
    throw errors.badRequest(`invalid URL escape "${bad}"`);
  }
}

export function parseTarget(path: string): RequestTarget {
  const parts = path.split('/').filter(Boolean).map(unescapeSegment);
  const [head, ...rest] = parts;
  if (head === 'version' && rest.length === 0) return {kind: 'version'};
  if (head === 'healthz' || head === 'livez' || head === 'readyz')
    return {kind: 'health', endpoint: head, check: rest.length > 0 ? rest.join('/') : undefined};
  if (head === 'metrics' && rest.length === 0) return {kind: 'metrics'};
  if (head === 'openapi') return {kind: 'openapi', path: parts.join('/')};
  let group: string;
  let version: string | undefined;
  let tail: string[];
  if (head === 'api') {
    if (rest.length === 0) return {kind: 'api'};
    group = '';
    version = rest[0]!;
    tail = rest.slice(1);
  } else if (head === 'apis') {
    if (rest.length === 0) return {kind: 'apis'};
    if (rest.length === 1) return {kind: 'group', group: rest[0]!};
    group = rest[0]!;
    version = rest[1]!;
    tail = rest.slice(2);
  } else throw errors.pathNotFound();
  if (tail.length === 0) return {kind: 'resourceList', group, version};
  let namespace: string | undefined;
  // "/namespaces/x" is the namespace itself; "/namespaces/x/pods" is a resource inside it
  if (tail[0] === 'namespaces' && tail.length >= 3 && !NAMESPACE_SUBRESOURCES.has(tail[2]!)) {
    namespace = tail[1];
    tail = tail.slice(2);
  }
  if (tail.length > 3) throw errors.pathNotFound();
  return {kind: 'resource', group, version, namespace, resource: tail[0]!, name: tail[1], subresource: tail[2]};
}
