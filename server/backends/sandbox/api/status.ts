import {qualifiedResource, type ResourceType} from './types';

/**
 * Errors are answered as real Kubernetes `Status` objects, because kubectl prints
 * `Error from server (<reason>): <message>` from them and users compare that with a real cluster.
 */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): StatusObject {
    const s: StatusObject = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) s.details = this.details;
    return s;
  }
}

type Res = Pick<ResourceType, 'group' | 'resource'>;

export const errors = {
  notFound: (t: Res, name: string) =>
    new ApiError(404, 'NotFound', `${qualifiedResource(t)} "${name}" not found`, {
      name,
      group: t.group || undefined,
      kind: t.resource,
    }),
  alreadyExists: (t: Res, name: string) =>
    new ApiError(409, 'AlreadyExists', `${qualifiedResource(t)} "${name}" already exists`, {
      name,
      group: t.group || undefined,
      kind: t.resource,
    }),
  conflict: (t: Res, name: string, why: string) =>
    new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(t)} "${name}": ${why}`, {
      name,
      group: t.group || undefined,
      kind: t.resource,
    }),
  /** 422; `kind` is the Kind ("Deployment"), as the API server words it */
  invalid: (kind: string, group: string, name: string, causes: StatusCause[]) =>
    new ApiError(
      422,
      'Invalid',
      `${kind}${group ? '.' + group : ''} "${name}" is invalid: ${causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).join(', ')}`,
      {
        name,
        group: group || undefined,
        kind,
        causes: causes.map((c) => ({reason: c.reason ?? 'FieldValueInvalid', message: c.message, field: c.field})),
      },
    ),
  badRequest: (message: string) => new ApiError(400, 'BadRequest', message),
  methodNotAllowed: (verb: string, what: string) =>
    new ApiError(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${what}"`),
  unsupportedMediaType: (message: string) => new ApiError(415, 'UnsupportedMediaType', message),
  unauthorized: () => new ApiError(401, 'Unauthorized', 'Unauthorized'),
  /**
   * The generic "the server could not find the requested resource" that kubectl reports for unknown URLs. The
   * apiserver's NewGenericServerResponse always sets details (empty here), and kubectl reads them without a nil
   * check (`kubectl debug` on a missing ephemeralcontainers subresource), so they are sent as `{}`.
   */
  pathNotFound: () => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {}),
  gone: (message: string) => new ApiError(410, 'Expired', message),
  forbidden: (t: Res, name: string, why: string) =>
    new ApiError(403, 'Forbidden', `${qualifiedResource(t)} "${name}" is forbidden: ${why}`, {
      name,
      group: t.group || undefined,
      kind: t.resource,
    }),
  internal: (message: string) => new ApiError(500, 'InternalError', `Internal error occurred: ${message}`),
};
