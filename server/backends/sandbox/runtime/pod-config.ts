import type {Container, Pod} from 'kubernetes-types/core/v1';
import {getOf} from '../api/kinds';
import type {KubeObject, Typed} from '../api/types';
import type {ObjectStore} from '../api/store';

/**
 * What the kubelet puts into a container from the pod's ConfigMaps, Secrets and its own fields (k8s v1.31
 * pkg/kubelet/kubelet_pods.go makeEnvironmentVariables, and the configMap/secret volume plugins): the environment
 * (envFrom first, then env, each `$(VAR)` expanded from what came before) and the files of configMap/secret volumes
 * at their mount paths. Read at exec time: a changed ConfigMap shows in its volume (the kubelet resyncs it within a
 * minute) but not in the environment of a running container, which we cannot tell apart here: both show the new data.
 */
const decode = (v: unknown) => Buffer.from(String(v ?? ''), 'base64').toString('utf8');

function source(store: ObjectStore, ns: string, kind: 'configmap' | 'secret', name: string): Record<string, string> {
  const o = getOf(store, kind === 'configmap' ? 'configmaps' : 'secrets', ns, name);
  // ConfigMap and Secret data are both string → string (the secret's values base64)
  const data = (o?.data ?? {}) as Record<string, string>;
  if (kind === 'configmap') return {...data};
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, decode(v)]));
}

/** $(VAR) from what is already defined; $$ escapes; unknown references stay as written */
const expand = (v: string, env: Record<string, string>) =>
  v.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name?: string) =>
    m === '$$' ? '$' : name !== undefined && name in env ? env[name]! : m,
  );

function fieldValue(pod: Typed<Pod>, path: string): string {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return String(pod.metadata[m[1] as 'labels' | 'annotations']?.[m[2]!] ?? '');
  const at: Record<string, unknown> = {
    'metadata.name': pod.metadata.name,
    'metadata.namespace': pod.metadata.namespace,
    'metadata.uid': pod.metadata.uid,
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName ?? 'default',
    'status.podIP': pod.status?.podIP,
    'status.hostIP': pod.status?.hostIP,
    'status.podIPs': (pod.status?.podIPs ?? []).map((x) => x.ip).join(','),
  };
  return String(at[path] ?? '');
}

/** the container's variables from envFrom and env, in the kubelet's order */
export function configEnv(store: ObjectStore, pod: KubeObject, container: Container): Record<string, string> {
  const p = pod as Typed<Pod>;
  const ns = pod.metadata.namespace ?? 'default';
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref?.name) continue;
    const data = source(store, ns, from.configMapRef ? 'configmap' : 'secret', ref.name);
    for (const [k, v] of Object.entries(data)) env[`${from.prefix ?? ''}${k}`] = v;
  }
  for (const e of container.env ?? []) {
    const vf = e.valueFrom;
    if (!vf) env[e.name] = expand(String(e.value ?? ''), env);
    else if (vf.configMapKeyRef) {
      const v = source(store, ns, 'configmap', vf.configMapKeyRef.name ?? '')[vf.configMapKeyRef.key];
      if (v !== undefined) env[e.name] = v;
    } else if (vf.secretKeyRef) {
      const v = source(store, ns, 'secret', vf.secretKeyRef.name ?? '')[vf.secretKeyRef.key];
      if (v !== undefined) env[e.name] = v;
    } else if (vf.fieldRef?.fieldPath) env[e.name] = fieldValue(p, vf.fieldRef.fieldPath);
  }
  return env;
}

/** files of the configMap / secret volumes the container mounts: absolute path → content */
export function configFiles(store: ObjectStore, pod: KubeObject, container: Container): Map<string, string> {
  const p = pod as Typed<Pod>;
  const ns = pod.metadata.namespace ?? 'default';
  const files = new Map<string, string>();
  for (const m of container.volumeMounts ?? []) {
    const v = (p.spec?.volumes ?? []).find((x) => x.name === m.name);
    const cm = v?.configMap;
    const sec = v?.secret;
    if (!cm && !sec) continue;
    const data = cm
      ? source(store, ns, 'configmap', cm.name ?? '')
      : source(store, ns, 'secret', sec?.secretName ?? '');
    const items = (cm ?? sec)?.items ?? [];
    const entries: [string, string][] = items.length
      ? items.filter((i) => i.key in data).map((i) => [i.path, data[i.key]!])
      : Object.entries(data);
    const base = String(m.mountPath).replace(/\/$/, '');
    if (m.subPath) {
      const hit = entries.find(([k]) => k === m.subPath);
      if (hit) files.set(base, hit[1]);
      continue;
    }
    for (const [k, v] of entries) files.set(`${base}/${k}`, v);
  }
  return files;
}
