import type {PodSpec} from 'kubernetes-types/core/v1';
import {getOf, listOf} from '../api/kinds';
import {configEnv, configFiles} from './pod-config';
import type {KubeObject} from '../api/types';
import type {ImageSpec} from './images/types';
import {CLUSTER_DNS_IP, searchDomains} from './net/dns';
import type {ContainerView, PodView} from './pod-view';
import type {SandboxRuntime} from './sandbox-runtime';

/** Everything a command run "inside" one container may look at. Built per exec; never touches the host. */
export interface ContainerEnv {
  rt: SandboxRuntime;
  pod: PodView;
  container: ContainerView;
  image: ImageSpec;
  /** the environment of PID 1, as `env` prints it */
  env: Record<string, string>;
  hostname: string;
  /** files the kubelet mounts from ConfigMaps and Secrets (path → content) */
  files?: Map<string, string>;
}

const envName = (svc: string) => svc.toUpperCase().replace(/-/g, '_');

/**
 * The Docker-links-style variables the kubelet injects for every Service of the pod's namespace (enableServiceLinks)
 * and for `kubernetes` in default, if the Service existed when the container started.
 */
export function serviceEnv(services: KubeObject[], startedAt: string | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  const start = startedAt ? Date.parse(startedAt) : Infinity;
  for (const svc of services) {
    const spec = (svc.spec ?? {}) as {clusterIP?: string; ports?: {port: number; name?: string; protocol?: string}[]};
    const created = Date.parse(svc.metadata.creationTimestamp ?? '');
    if (!spec.clusterIP || spec.clusterIP === 'None' || !spec.ports?.length || created > start) continue;
    const n = envName(svc.metadata.name ?? '');
    const first = spec.ports[0]!;
    env[`${n}_SERVICE_HOST`] = spec.clusterIP;
    env[`${n}_SERVICE_PORT`] = String(first.port);
    env[`${n}_PORT`] = `${(first.protocol ?? 'TCP').toLowerCase()}://${spec.clusterIP}:${first.port}`;
    for (const p of spec.ports) {
      const proto = p.protocol ?? 'TCP';
      if (p.name) env[`${n}_SERVICE_PORT_${envName(p.name)}`] = String(p.port);
      const k = `${n}_PORT_${p.port}_${proto}`;
      env[k] = `${proto.toLowerCase()}://${spec.clusterIP}:${p.port}`;
      env[`${k}_PROTO`] = proto.toLowerCase();
      env[`${k}_PORT`] = String(p.port);
      env[`${k}_ADDR`] = spec.clusterIP;
    }
  }
  return env;
}

export function containerEnv(rt: SandboxRuntime, pod: PodView, container: ContainerView): ContainerEnv {
  const image = rt.imageSpec(container.image);
  const hostname = pod.hostname ?? pod.name;
  const started = pod.statuses.find((s) => s.name === container.name)?.startedAt;
  const services = listOf(rt.store, 'services', {namespace: pod.namespace});
  const kube =
    pod.namespace === 'default'
      ? []
      : listOf(rt.store, 'services', {namespace: 'default'}).filter((s) => s.metadata.name === 'kubernetes');
  // the order `env` prints in a real container: the image's ENV (PATH first), HOSTNAME from the runtime, then the
  // kubelet's variables (the container's env, then the service links), HOME last
  const env: Record<string, string> = {
    PATH: image.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: hostname,
  };
  for (const [k, v] of Object.entries(image.env)) env[k] = v;
  const raw = getOf(rt.store, 'pods', pod.namespace, pod.name);
  const spec = raw?.spec as Pick<PodSpec, 'containers' | 'initContainers'> | undefined;
  const rawContainer = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].find(
    (c) => c.name === container.name,
  );
  if (raw && rawContainer) Object.assign(env, configEnv(rt.store, raw, rawContainer));
  else for (const e of container.env) env[e.name] = e.value ?? '';
  for (const [k, v] of Object.entries(serviceEnv([...kube, ...services], started))) if (!(k in env)) env[k] = v;
  env.HOME = image.user.home;
  const files = raw && rawContainer ? configFiles(rt.store, raw, rawContainer) : undefined;
  return {rt, pod, container, image, env, hostname, files};
}

/** /etc/resolv.conf as the kubelet writes it for dnsPolicy ClusterFirst */
export function resolvConf(namespace: string): string {
  return `search ${searchDomains(namespace).join(' ')}\nnameserver ${CLUSTER_DNS_IP}\noptions ndots:5\n`;
}

/** /etc/hosts as the kubelet writes it */
export function etcHosts(pod: PodView): string {
  const host = pod.hostname ?? pod.name;
  const fq = pod.subdomain ? `${host}.${pod.subdomain}.${pod.namespace}.svc.cluster.local\t${host}` : host;
  return [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
    `${pod.podIP ?? '10.42.0.2'}\t${fq}`,
    '',
  ].join('\n');
}
