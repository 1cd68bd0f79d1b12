import type {StatefulSet, StatefulSetStatus} from 'kubernetes-types/apps/v1';
import type {PodTemplateSpec} from 'kubernetes-types/core/v1';
import type {KubeObject, Typed} from '../../api';
import type {ControllerContext, ControllerDef} from '../controller';
import {isControlledBy, ownerKey} from '../owners';
import {isActive, isReady} from '../pod-state';
import {podFromTemplate, templateHash} from '../pod-template';
import {writeStatus} from '../status';
import {splitKey} from '../../kit/keys';

const SOURCE = {component: 'statefulset-controller'};
const REVISION = 'controller-revision-hash';

/**
 * StatefulSet → pods <name>-0..N-1 with stable names. OrderedReady creates ordinal i only once 0..i-1 are Ready and
 * removes from the highest ordinal down; Parallel does both at once. A template change replaces pods from the
 * highest ordinal down, one at a time, and status carries the current/update revisions `rollout status` compares.
 */
export function statefulSetController(ctx: ControllerContext): ControllerDef {
  const {store, kinds, events} = ctx;
  return {
    name: 'statefulset-controller',
    primary: kinds.statefulsets,
    secondary: [{type: kinds.pods, keys: (p) => ownerKey(p, 'StatefulSet')}],
    reconcile(key) {
      const {namespace, name} = splitKey(key);
      const sts = store.get(kinds.statefulsets, namespace, name);
      if (!sts || sts.metadata.deletionTimestamp) return;
      const s = sts as Typed<StatefulSet>;
      const want = Number(s.spec?.replicas ?? 1);
      const parallel = s.spec?.podManagementPolicy === 'Parallel';
      const updateRevision = `${name}-${templateHash(s.spec?.template)}`;
      const ordinalOf = (p: KubeObject) => Number(/-(\d+)$/.exec(p.metadata.name!)?.[1] ?? -1);
      const owned = store.list(kinds.pods, {namespace}).items.filter((p) => isControlledBy(p, sts));
      const byOrdinal = new Map(owned.map((p) => [ordinalOf(p), p]));

      let acted = false;
      // scale down, highest first (one at a time unless Parallel)
      const surplus = [...byOrdinal.entries()].filter(([i, p]) => i >= want && isActive(p)).sort(([a], [b]) => b - a);
      for (const [, p] of parallel ? surplus : surplus.slice(0, 1)) {
        store.delete(kinds.pods, namespace, p.metadata.name!);
        events.normal(
          sts,
          'SuccessfulDelete',
          `delete Pod ${p.metadata.name} in StatefulSet ${name} successful`,
          SOURCE,
        );
        acted = true;
      }
      // create missing ordinals in order
      for (let i = 0; i < want && !acted; i++) {
        const p = byOrdinal.get(i);
        if (p) {
          if (!parallel && (!isReady(p) || !isActive(p))) break;
          continue;
        }
        const podName = `${name}-${i}`;
        // each ordinal keeps its own claims (<template>-<set>-<ordinal>); they outlive the pod and the set
        const claims = s.spec?.volumeClaimTemplates ?? [];
        for (const t of claims) {
          const claimName = `${t.metadata?.name}-${podName}`;
          if (!store.get(kinds.persistentvolumeclaims, namespace, claimName)) {
            store.create(kinds.persistentvolumeclaims, {
              apiVersion: 'v1',
              kind: 'PersistentVolumeClaim',
              metadata: {
                name: claimName,
                namespace,
                labels: {...(s.spec?.selector?.matchLabels ?? {}), ...(t.metadata?.labels ?? {})},
              },
              spec: {volumeMode: 'Filesystem', ...t.spec},
            });
            events.normal(
              sts,
              'SuccessfulCreate',
              `create Claim ${claimName} Pod ${podName} in StatefulSet ${name} success`,
              SOURCE,
            );
          }
        }
        const template: PodTemplateSpec | undefined = claims.length
          ? {
              ...s.spec?.template,
              spec: {
                ...s.spec!.template.spec!,
                volumes: [
                  ...(s.spec?.template.spec?.volumes ?? []),
                  ...claims.map((t) => ({
                    // the API server requires a claim template's name (apps validation); absent, JSON drops it
                    name: t.metadata?.name as string,
                    persistentVolumeClaim: {claimName: `${t.metadata?.name}-${podName}`},
                  })),
                ],
              },
            }
          : s.spec?.template;
        store.create(
          kinds.pods,
          podFromTemplate(sts, template, {
            name: podName,
            labels: {
              [REVISION]: updateRevision,
              'statefulset.kubernetes.io/pod-name': podName,
              'apps.kubernetes.io/pod-index': String(i),
            },
            spec: {hostname: podName, ...(s.spec?.serviceName ? {subdomain: s.spec.serviceName} : {})},
          }),
        );
        events.normal(sts, 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${name} successful`, SOURCE);
        if (!parallel) acted = true;
      }
      // rolling update from the highest ordinal, when everything is Ready
      const pods = store.list(kinds.pods, {namespace}).items.filter((p) => isControlledBy(p, sts) && isActive(p));
      if (!acted && pods.length === want && pods.every(isReady)) {
        const stale = pods
          .filter((p) => p.metadata.labels?.[REVISION] !== updateRevision)
          .sort((a, b) => ordinalOf(b) - ordinalOf(a))[0];
        if (stale) {
          store.delete(kinds.pods, namespace, stale.metadata.name!);
          events.normal(
            sts,
            'SuccessfulDelete',
            `delete Pod ${stale.metadata.name} in StatefulSet ${name} successful`,
            SOURCE,
          );
        }
      }
      const ready = pods.filter(isReady).length;
      const updated = pods.filter((p) => p.metadata.labels?.[REVISION] === updateRevision).length;
      const prevCurrent = s.status?.currentRevision;
      const status: StatefulSetStatus = {
        ...(s.status ?? {}),
        observedGeneration: sts.metadata.generation,
        replicas: pods.length,
        readyReplicas: ready,
        availableReplicas: ready,
        currentReplicas: updated === want ? updated : pods.length - updated,
        updatedReplicas: updated,
        currentRevision: updated === want && ready === want ? updateRevision : (prevCurrent ?? updateRevision),
        updateRevision,
        collisionCount: 0,
      };
      for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas'] as const)
        if (!status[k]) delete status[k];
      writeStatus(store, kinds.statefulsets, sts, status);
    },
  };
}
