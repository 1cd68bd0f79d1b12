/**
 * The Gateway a waypoint is (istioctl/pkg/waypoint/waypoint.go makeGateway): class istio-waypoint, one HBONE
 * listener "mesh" on 15008, `istio.io/waypoint-for` when --for is given, `istio.io/rev` with -r; and its YAML as
 * `waypoint generate` prints it (sigs.k8s.io/yaml: keys sorted, creationTimestamp and status stripped).
 */
import type {KubeObject} from '../../../api/types';
import {CommandError} from '../command';

export const TRAFFIC_TYPES = ['all', 'none', 'service', 'workload'] as const;

export function makeWaypoint(name: string, namespace: string, forWhat: string, revision: string): KubeObject {
  if (forWhat && !(TRAFFIC_TYPES as readonly string[]).includes(forWhat)) {
    throw new CommandError(`invalid traffic type: ${forWhat}. Valid options are: ${TRAFFIC_TYPES.join(', ')}`);
  }
  const labels: Record<string, string> = {};
  if (revision) labels['istio.io/rev'] = revision;
  if (forWhat) labels['istio.io/waypoint-for'] = forWhat;
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: {...(Object.keys(labels).length ? {labels} : {}), name, namespace},
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
    `  name: ${gw.metadata.name}\n  namespace: ${gw.metadata.namespace}\n` +
    'spec:\n  gatewayClassName: istio-waypoint\n  listeners:\n  - name: mesh\n    port: 15008\n    protocol: HBONE\n'
  );
}

type Condition = {type: string; status: string; reason?: string; message?: string};

export function conditionOf(gw: KubeObject, type: string): Condition | undefined {
  return (((gw.status ?? {}) as {conditions?: Condition[]}).conditions ?? []).find((c) => c.type === type);
}

export const isProgrammed = (gw: KubeObject) => conditionOf(gw, 'Programmed')?.status === 'True';
