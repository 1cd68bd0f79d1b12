import type {PersistentVolume, PersistentVolumeClaim, Pod, PodSpec} from 'kubernetes-types/core/v1';
import type {StorageClass} from 'kubernetes-types/storage/v1';
import type {Typed} from '../../api';
import type {ControllerContext, ControllerDef} from '../controller';
import {nodeNameOf} from '../pod-state';
import {writeStatus} from '../status';
import {splitKey} from '../../kit/keys';

const PROVISIONER = 'rancher.io/local-path';
const DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
const SELECTED_NODE = 'volume.kubernetes.io/selected-node';
const SOURCE = {component: 'persistentvolume-controller'};
const PROVISIONER_SOURCE = {component: `${PROVISIONER}_local-path-provisioner`};

/** claims a pod mounts */
export const claimsOf = (pod: {spec?: PodSpec}): string[] =>
  (pod.spec?.volumes ?? []).flatMap((v) => v.persistentVolumeClaim?.claimName ?? []);

/**
 * k3s's local-path-provisioner with the PV controller's binding: a claim of the local-path class (the default)
 * waits for its first consumer (WaitForFirstConsumer), then gets a hostPath PV `pvc-<claim uid>` pinned to the
 * consumer's node, and both are Bound. Deleting the claim deletes the volume (reclaimPolicy Delete).
 */
export function localPathController(ctx: ControllerContext): ControllerDef {
  const {store, kinds, events} = ctx;
  const defaultClass = () =>
    store.list(kinds.storageclasses).items.find((c) => c.metadata.annotations?.[DEFAULT_CLASS] === 'true')?.metadata
      .name;
  return {
    name: 'local-path-provisioner',
    primary: kinds.persistentvolumeclaims,
    secondary: [
      {
        type: kinds.pods,
        keys: (p) => (nodeNameOf(p) ? claimsOf(p as Typed<Pod>).map((c) => `${p.metadata.namespace}/${c}`) : []),
      },
    ],
    reconcile(key) {
      const {namespace, name} = splitKey(key);
      const pvc = store.get(kinds.persistentvolumeclaims, namespace, name);
      if (!pvc) {
        // reclaimPolicy Delete: the provisioner removes the volume it made for a claim that is gone
        for (const pv of store.list(kinds.persistentvolumes).items) {
          const ref = (pv as Typed<PersistentVolume>).spec?.claimRef;
          if (
            ref?.namespace === namespace &&
            ref?.name === name &&
            (pv as Typed<PersistentVolume>).spec?.persistentVolumeReclaimPolicy === 'Delete'
          )
            store.delete(kinds.persistentvolumes, undefined, pv.metadata.name!);
        }
        return;
      }
      let c = pvc as Typed<PersistentVolumeClaim>;
      if (c.status?.phase === 'Bound' || pvc.metadata.deletionTimestamp) return;
      const cls = c.spec?.storageClassName ?? defaultClass();
      const sc = cls ? (store.get(kinds.storageclasses, undefined, cls) as Typed<StorageClass> | undefined) : undefined;
      if (!sc || sc.provisioner !== PROVISIONER) return; // someone else's class: not ours to bind
      const consumer = store
        .list(kinds.pods, {namespace})
        .items.find((p) => nodeNameOf(p) && claimsOf(p as Typed<Pod>).includes(name));
      if (!consumer) {
        events.normal(pvc, 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding', SOURCE);
        writeStatus(store, kinds.persistentvolumeclaims, pvc, {phase: 'Pending'});
        return;
      }
      const node = nodeNameOf(consumer)!;
      const pvName = `pvc-${pvc.metadata.uid}`;
      events.normal(
        pvc,
        'ExternalProvisioning',
        `Waiting for a volume to be created either by the external provisioner '${PROVISIONER}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
        SOURCE,
      );
      events.normal(
        pvc,
        'Provisioning',
        `External provisioner is provisioning volume for claim "${namespace}/${name}"`,
        PROVISIONER_SOURCE,
      );
      const size = c.spec?.resources?.requests?.storage ?? '1Gi';
      if (!store.get(kinds.persistentvolumes, undefined, pvName))
        store.create(kinds.persistentvolumes, {
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          // no protection finalizers: nothing here would clear them, and `kubectl delete pvc` must not hang
          metadata: {
            name: pvName,
            annotations: {'local.path.provisioner/selected-node': node, 'pv.kubernetes.io/provisioned-by': PROVISIONER},
          },
          spec: {
            accessModes: c.spec?.accessModes ?? ['ReadWriteOnce'],
            capacity: {storage: size},
            claimRef: {
              apiVersion: 'v1',
              kind: 'PersistentVolumeClaim',
              name,
              namespace,
              resourceVersion: pvc.metadata.resourceVersion,
              uid: pvc.metadata.uid,
            },
            hostPath: {path: `/var/lib/rancher/k3s/storage/${pvName}_${namespace}_${name}`, type: 'DirectoryOrCreate'},
            nodeAffinity: {
              required: {
                nodeSelectorTerms: [
                  {matchExpressions: [{key: 'kubernetes.io/hostname', operator: 'In', values: [node]}]},
                ],
              },
            },
            persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
            storageClassName: cls,
            volumeMode: c.spec?.volumeMode ?? 'Filesystem',
          },
          status: {phase: 'Bound'},
        } satisfies Typed<PersistentVolume>);
      const pv = store.get(kinds.persistentvolumes, undefined, pvName)!;
      writeStatus(store, kinds.persistentvolumes, pv, {phase: 'Bound'});
      const annotations = {
        ...(pvc.metadata.annotations ?? {}),
        'pv.kubernetes.io/bind-completed': 'yes',
        'pv.kubernetes.io/bound-by-controller': 'yes',
        'volume.beta.kubernetes.io/storage-provisioner': PROVISIONER,
        'volume.kubernetes.io/storage-provisioner': PROVISIONER,
        [SELECTED_NODE]: node,
      };
      const bound = store.update(kinds.persistentvolumeclaims, {
        ...pvc,
        metadata: {...pvc.metadata, annotations},
        spec: {...c.spec, storageClassName: cls, volumeName: pvName},
      });
      c = bound as Typed<PersistentVolumeClaim>;
      writeStatus(store, kinds.persistentvolumeclaims, bound, {
        phase: 'Bound',
        accessModes: c.spec?.accessModes ?? ['ReadWriteOnce'],
        capacity: {storage: size},
      });
      events.normal(bound, 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`, PROVISIONER_SOURCE);
    },
  };
}
