import type {Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet} from 'kubernetes-types/apps/v1';
import type {PodTemplateSpec} from 'kubernetes-types/core/v1';
import type {KubeObject, Typed} from '../../api';
import type {ControllerContext, ControllerDef} from '../controller';
import {clone, stableJson} from '../json';
import {controllerOf, controllerRef, isControlledBy, ownerKey} from '../owners';
import {isFinished} from '../pod-state';
import {templateHash} from '../pod-template';
import {nowStamp, setCondition, writeStatus} from '../status';
import {splitKey} from '../../kit/keys';

const SOURCE = {component: 'deployment-controller'};
const REVISION = 'deployment.kubernetes.io/revision';
const HASH = 'pod-template-hash';

const replicaSet = (rs: KubeObject) => rs as Typed<ReplicaSet>;
const deployment = (d: KubeObject) => d as Typed<Deployment>;
const replicasOf = (rs: KubeObject): number => Number(replicaSet(rs).spec?.replicas ?? 0);
const statusOf = (rs: KubeObject, f: 'replicas' | 'readyReplicas' | 'availableReplicas'): number =>
  Number(replicaSet(rs).status?.[f] ?? 0);
const revisionOf = (rs: KubeObject): number => Number(rs.metadata.annotations?.[REVISION] ?? 0);
const sum = (rss: KubeObject[], f: (rs: KubeObject) => number) => rss.reduce((a, rs) => a + f(rs), 0);

/** intstr percentages as the deployment controller resolves them: surge rounds up, unavailable rounds down */
function resolve(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(String(v ?? ''));
  if (!m) return Number(v ?? 0) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** the template without the hash label: how describe and the controller tell whether an RS is "the new one" */
const templateWithoutHash = (t: PodTemplateSpec | undefined) => {
  const c = clone(t ?? {});
  if (c.metadata?.labels) delete c.metadata.labels[HASH];
  return stableJson(c);
};

/**
 * Deployment → ReplicaSets: one ReplicaSet per pod template (named <deployment>-<pod-template-hash>, with the
 * revision annotation), rolled with RollingUpdate's maxSurge/maxUnavailable or Recreate, scaled by `kubectl scale`,
 * rolled again by `kubectl rollout restart` (a template annotation change), and the status `rollout status` waits
 * on (observedGeneration, updated/ready/available replicas, Available and Progressing conditions).
 * One step per reconcile, like the real one: the ReplicaSets' status changes bring the next step.
 */
export function deploymentController(ctx: ControllerContext): ControllerDef {
  const {store, kinds, clock, events} = ctx;

  const scale = (d: KubeObject, rs: KubeObject, to: number, maxSurge: number): KubeObject => {
    const from = replicasOf(rs);
    const want = Number(deployment(d).spec?.replicas ?? 1);
    const annotations = {
      ...(rs.metadata.annotations ?? {}),
      'deployment.kubernetes.io/desired-replicas': String(want),
      'deployment.kubernetes.io/max-replicas': String(want + maxSurge),
    };
    if (from === to && stableJson(annotations) === stableJson(rs.metadata.annotations ?? {})) return rs;
    const next = store.update(kinds.replicasets, {
      ...rs,
      metadata: {...rs.metadata, annotations},
      spec: {...replicaSet(rs).spec, replicas: to},
    });
    if (from !== to)
      events.normal(
        d,
        'ScalingReplicaSet',
        `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${to}`,
        SOURCE,
      );
    return next;
  };

  return {
    name: 'deployment-controller',
    primary: kinds.deployments,
    secondary: [
      {type: kinds.replicasets, keys: (rs) => ownerKey(rs, 'Deployment')},
      {
        // Recreate waits until the old pods are really gone, which no ReplicaSet status change announces
        type: kinds.pods,
        keys: (p, e) => {
          if (e.type !== 'DELETED') return [];
          const [rsKey] = ownerKey(p, 'ReplicaSet');
          const rs = rsKey && store.get(kinds.replicasets, p.metadata.namespace, rsKey.slice(rsKey.indexOf('/') + 1));
          return rs ? ownerKey(rs, 'Deployment') : [];
        },
      },
    ],
    reconcile(key) {
      const {namespace, name} = splitKey(key);
      const d = store.get(kinds.deployments, namespace, name);
      if (!d || d.metadata.deletionTimestamp) return;
      const dep = deployment(d);
      const want = Number(dep.spec?.replicas ?? 1);
      const strategy = dep.spec?.strategy ?? {type: 'RollingUpdate'};
      const maxSurge =
        strategy.type === 'Recreate' ? 0 : resolve(strategy.rollingUpdate?.maxSurge ?? '25%', want, true);
      let maxUnavailable =
        strategy.type === 'Recreate' ? 0 : resolve(strategy.rollingUpdate?.maxUnavailable ?? '25%', want, false);
      if (strategy.type !== 'Recreate' && maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;

      let all = store.list(kinds.replicasets, {namespace}).items.filter((rs) => isControlledBy(rs, d));
      const wanted = templateWithoutHash(dep.spec?.template);
      let newRS = all.find((rs) => templateWithoutHash(replicaSet(rs).spec?.template) === wanted);
      const olds = () =>
        all.filter((rs) => rs.metadata.uid !== newRS?.metadata.uid).sort((a, b) => revisionOf(a) - revisionOf(b));
      const maxOldRevision = Math.max(0, ...olds().map(revisionOf));

      if (!newRS) {
        const hash = templateHash(dep.spec?.template, dep.status?.collisionCount);
        const template = clone(dep.spec?.template ?? {});
        template.metadata = {
          ...(template.metadata ?? {}),
          labels: {...(template.metadata?.labels ?? {}), [HASH]: hash},
        };
        const oldActive = sum(olds(), replicasOf);
        const initial =
          strategy.type === 'Recreate'
            ? oldActive
              ? 0
              : want
            : oldActive === 0
              ? want
              : Math.max(0, Math.min(want, want + maxSurge - oldActive));
        newRS = store.create(kinds.replicasets, {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name: `${name}-${hash}`,
            namespace,
            labels: {...template.metadata.labels},
            annotations: {
              'deployment.kubernetes.io/desired-replicas': String(want),
              'deployment.kubernetes.io/max-replicas': String(want + maxSurge),
              [REVISION]: String(maxOldRevision + 1),
            },
            ownerReferences: [controllerRef(d)],
          },
          spec: {
            replicas: initial,
            minReadySeconds: dep.spec?.minReadySeconds,
            selector: {
              ...clone(dep.spec?.selector),
              matchLabels: {...(dep.spec?.selector?.matchLabels ?? {}), [HASH]: hash},
            },
            template,
          },
        });
        all = [...all, newRS];
        if (initial > 0)
          events.normal(
            d,
            'ScalingReplicaSet',
            `Scaled up replica set ${newRS.metadata.name} from 0 to ${initial}`,
            SOURCE,
          );
        progressing(d, newRS, 'ReplicaSetUpdated', `ReplicaSet "${newRS.metadata.name}" is progressing.`);
        return;
      }
      if (revisionOf(newRS) <= maxOldRevision) {
        // a rollback (or a template changed back): the old ReplicaSet becomes the newest revision again
        newRS = store.update(kinds.replicasets, {
          ...newRS,
          metadata: {
            ...newRS.metadata,
            annotations: {...(newRS.metadata.annotations ?? {}), [REVISION]: String(maxOldRevision + 1)},
          },
        });
        all = all.map((rs) => (rs.metadata.uid === newRS!.metadata.uid ? newRS! : rs));
      }

      if (!dep.spec?.paused) {
        const oldRSs = olds();
        if (sum(oldRSs, replicasOf) === 0 || strategy.type === 'Recreate') {
          if (strategy.type === 'Recreate' && sum(oldRSs, replicasOf) > 0) {
            for (const rs of oldRSs) scale(d, rs, 0, maxSurge);
            return;
          }
          const oldUids = new Set(oldRSs.map((rs) => rs.metadata.uid));
          const oldPodsRunning = () =>
            store.list(kinds.pods, {namespace}).items.some((p) => oldUids.has(controllerOf(p)?.uid) && !isFinished(p));
          if (strategy.type === 'Recreate' && oldRSs.length && oldPodsRunning())
            return syncStatus(d, newRS, all, maxUnavailable);
          newRS = scale(d, newRS, want, maxSurge);
        } else {
          // scale up the new ReplicaSet within maxSurge
          const total = sum(all, replicasOf);
          const up = Math.min(want + maxSurge - total, want - replicasOf(newRS));
          if (up > 0) {
            scale(d, newRS, replicasOf(newRS) + up, maxSurge);
            return;
          }
          // then scale old ones down while keeping minAvailable (unhealthy old replicas go first)
          const minAvailable = want - maxUnavailable;
          const newUnavailable = replicasOf(newRS) - statusOf(newRS, 'availableReplicas');
          let budget = sum(all, replicasOf) - minAvailable - newUnavailable;
          let changed = false;
          for (const rs of oldRSs) {
            if (budget <= 0) break;
            const unhealthy = replicasOf(rs) - statusOf(rs, 'availableReplicas');
            const cut = Math.min(budget, Math.max(0, unhealthy));
            if (cut > 0) {
              scale(d, rs, replicasOf(rs) - cut, maxSurge);
              budget -= cut;
              changed = true;
            }
          }
          if (!changed) {
            const available = sum(all, (rs) => statusOf(rs, 'availableReplicas'));
            let total2 = available - minAvailable;
            for (const rs of oldRSs) {
              if (total2 <= 0) break;
              const cut = Math.min(replicasOf(rs), total2);
              if (cut > 0) {
                scale(d, rs, replicasOf(rs) - cut, maxSurge);
                total2 -= cut;
                changed = true;
              }
            }
          }
          if (changed) return;
        }
        cleanupHistory(d, olds());
      }
      all = store.list(kinds.replicasets, {namespace}).items.filter((rs) => isControlledBy(rs, d));
      syncStatus(
        d,
        all.find((rs) => rs.metadata.uid === newRS!.metadata.uid),
        all,
        maxUnavailable,
      );
    },
  };

  function progressing(d: KubeObject, rs: KubeObject, reason: string, message: string): void {
    const fresh = store.get(kinds.deployments, d.metadata.namespace, d.metadata.name!);
    if (!fresh) return;
    const status: DeploymentStatus = {...(deployment(fresh).status ?? {})};
    status.conditions = orderConditions(
      setCondition(
        status.conditions,
        {type: 'Progressing', status: 'True', reason, message},
        nowStamp(clock),
        'deployment',
      ),
    );
    writeStatus(store, kinds.deployments, fresh, status);
  }

  function syncStatus(d0: KubeObject, newRS: KubeObject | undefined, all: KubeObject[], maxUnavailable: number): void {
    // the Deployment carries its newest ReplicaSet's revision (what `rollout history` and `describe` read)
    const rev = newRS?.metadata.annotations?.[REVISION];
    const d =
      rev && d0.metadata.annotations?.[REVISION] !== rev
        ? store.update(kinds.deployments, {
            ...d0,
            metadata: {...d0.metadata, annotations: {...(d0.metadata.annotations ?? {}), [REVISION]: rev}},
          })
        : d0;
    const dep = deployment(d);
    const want = Number(dep.spec?.replicas ?? 1);
    const available = sum(all, (rs) => statusOf(rs, 'availableReplicas'));
    const status: DeploymentStatus = {
      ...(dep.status ?? {}),
      observedGeneration: d.metadata.generation,
      replicas: sum(all, (rs) => statusOf(rs, 'replicas')),
      updatedReplicas: newRS ? statusOf(newRS, 'replicas') : 0,
      readyReplicas: sum(all, (rs) => statusOf(rs, 'readyReplicas')),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, sum(all, replicasOf) - available),
    };
    for (const k of [
      'replicas',
      'updatedReplicas',
      'readyReplicas',
      'availableReplicas',
      'unavailableReplicas',
    ] as const)
      if (!status[k]) delete status[k];
    const now = nowStamp(clock);
    let conditions: DeploymentCondition[] = status.conditions ?? [];
    conditions =
      available >= want - maxUnavailable
        ? setCondition(
            conditions,
            {
              type: 'Available',
              status: 'True',
              reason: 'MinimumReplicasAvailable',
              message: 'Deployment has minimum availability.',
            },
            now,
            'deployment',
          )
        : setCondition(
            conditions,
            {
              type: 'Available',
              status: 'False',
              reason: 'MinimumReplicasUnavailable',
              message: 'Deployment does not have minimum availability.',
            },
            now,
            'deployment',
          );
    const complete =
      newRS &&
      statusOf(newRS, 'replicas') === want &&
      replicasOf(newRS) === want &&
      status.replicas === want &&
      available === want;
    if (newRS && complete)
      conditions = setCondition(
        conditions,
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${newRS.metadata.name}" has successfully progressed.`,
        },
        now,
        'deployment',
      );
    else if (newRS && !conditions.some((c) => c.type === 'Progressing'))
      conditions = setCondition(
        conditions,
        {
          type: 'Progressing',
          status: 'True',
          reason: 'ReplicaSetUpdated',
          message: `ReplicaSet "${newRS.metadata.name}" is progressing.`,
        },
        now,
        'deployment',
      );
    else if (newRS) {
      const prev = conditions.find((c) => c.type === 'Progressing')!;
      if (
        prev.reason === 'NewReplicaSetAvailable' &&
        prev.message !== `ReplicaSet "${newRS.metadata.name}" has successfully progressed.`
      )
        conditions = setCondition(
          conditions,
          {
            type: 'Progressing',
            status: 'True',
            reason: 'ReplicaSetUpdated',
            message: `ReplicaSet "${newRS.metadata.name}" is progressing.`,
          },
          now,
          'deployment',
        );
    }
    status.conditions = orderConditions(conditions);
    writeStatus(store, kinds.deployments, d, status);
  }

  /** keep revisionHistoryLimit scaled-down old ReplicaSets, delete the oldest beyond that */
  function cleanupHistory(d: KubeObject, olds: KubeObject[]): void {
    const limit = Number(deployment(d).spec?.revisionHistoryLimit ?? 10);
    const idle = olds.filter(
      (rs) => replicasOf(rs) === 0 && statusOf(rs, 'replicas') === 0 && !rs.metadata.deletionTimestamp,
    );
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit)))
      store.delete(kinds.replicasets, rs.metadata.namespace, rs.metadata.name!);
  }
}

/** Available first, then Progressing, as the deployment controller leaves them */
function orderConditions(list: DeploymentCondition[]): DeploymentCondition[] {
  const order = ['Available', 'Progressing', 'ReplicaFailure'];
  return [...list].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}
