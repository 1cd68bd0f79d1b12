import {listOf} from '../../api/kinds';
import type {KubeObject} from '../../api/types';
import type {SandboxRuntime} from '../sandbox-runtime';

export const CLUSTER_DOMAIN = 'cluster.local';
/** k3s's CoreDNS Service address (the kubelet's --cluster-dns) */
export const CLUSTER_DNS_IP = '10.43.0.10';

export interface Resolved {
  /** the fully qualified name that answered */
  fqdn: string;
  addresses: string[];
  /** the Service behind the name, if it is a Service name */
  service?: KubeObject;
}

/** the search list in a pod's /etc/resolv.conf (dnsPolicy ClusterFirst) */
export function searchDomains(namespace: string): string[] {
  return [`${namespace}.svc.${CLUSTER_DOMAIN}`, `svc.${CLUSTER_DOMAIN}`, CLUSTER_DOMAIN];
}

/**
 * What CoreDNS answers to a pod in `namespace`: names with fewer than 5 dots are tried with each search domain
 * first (ndots:5), then as given. Services resolve to their ClusterIP (headless ones to their ready pod IPs), and
 * `a-b-c-d.<ns>.pod.cluster.local` to a-b-c-d. Nothing outside the cluster resolves: the sandbox has no internet.
 */
export function resolveName(rt: SandboxRuntime, namespace: string, name: string): Resolved | undefined {
  const host = name.replace(/\.$/, '').toLowerCase();
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return {fqdn: host, addresses: [host]};
  if (host === 'localhost') return {fqdn: 'localhost', addresses: ['127.0.0.1']};
  const candidates =
    name.endsWith('.') || host.split('.').length > 5
      ? [host]
      : [...searchDomains(namespace).map((d) => `${host}.${d}`), host];
  for (const fqdn of candidates) {
    const r = lookupFqdn(rt, fqdn);
    if (r) return r;
  }
  return undefined;
}

function lookupFqdn(rt: SandboxRuntime, fqdn: string): Resolved | undefined {
  const suffix = `.${CLUSTER_DOMAIN}`;
  if (!fqdn.endsWith(suffix)) return undefined;
  const labels = fqdn.slice(0, -suffix.length).split('.');
  if (labels.length === 3 && labels[2] === 'svc') {
    const [svcName, ns] = labels as [string, string];
    const svc = listOf(rt.store, 'services', {namespace: ns}).find((s) => s.metadata.name === svcName);
    if (!svc) return undefined;
    const spec = (svc.spec ?? {}) as {clusterIP?: string; type?: string; externalName?: string};
    if (spec.type === 'ExternalName') return undefined;
    if (spec.clusterIP && spec.clusterIP !== 'None') return {fqdn, addresses: [spec.clusterIP], service: svc};
    const ips = backingPods(rt, svc)
      .map((p) => (p.status as {podIP?: string}).podIP!)
      .filter(Boolean);
    return ips.length ? {fqdn, addresses: ips, service: svc} : undefined;
  }
  if (labels.length === 3 && labels[2] === 'pod' && /^\d+-\d+-\d+-\d+$/.test(labels[0]!)) {
    return {fqdn, addresses: [labels[0]!.replace(/-/g, '.')]};
  }
  return undefined;
}

/** the Running, not-deleting pods a Service selects, as the endpoints controller would list them */
export function backingPods(rt: SandboxRuntime, svc: KubeObject): KubeObject[] {
  const selector = ((svc.spec ?? {}) as {selector?: Record<string, string>}).selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  return listOf(rt.store, 'pods', {namespace: svc.metadata.namespace}).filter((p) => {
    const labels = p.metadata.labels ?? {};
    const status = (p.status ?? {}) as {phase?: string; podIP?: string};
    return (
      !p.metadata.deletionTimestamp &&
      status.phase === 'Running' &&
      !!status.podIP &&
      Object.entries(selector).every(([k, v]) => labels[k] === v)
    );
  });
}

/** the Service whose ClusterIP is ip, or the pod with that IP */
export function whoHas(rt: SandboxRuntime, ip: string): {service?: KubeObject; pod?: KubeObject} {
  const service = listOf(rt.store, 'services').find((s) => ((s.spec ?? {}) as {clusterIP?: string}).clusterIP === ip);
  if (service) return {service};
  const pod = listOf(rt.store, 'pods').find(
    (p) => ((p.status ?? {}) as {podIP?: string}).podIP === ip && !p.metadata.deletionTimestamp,
  );
  return pod ? {pod} : {};
}
