import type {ContainerView, PodView} from '../pod-view';
import type {SandboxRuntime} from '../sandbox-runtime';
import {containerEnv} from '../pod-env';
import {APP_HANDLERS, type AppResponse} from './apps';
import type {HeaderList} from './network-model';

export interface ServeRequest {
  method: string;
  target: string;
  httpVersion: string;
  headers: HeaderList;
  body: Buffer;
  remoteAddr: string;
  /** ends waits (go-httpbin /delay) when the client gives up */
  signal?: AbortSignal;
}

/** the container of a pod whose app listens on `port`, if any */
export function listenerOn(rt: SandboxRuntime, pod: PodView, port: number): ContainerView | undefined {
  return pod.containers.find((c) => {
    const image = rt.imageSpec(c.image);
    if (!APP_HANDLERS[image.app]) return false;
    const envPort = c.env.find((e) => e.name === 'PORT')?.value;
    const ports = image.app === 'httpbin' && envPort ? [Number(envPort)] : image.ports;
    return ports.includes(port) && pod.statuses.find((s) => s.name === c.name)?.state === 'running';
  });
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
  const ce = containerEnv(rt, pod, c);
  rt.load.record(pod.namespace, pod.name, c.name, rt.clock.now().getTime());
  const handler = APP_HANDLERS[ce.image.app]!;
  const res = await handler({
    ...req,
    pod,
    image: ce.image,
    env: ce.env,
    now: rt.clock.now(),
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
