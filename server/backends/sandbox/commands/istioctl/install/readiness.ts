/**
 * istioctl's wait for a component (operator/pkg/install/wait.go): Deployments available with their replicas updated,
 * DaemonSets with every desired pod ready. Polls the store, bounded; reports what it still waits for, as the
 * progress line does ("Waiting for Deployment/istio-system/istiod").
 */
import type {ObjectStore} from '../../../api/store';
import type {KubeObject} from '../../../api/types';

type Status = Record<string, number | undefined>;

export function isReady(o: KubeObject): boolean {
  const spec = (o.spec ?? {}) as {replicas?: number};
  const st = (o.status ?? {}) as Status;
  if (o.kind === 'Deployment') {
    const want = spec.replicas ?? 1;
    return (st.readyReplicas ?? 0) >= want && (st.updatedReplicas ?? 0) >= want;
  }
  if (o.kind === 'DaemonSet') {
    const desired = st.desiredNumberScheduled ?? 0;
    return desired > 0 && (st.numberReady ?? 0) >= desired;
  }
  return true;
}

/** "Deployment/istio-system/istiod" for each workload among `objects` not ready yet */
export function waitingFor(store: ObjectStore, objects: KubeObject[]): string[] {
  const out: string[] = [];
  for (const o of objects) {
    if (o.kind !== 'Deployment' && o.kind !== 'DaemonSet') continue;
    const type = store.types.byKind(o.apiVersion, o.kind)!;
    const live = store.get(type, o.metadata.namespace, o.metadata.name!);
    if (!live || !isReady(live)) out.push(`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`);
  }
  return out;
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, {once: true});
  });
