/**
 * Server-side-apply-like writes through the store: create, or replace the spec/data of what is there (istioctl
 * install run twice reconciles, it does not fail on AlreadyExists).
 */
import type {ObjectStore} from '../../../api/store';
import type {KubeObject} from '../../../api/types';
import {ApiError} from '../../../api/status';
import {CommandError} from '../command';

export function applyObject(store: ObjectStore, o: KubeObject): KubeObject {
  const type = store.types.byKind(o.apiVersion, o.kind);
  if (!type) throw new Error(`no matches for kind "${o.kind}" in version "${o.apiVersion}"`);
  const existing = store.get(type, type.namespaced ? o.metadata.namespace : undefined, o.metadata.name!);
  if (!existing) return store.create(type, o);
  const {metadata, ...body} = o;
  // keep what controllers and the API own (uid, status, annotations others added), take the manifest's fields
  const next = JSON.parse(
    JSON.stringify({
      ...existing,
      ...body,
      metadata: {...existing.metadata, labels: {...existing.metadata.labels, ...metadata.labels}},
    }),
  ) as KubeObject;
  delete next.metadata.resourceVersion;
  return store.update(type, next);
}

/**
 * operator/pkg/util/k8s.go CreateNamespace (1.29.6): a GET, a create when absent; its errors as InstallManifests
 * returns them (install wraps them in `failed to install manifests: `)
 */
export function ensureNamespace(store: ObjectStore, name: string): void {
  const type = store.types.byKind('v1', 'Namespace')!;
  let exists;
  try {
    exists = !!store.get(type, undefined, name);
  } catch (e) {
    if (e instanceof ApiError)
      throw new CommandError(`failed to install manifests: failed to check if namespace ${name} exists: ${e.message}`);
    throw e;
  }
  if (exists) return;
  try {
    store.create(type, {apiVersion: 'v1', kind: 'Namespace', metadata: {name}});
  } catch (e) {
    if (e instanceof ApiError)
      throw new CommandError(`failed to install manifests: failed to create namespace ${name}: ${e.message}`);
    throw e;
  }
}
