import type {ResourceContext} from '../../api/rest-handler';
import {errors} from '../../api/status';
import {sendError} from '../../api/http-io';
import {allContainers, statusOf, waitingReason, type PodView} from '../pod-view';
import type {SandboxRuntime} from '../sandbox-runtime';
import type {LogLine} from './log-buffer';

/** kubelet's --timestamps format: RFC 3339 with nanoseconds */
const stamp = (d: Date) => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');

const positiveInt = (v: string | null, name: string): number | undefined => {
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw errors.badRequest(`${name}: Invalid value: ${v}: must be greater than or equal to 0`);
  return n;
};

/** which container a log request means, with the API server's errors for the ambiguous and unknown cases */
export function pickContainer(pod: PodView, asked: string | null): string {
  const all = allContainers(pod).map((c) => c.name);
  if (!asked) {
    if (pod.containers.length === 1) return pod.containers[0]!.name;
    const names = pod.containers.map((c) => c.name);
    const init = pod.initContainers.map((c) => c.name);
    const ephemeral = pod.ephemeralContainers.map((c) => c.name);
    throw errors.badRequest(
      `a container name must be specified for pod ${pod.name}, choose one of: [${names.join(' ')}]${init.length ? ` or one of the init containers: [${init.join(' ')}]` : ''}${ephemeral.length ? ` or one of the ephemeral containers: [${ephemeral.join(' ')}]` : ''}`,
    );
  }
  if (!all.includes(asked)) throw errors.badRequest(`container ${asked} is not valid for pod ${pod.name}`);
  return asked;
}

/** GET pods/{name}/log: plain text; follow keeps the response open until the pod is deleted or the client leaves */
export function logHandler(runtimeFor: (ctx: ResourceContext) => SandboxRuntime) {
  return (ctx: ResourceContext): void => {
    try {
      serve(runtimeFor(ctx), ctx);
    } catch (e) {
      sendError(ctx.res, e);
    }
  };
}

function serve(rt: SandboxRuntime, ctx: ResourceContext): void {
  const {query, res, target} = ctx;
  if ((ctx.req.method ?? 'GET') !== 'GET') throw errors.methodNotAllowed(ctx.req.method ?? '', 'PodLogOptions');
  const pod = rt.mustPod(target.namespace ?? 'default', target.name!);
  const container = pickContainer(pod, query.get('container'));
  const previous = query.get('previous') === 'true';
  const follow = query.get('follow') === 'true' && !previous;
  const timestamps = query.get('timestamps') === 'true';
  const tailLines = positiveInt(query.get('tailLines'), 'tailLines');
  const sinceSeconds = positiveInt(query.get('sinceSeconds'), 'sinceSeconds');
  const sinceTime = query.get('sinceTime');
  const limitBytes = positiveInt(query.get('limitBytes'), 'limitBytes');

  // the kubelet's validateContainerLogStatus (k8s v1.31 pkg/kubelet/kubelet_pods.go): a container waiting to be
  // restarted still serves its last run's log; one that never ran says why it waits
  const status = statusOf(pod, container);
  if (!previous && !['running', 'terminated'].includes(status?.state ?? '') && !status?.ranBefore) {
    const reason = waitingReason(pod, container);
    const why =
      reason === 'ErrImagePull'
        ? "image can't be pulled"
        : reason === 'ImagePullBackOff'
          ? 'trying and failing to pull image'
          : (statusOf(pod, container)?.reason ?? reason);
    throw errors.badRequest(`container "${container}" in pod "${pod.name}" is waiting to start: ${why}`);
  }
  const logs = rt.logs.container(pod, container)!;
  const buffer = previous ? logs.previous : logs.current;
  if (!buffer) throw errors.badRequest(`previous terminated container "${container}" in pod "${pod.name}" not found`);

  const since =
    sinceSeconds !== undefined
      ? rt.clock.now().getTime() - sinceSeconds * 1000
      : sinceTime
        ? Date.parse(sinceTime)
        : undefined;
  let lines = buffer.snapshot();
  if (since !== undefined && !Number.isNaN(since)) lines = lines.filter((l) => l.time.getTime() >= since);
  if (tailLines !== undefined) lines = tailLines === 0 ? [] : lines.slice(-tailLines);

  let budget = limitBytes ?? Infinity;
  const render = (l: LogLine) => `${timestamps ? `${stamp(l.time)} ` : ''}${l.text}\n`;
  const write = (l: LogLine): boolean => {
    if (budget <= 0) return false;
    let s = render(l);
    if (Buffer.byteLength(s) > budget) s = Buffer.from(s).subarray(0, budget).toString();
    budget -= Buffer.byteLength(s);
    res.write(s);
    return budget > 0;
  };

  res.writeHead(200, {'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private'});
  for (const l of lines) if (!write(l)) return void res.end();
  if (!follow) return void res.end();

  // stream: flush what we have, then every appended line until the pod goes or the client hangs up
  res.flushHeaders();
  const subs = [
    buffer.follow((l) => {
      if (!write(l)) end();
    }),
    rt.onPodDeleted(pod.namespace, pod.name, () => end()),
  ];
  const untrack = rt.track({dispose: () => end()});
  let ended = false;
  function end() {
    if (ended) return;
    ended = true;
    for (const s of subs) s.dispose();
    untrack();
    res.end();
  }
  res.on('close', end);
}
