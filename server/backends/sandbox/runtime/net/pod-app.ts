import {getOf} from '../../api/kinds';
import type {ContainerView, PodView} from '../pod-view';
import type {SandboxRuntime} from '../sandbox-runtime';
import {containerEnv} from '../pod-env';
import {APP_HANDLERS, APP_TLS, type AppCertificate, type AppContext, type AppResponse} from './apps';
import {isArgocdServer} from './apps/argocd-server';
import type {HeaderList} from './network-model';
import {wireServerOf, type WireServer} from './wire-servers';

export interface ServeRequest {
  method: string;
  target: string;
  httpVersion: string;
  headers: HeaderList;
  body: Buffer;
  remoteAddr: string;
  /** the app terminated TLS on this connection itself (port-forward to argocd-server's cmux port) */
  tls?: boolean;
  /** ends waits (go-httpbin /delay) when the client gives up */
  signal?: AbortSignal;
}

/** the container of a pod whose app listens on `port`, if any */
export function listenerOn(rt: SandboxRuntime, pod: PodView, port: number): ContainerView | undefined {
  return pod.containers.find((c) => {
    const image = rt.imageSpec(c.image);
    if (!APP_HANDLERS[image.app]) return false;
    // every Argo CD component runs the one argocd image; only the argocd-server process serves the API
    if (image.app === 'argocd-server' && !isArgocdServer([...(c.command ?? []), ...(c.args ?? [])], image.entrypoint))
      return false;
    const envPort = c.env.find((e) => e.name === 'PORT')?.value;
    const ports = image.app === 'httpbin' && envPort ? [Number(envPort)] : image.ports;
    return ports.includes(port) && pod.statuses.find((s) => s.name === c.name)?.state === 'running';
  });
}

/** what the app in container `c` knows of its pod */
function appContext(rt: SandboxRuntime, pod: PodView, c: ContainerView): AppContext {
  const ce = containerEnv(rt, pod, c);
  const decode = (v: unknown) => Buffer.from(String(v ?? ''), 'base64').toString('utf8');
  return {
    pod,
    image: ce.image,
    env: ce.env,
    podArgv: [...(c.command ?? []), ...(c.args ?? [])],
    now: rt.clock.now(),
    data: (kind, name) => {
      const o = getOf(rt.store, kind, pod.namespace, name);
      if (!o) return undefined;
      const data = (o.data ?? {}) as Record<string, string>;
      return kind === 'configmaps'
        ? {...data}
        : Object.fromEntries(Object.entries(data).map(([k, v]) => [k, decode(v)]));
    },
    state: (key, init) => rt.appState(pod.uid, `${c.name}/${key}`, init),
  };
}

/** the server software of the app on `port` (how it refuses a request it cannot parse); Go's when none listens */
export function wireServerOn(rt: SandboxRuntime, pod: PodView, port: number): WireServer {
  const c = listenerOn(rt, pod, port);
  return wireServerOf(c ? rt.imageSpec(c.image).app : 'none', () => rt.clock.now());
}

/**
 * The certificate the app on `port` answers a TLS handshake with, or undefined when it serves plain HTTP only
 * (every app but argocd-server, which serves both on one port).
 */
export function tlsFromPod(rt: SandboxRuntime, pod: PodView, port: number): Promise<AppCertificate> | undefined {
  const c = listenerOn(rt, pod, port);
  if (!c) return undefined;
  const ctx = appContext(rt, pod, c);
  return APP_TLS[ctx.image.app]?.(ctx);
}

/**
 * Hand a request to the app listening on `port` in `pod` and log it as that app would. Used by the default network
 * model and by port-forward, so both answer the same.
 */
export async function serveFromPod(
  rt: SandboxRuntime,
  pod: PodView,
  port: number,
  req: ServeRequest,
): Promise<AppResponse | undefined> {
  const c = listenerOn(rt, pod, port);
  if (!c) return undefined;
  const ctx = appContext(rt, pod, c);
  rt.load.record(pod.namespace, pod.name, c.name, rt.clock.now().getTime());
  const handler = APP_HANDLERS[ctx.image.app]!;
  const res = await handler({
    ...req,
    ...ctx,
    tls: req.tls ?? false,
    metrics: (opts) => rt.metrics.render(pod.namespace, pod.name, opts),
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const t = rt.clock.setTimeout(resolve, ms);
        req.signal?.addEventListener('abort', () => (t.dispose(), resolve()), {once: true});
      }),
  });
  if (res.logLine) rt.logs.append(pod, c.name, res.logLine);
  return res;
}
