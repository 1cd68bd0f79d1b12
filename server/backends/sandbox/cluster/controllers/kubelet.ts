import type {PersistentVolumeClaim, Pod} from 'kubernetes-types/core/v1';
import type {KubeObject, Typed} from '../../api';
import type {ControllerContext, ControllerDef} from '../controller';
import {isNodeReady, nodeNetwork} from '../nodes';
import {nodeNameOf} from '../pod-state';
import {BackOff, PERMISSIVE_ENGINE} from '../container-engine';
import {POD_STAGES, type StageContext} from '../pod-stages';
import {imageOf, restartPolicy} from '../pod-status';
import {TIMINGS} from '../timings';
import {PodsByNode} from '../pods-by-node';
import {nowStamp, writeStatus} from '../status';
import {keyOf, splitKey} from '../../kit/keys';

/**
 * Every node's kubelet in one controller: for each pod bound to a Ready node, find the pod's current stage in
 * POD_STAGES and run it once the stage's delay has passed since the pod entered it. Also the node's pod IPAM
 * (flannel host-local: sequential addresses out of the node's /24) and its image cache (what is already pulled).
 */
export function kubeletController(ctx: ControllerContext): ControllerDef {
  const {store, kinds, clock, events} = ctx;
  const engine = ctx.engine ?? PERMISSIVE_ENGINE;
  const nowMs = () => clock.now().getTime();
  // the kubelet keeps its back-offs in memory: a restarted lab (a restarted kubelet) starts them over
  const backOff = {pull: new BackOff(nowMs), restart: new BackOff(nowMs)};
  const podUids = new Map<string, string>();
  const entered = new Map<string, {uid: string; stage: string; at: number; retryAt?: number}>();
  const pulled = new Map<string, Set<string>>();
  const lastIP = new Map<string, number>();
  const onNode = new PodsByNode(store, kinds.pods);
  const podOf = (p: KubeObject) => p as Typed<Pod>;

  const allocateIP = (node: KubeObject): string => {
    const {podCIDR} = nodeNetwork(node);
    const prefix = podCIDR.replace(/\.0\/24$/, '.');
    const nodeName = node.metadata.name!;
    const used = new Set<number>();
    for (const p of onNode.on(nodeName)) {
      const ip = podOf(p).status?.podIP;
      if (ip?.startsWith(prefix) && !['Succeeded', 'Failed'].includes(podOf(p).status?.phase ?? ''))
        used.add(Number(ip.slice(prefix.length)));
    }
    // start after the highest address in use, so a restarted lab does not hand out an address twice
    let n = lastIP.get(nodeName) ?? Math.max(1, ...used);
    for (let i = 0; i < 253; i++) {
      n = n >= 254 ? 2 : n + 1;
      if (!used.has(n)) break;
    }
    lastIP.set(nodeName, n);
    return prefix + n;
  };

  return {
    name: 'kubelet',
    primary: kinds.pods,
    secondary: [
      {
        type: kinds.nodes,
        keys: (n) => (isNodeReady(n) ? onNode.on(n.metadata.name!).map(keyOf) : []),
      },
    ],
    dispose() {
      onNode.dispose();
    },
    reconcile(key) {
      const {namespace, name} = splitKey(key);
      const pod = store.get(kinds.pods, namespace, name);
      const nodeName = pod && nodeNameOf(pod);
      const node = nodeName ? store.get(kinds.nodes, undefined, nodeName) : undefined;
      if (!pod) {
        entered.delete(key);
        backOff.pull.forget(`${podUids.get(key)}_`);
        backOff.restart.forget(`${podUids.get(key)}_`);
        podUids.delete(key);
        return;
      }
      podUids.set(key, String(pod.metadata.uid));
      if (!node || !isNodeReady(node)) {
        entered.delete(key);
        return;
      }
      const p = podOf(pod);
      let cache = pulled.get(nodeName!);
      if (!cache) {
        // after a lab restart the node still has what its pods ran: seed the image cache from them
        cache = new Set<string>();
        for (const other of onNode.on(nodeName!))
          for (const st of [
            ...(podOf(other).status?.containerStatuses ?? []),
            ...(podOf(other).status?.initContainerStatuses ?? []),
          ])
            if (st.imageID)
              for (const c of [...(podOf(other).spec?.containers ?? []), ...(podOf(other).spec?.initContainers ?? [])])
                if (c.name === st.name) cache.add(imageOf(c));
        pulled.set(nodeName!, cache);
      }
      const sctx: StageContext = {
        now: nowStamp(clock),
        node: {name: nodeName!, ip: nodeNetwork(node).ip},
        allocateIP: () => allocateIP(node),
        needsPull: (image) => !cache!.has(image),
        markPulled: (image) => cache!.add(image),
        claimBound: (claim) =>
          (store.get(kinds.persistentvolumeclaims, namespace, claim) as Typed<PersistentVolumeClaim> | undefined)
            ?.status?.phase === 'Bound',
        exists: (kind, ref) => !!store.get(kind === 'configmap' ? kinds.configmaps : kinds.secrets, namespace, ref),
        event: (type, reason, message, fieldPath) =>
          type === 'Normal'
            ? events.normal(pod, reason, message, {component: 'kubelet', host: nodeName!}, fieldPath)
            : events.warning(pod, reason, message, {component: 'kubelet', host: nodeName!}, fieldPath),
        nowMs: nowMs(),
        pullError: (image) => engine.pullError(image),
        fate: (pod, c) =>
          engine.fate(c, pod) ??
          // a process the engine cannot read: a server runs on, a run-to-completion pod's task ends well
          (restartPolicy(pod) === 'Always' ? {runs: true} : {exitCode: 0, afterMs: TIMINGS.jobRun}),
        backOff,
        engine,
      };
      const stage = POD_STAGES.find((s) => s.when(p, sctx));
      if (!stage) {
        entered.delete(key);
        return;
      }
      const now = sctx.nowMs;
      let mark = entered.get(key);
      if (!mark || mark.uid !== pod.metadata.uid || mark.stage !== stage.name) {
        mark = {uid: String(pod.metadata.uid), stage: stage.name, at: now};
        entered.set(key, mark);
        stage.enter?.(p, sctx);
      }
      const wait = (stage.dueAtMs ? stage.dueAtMs(p, sctx) : mark.at + stage.delayMs(p, sctx)) - now;
      if (wait > 0) return {requeueAfterMs: wait};
      // a blocked stage is looked at again on its own retry period, not on every change the report itself makes
      if (mark.retryAt && now < mark.retryAt) return {requeueAfterMs: mark.retryAt - now};
      const blocked = stage.blocked?.(p, sctx);
      if (blocked) {
        mark.retryAt = now + blocked.retryMs;
        if (blocked.status) writeStatus(store, kinds.pods, pod, blocked.status);
        return {requeueAfterMs: blocked.retryMs};
      }
      const next = stage.apply(p, sctx);
      entered.delete(key);
      if (next === 'delete') {
        store.delete(kinds.pods, namespace, name, {gracePeriodSeconds: 0, preconditions: {uid: pod.metadata.uid}});
        return;
      }
      writeStatus(store, kinds.pods, pod, next);
    },
  };
}
