import {Writer} from 'protobufjs/minimal.js';
import type {KubeObject} from '../api';
import {nameOf, nsOf} from './world';

/**
 * What an Envoy sends as `X-Envoy-Peer-Metadata`: its node metadata as a google.protobuf.Struct, base64. The fields
 * and their order are those of a real sidecar's header (Istio 1.23, sleep in foo: CLUSTER_ID, LABELS with app and the
 * canonical name and revision, NAME, NAMESPACE, OWNER, WORKLOAD_NAME).
 */
type Value = string | {[key: string]: Value};

// google.protobuf.Struct: fields = 1 (map entry: key = 1, value = 2); Value: string_value = 3, struct_value = 5
function writeStruct(w: Writer, fields: [string, Value][]): void {
  for (const [key, value] of fields) {
    w.uint32((1 << 3) | 2).fork();
    w.uint32((1 << 3) | 2).string(key);
    w.uint32((2 << 3) | 2).fork();
    if (typeof value === 'string') w.uint32((3 << 3) | 2).string(value);
    else {
      w.uint32((5 << 3) | 2).fork();
      writeStruct(w, Object.entries(value));
      w.ldelim();
    }
    w.ldelim();
    w.ldelim();
  }
}

export function encodePeerMetadata(fields: [string, Value][]): string {
  const w = Writer.create();
  writeStruct(w, fields);
  return Buffer.from(w.finish()).toString('base64');
}

/** the owning Deployment's name: the pod name without its ReplicaSet hash and pod suffix */
function workloadName(pod: KubeObject): string {
  const owner = pod.metadata.ownerReferences?.[0];
  const name = nameOf(pod);
  if (owner?.kind === 'ReplicaSet') return owner.name.replace(/-[a-z0-9]+$/, '');
  return owner?.name ?? name;
}

/** a sidecar's (or a waypoint's) metadata header for `pod` */
export function peerMetadataOf(pod: KubeObject): string {
  const labels = pod.metadata.labels ?? {};
  const workload = workloadName(pod);
  const ns = nsOf(pod);
  const picked: [string, Value][] = [];
  for (const key of ['app', 'service.istio.io/canonical-name', 'service.istio.io/canonical-revision'])
    if (labels[key] !== undefined) picked.push([key, labels[key]]);
  return encodePeerMetadata([
    ['CLUSTER_ID', 'Kubernetes'],
    ['LABELS', Object.fromEntries(picked)],
    ['NAME', nameOf(pod)],
    ['NAMESPACE', ns],
    ['OWNER', `kubernetes://apis/apps/v1/namespaces/${ns}/deployments/${workload}`],
    ['WORKLOAD_NAME', workload],
  ]);
}
