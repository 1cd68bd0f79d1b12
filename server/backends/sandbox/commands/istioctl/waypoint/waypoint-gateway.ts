/**
 * The Gateway a waypoint is (istioctl/pkg/waypoint/waypoint.go makeGateway): class istio-waypoint, one HBONE
 * listener "mesh" on 15008, `istio.io/waypoint-for` when --for is given, `istio.io/rev` with -r; and its YAML as
 * `waypoint generate` prints it (sigs.k8s.io/yaml: keys sorted, creationTimestamp and status stripped).
 */
import type {KubeObject} from '../../../api/types';
import {CommandError} from '../command';

export const TRAFFIC_TYPES = ['all', 'none', 'service', 'workload'] as const;

/** makeGateway's errors, as its callers wrap them (`failed to create gateway: …`) */
export function makeWaypoint(name: string, namespace: string, forWhat: string, revision: string): KubeObject {
  const fail = (why: string) => new CommandError(`failed to create gateway: ${why}`);
  // an empty --name is the namespace's default waypoint; `none` is reserved (istio.io/use-waypoint=none)
  if (name === '') name = 'waypoint';
  else if (name === 'none') throw fail("invalid name provided for waypoint, 'none' is a reserved value");
  if (forWhat && !(TRAFFIC_TYPES as readonly string[]).includes(forWhat))
    throw fail(`invalid traffic type: ${forWhat}. Valid options are: [${TRAFFIC_TYPES.join(' ')}]`);
  const labels: Record<string, string> = {};
  if (revision) labels['istio.io/rev'] = revision;
  if (forWhat) labels['istio.io/waypoint-for'] = forWhat;
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: {...(Object.keys(labels).length ? {labels} : {}), name, ...(namespace ? {namespace} : {})},
    spec: {gatewayClassName: 'istio-waypoint', listeners: [{name: 'mesh', port: 15008, protocol: 'HBONE'}]},
  };
}

export function waypointYaml(gw: KubeObject): string {
  const labels = gw.metadata.labels ?? {};
  const labelLines = Object.keys(labels)
    .sort()
    .map((k) => `    ${k}: ${labels[k]}\n`)
    .join('');
  return (
    `apiVersion: ${gw.apiVersion}\nkind: ${gw.kind}\nmetadata:\n` +
    (labelLines ? `  labels:\n${labelLines}` : '') +
    `  name: ${gw.metadata.name}\n` +
    (gw.metadata.namespace ? `  namespace: ${gw.metadata.namespace}\n` : '') +
    'spec:\n  gatewayClassName: istio-waypoint\n  listeners:\n  - name: mesh\n    port: 15008\n    protocol: HBONE\n'
  );
}

type Condition = {type: string; status: string; reason?: string; message?: string};

export function conditionOf(gw: KubeObject, type: string): Condition | undefined {
  return (((gw.status ?? {}) as {conditions?: Condition[]}).conditions ?? []).find((c) => c.type === type);
}

export const isProgrammed = (gw: KubeObject) => conditionOf(gw, 'Programmed')?.status === 'True';
