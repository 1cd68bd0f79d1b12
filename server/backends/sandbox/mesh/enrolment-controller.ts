import type {KubeObject, ObjectStore} from '../api';
import {microsTimestamp} from './access-log';
import {hasSidecar, REDIRECTION_ANNOTATION, wantsAmbient} from './dataplane';
import type {ControllerDef} from '../cluster/controller';
import {keyOf, splitKey} from '../kit/keys';
import {annotationsOf, asPod, isRunning, ISTIO_SYSTEM, labelsOf, nodeOf, nsOf} from './world';
import {getOf, listOf, typeOf} from '../api/kinds';

/** the node agents that must run on a pod's node before istio-cni can enrol it (their pod labels) */
export const NODE_AGENTS = {ztunnel: {app: 'ztunnel'}, cni: {'k8s-app': 'istio-cni-node'}} as const;

const matches = (p: KubeObject, sel: Record<string, string>) =>
  Object.entries(sel).every(([k, v]) => labelsOf(p)[k] === v);
const isReadyPod = (p: KubeObject) =>
  isRunning(p) && (asPod(p).status?.conditions ?? []).every((c) => c.type !== 'Ready' || c.status === 'True');

/** istio-cni and ztunnel both run (Ready) on the node: istio-cni sets up the redirection, ztunnel takes the netns */
export function nodeAgentsReady(istioPods: KubeObject[], node: string | undefined): boolean {
  if (!node) return false;
  const on = istioPods.filter((p) => nodeOf(p) === node && isReadyPod(p));
  return on.some((p) => matches(p, NODE_AGENTS.ztunnel)) && on.some((p) => matches(p, NODE_AGENTS.cni));
}

/**
 * Ambient enrolment: istio-cni annotates a pod `ambient.istio.io/redirection: enabled` once it has redirected the
 * pod's traffic to ztunnel, i.e. the pod (or its namespace) is labelled for ambient and the node's istio-cni and
 * ztunnel run; it removes the annotation when the label goes. Pods on a node without ztunnel stay un-enrolled
 * (their traffic is not captured) until the agents come up.
 */
export type EnrolmentListener = (pod: KubeObject, ztunnel: KubeObject | undefined, enrolled: boolean) => void;

export function enrolmentController(store: ObjectStore, onChange?: EnrolmentListener): ControllerDef {
  const podsOnNode = (node: string | undefined) =>
    listOf(store, 'pods')
      .filter((p) => nodeOf(p) === node && nsOf(p) !== ISTIO_SYSTEM)
      .map(keyOf);
  const isNodeAgent = (p: KubeObject) =>
    nsOf(p) === ISTIO_SYSTEM && (matches(p, NODE_AGENTS.ztunnel) || matches(p, NODE_AGENTS.cni));
  return {
    name: 'istio-cni-ambient-enrolment',
    primary: {group: '', resource: 'pods'},
    secondary: [
      // a node agent coming or going touches every pod on its node
      {type: {group: '', resource: 'pods'}, keys: (o) => (isNodeAgent(o) ? podsOnNode(nodeOf(o)) : [])},
      {
        type: {group: '', resource: 'namespaces'},
        keys: (o) => listOf(store, 'pods', {namespace: String(o.metadata.name)}).map(keyOf),
      },
    ],
    reconcile(key) {
      const {namespace = '', name} = splitKey(key);
      const pod = getOf(store, 'pods', namespace, name);
      if (!pod || pod.metadata.deletionTimestamp) return;
      const ns = getOf(store, 'namespaces', undefined, namespace);
      const want =
        !asPod(pod).spec?.hostNetwork &&
        wantsAmbient({
          namespace,
          namespaceLabels: labelsOf(ns),
          podLabels: labelsOf(pod),
          podAnnotations: annotationsOf(pod),
          hasSidecar: hasSidecar(pod),
        }) &&
        nodeAgentsReady(listOf(store, 'pods', {namespace: ISTIO_SYSTEM}), nodeOf(pod));
      const has = annotationsOf(pod)[REDIRECTION_ANNOTATION] === 'enabled';
      if (want === has) return;
      const annotations = {...annotationsOf(pod)};
      if (want) annotations[REDIRECTION_ANNOTATION] = 'enabled';
      else delete annotations[REDIRECTION_ANNOTATION];
      const updated = store.update(typeOf(store, 'pods')!, {...pod, metadata: {...pod.metadata, annotations}});
      const ztunnel = listOf(store, 'pods', {namespace: ISTIO_SYSTEM}).find(
        (p) => nodeOf(p) === nodeOf(pod) && matches(p, NODE_AGENTS.ztunnel),
      );
      onChange?.(updated, ztunnel, want);
    },
  };
}

/**
 * the line ztunnel logs when istio-cni hands it a pod's netns: since 1.24 the message is `pod received, starting
 * proxy` with the pod as `uid`, `name` and `namespace` fields (ztunnel src/inpod/statemanager.rs, `AddWorkload`;
 * a real 1.24 line in istio/istio#53371). Older releases wrote `pod WorkloadUid("…") received netns, starting proxy`.
 */
export function ztunnelEnrolmentLine(time: Date, pod: {uid: string; name: string; namespace: string}): string {
  const fields = `uid="${pod.uid}" name="${pod.name}" namespace="${pod.namespace}"`;
  return `${microsTimestamp(time)}\tinfo\tinpod::statemanager\tpod received, starting proxy\t${fields}`;
}
