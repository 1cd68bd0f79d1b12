import type {KubeObject, OwnerReference} from '../api';

/** The controller reference a controller puts on what it creates (blockOwnerDeletion: foreground deletes wait). */
export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: String(owner.metadata.name),
    uid: String(owner.metadata.uid),
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function controllerOf(o: KubeObject): OwnerReference | undefined {
  return (o.metadata.ownerReferences ?? []).find((r) => r.controller);
}

/** sample-controller's rule: only touch children whose controller reference is this owner */
export function isControlledBy(o: KubeObject, owner: KubeObject): boolean {
  return controllerOf(o)?.uid === owner.metadata.uid;
}

/** the key of the owner of kind `kind` controlling o, for mapping child events to the owner's queue */
export function ownerKey(o: KubeObject, kind: string): string[] {
  const ref = controllerOf(o);
  return ref && ref.kind === kind && o.metadata.namespace ? [`${o.metadata.namespace}/${ref.name}`] : [];
}
