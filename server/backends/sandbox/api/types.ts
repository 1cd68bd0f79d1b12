/** Shapes shared by the store, the HTTP layer and the controllers. Plain data, no behaviour. */

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [extra: string]: unknown;
}

/** Any stored Kubernetes object. Everything but metadata is free-form JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/**
 * A stored object read as its Kubernetes type from kubernetes-types (`Typed<Pod>`, `Typed<Node>` …): spec and status
 * as the API defines them, metadata as the store guarantees it. `o as Typed<Pod>` is a view of what the store
 * holds, not a check: validation happened when it was written.
 */
export type Typed<T> = Omit<T, 'apiVersion' | 'kind' | 'metadata'> & KubeObject;

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

/** A printer column in Table output; `path` is a JSONPath for CRD additionalPrinterColumns. */
export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** One REST resource (what discovery lists and the router resolves), built in or from a CRD. */
export interface ResourceType {
  group: string;
  version: string;
  /** plural, lower case: "deployments" */
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: Verb[];
  /** "status", "scale", "log", ... */
  subresources: string[];
  /** set for CRD-defined types: their printer columns (apiextensions defaults to Age) */
  printerColumns?: PrinterColumn[];
  /** true for CRD-defined types (no strategic merge patch, generic table) */
  custom?: boolean;
  /** the CRD version's openAPIV3Schema (structural), for defaulting, pruning and validation */
  schema?: unknown;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A change in the store; resourceVersion is the store's counter after the change. */
export interface StoreEvent {
  type: WatchEventType;
  resource: ResourceType;
  object: KubeObject;
  resourceVersion: number;
}

/** group/version as apiVersion spells it: "v1" for core, "apps/v1" otherwise. */
export function apiVersionOf(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** "deployments.apps" / "pods": how the API server names a resource in error messages. */
export function qualifiedResource(t: Pick<ResourceType, 'group' | 'resource'>): string {
  return t.group ? `${t.resource}.${t.group}` : t.resource;
}
