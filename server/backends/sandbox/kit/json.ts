/**
 * JSON as the API server stores it, for the few places that read a body no Kubernetes type describes (CRD
 * instances, a field of a version the kubernetes-types package does not carry). Read it with the guards below
 * rather than casting: a stored body is whatever a client wrote.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue | undefined;
}

export const isJsonObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `v` when it is an object, else an empty one: reading `spec.x` of an absent spec gives undefined, as in Go */
export const objectOf = (v: unknown): JsonObject => (isJsonObject(v) ? v : {});

/** the objects of `v` when it is an array (other entries skipped), else none */
export const objectsOf = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isJsonObject) : []);
