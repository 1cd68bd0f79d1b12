import type {KubeObject} from '../../api/types';
import {podView} from '../pod-view';
import type {SandboxRuntime} from '../sandbox-runtime';
import {STATUS_TEXT} from './apps/status-text';
import {backingPods, resolveName, whoHas} from './dns';
import type {NetworkModel, NetworkRequest, NetworkResult} from './network-model';
import {listenerOn, serveFromPod} from './pod-app';

interface ServicePort {
  port: number;
  targetPort?: number | string;
  name?: string;
}

/** the pod port a Service port maps to for this pod (named targetPorts through the containers' ports) */
export function targetPortFor(sp: ServicePort, pod: KubeObject): number | undefined {
  const t = sp.targetPort ?? sp.port;
  if (typeof t === 'number') return t;
  if (/^\d+$/.test(t)) return Number(t);
  for (const c of podView(pod).containers) for (const p of c.ports) if (p.name === t) return p.containerPort;
  return undefined;
}

/**
 * Plain Kubernetes networking without a mesh: DNS from the store, kube-proxy's Service → random ready endpoint, and
 * the destination pod's app answering. No Service port → the packet goes nowhere (timeout); a Service without
 * endpoints → kube-proxy's REJECT (connection refused); a pod port nobody listens on → refused.
 */
export function defaultNetworkModel(rt: SandboxRuntime): NetworkModel {
  let rr = 0;
  return {
    async request(req: NetworkRequest): Promise<NetworkResult> {
      const url = new URL(req.url);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      const from = req.fromPod;
      const resolved =
        host === 'localhost' || host === '127.0.0.1'
          ? {addresses: [from.podIP ?? '127.0.0.1'], fqdn: host}
          : resolveName(rt, from.namespace, host);
      if (!resolved) return {error: 'dns', host, port};
      const ip = resolved.addresses[0]!;
      const target =
        host === 'localhost' || host === '127.0.0.1'
          ? {pod: rt.store.get(rt.podsType, from.namespace, from.name)}
          : whoHas(rt, ip);

      let podObj: KubeObject | undefined;
      let podPort = port;
      if (target.service) {
        const ports = ((target.service.spec ?? {}) as {ports?: ServicePort[]}).ports ?? [];
        const sp = ports.find((p) => p.port === port);
        if (!sp) return timeout(rt, req, host, port, ip);
        const pods = backingPods(rt, target.service);
        if (pods.length === 0) return {error: 'connect-refused', host, port, ip};
        podObj = pods[rr++ % pods.length]!;
        podPort = targetPortFor(sp, podObj) ?? port;
      } else if (target.pod) podObj = target.pod;
      else return timeout(rt, req, host, port, ip);

      const pod = podView(podObj);
      if (url.protocol === 'https:') return {error: 'reset', host, port, ip};
      if (!listenerOn(rt, pod, podPort)) return {error: 'connect-refused', host, port, ip};
      const abort = new AbortController();
      const timer = rt.clock.setTimeout(() => abort.abort(), req.timeoutMs);
      try {
        const served = serveFromPod(rt, pod, podPort, {
          method: req.method,
          target: url.pathname + url.search,
          httpVersion: 'HTTP/1.1',
          headers: req.headers,
          body: req.body ?? Buffer.alloc(0),
          remoteAddr: `${from.podIP ?? '10.42.0.1'}:${40000 + Math.floor(Math.random() * 20000)}`,
          signal: abort.signal,
        });
        const res = await served;
        if (abort.signal.aborted) return {error: 'timeout', host, port, ip};
        if (!res) return {error: 'connect-refused', host, port, ip};
        return {
          status: res.status,
          statusText: res.statusText ?? STATUS_TEXT[res.status] ?? '',
          httpVersion: 'HTTP/1.1',
          headers: res.headers,
          body: Buffer.isBuffer(res.body) ? res.body : Buffer.from(res.body),
          remoteIp: ip,
          remotePort: port,
        };
      } finally {
        timer.dispose();
      }
    },
  };
}

/** nothing answers: wait out the client's timeout, as a dropped SYN would */
function timeout(
  rt: SandboxRuntime,
  req: NetworkRequest,
  host: string,
  port: number,
  ip: string,
): Promise<NetworkResult> {
  return new Promise((resolve) => {
    rt.clock.setTimeout(() => resolve({error: 'timeout', host, port, ip}), Math.min(req.timeoutMs, 300_000));
  });
}
