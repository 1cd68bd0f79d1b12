import type {UpgradeContext} from '../../api/api-server';
import {errors} from '../../api/status';
import {allContainers, runningStatus, type PodView} from '../pod-view';
import type {SandboxRuntime} from '../sandbox-runtime';

export interface ExecTarget {
  pod: PodView;
  container: string;
  argv: string[];
}

/** check an exec request as the API server and kubelet would, before upgrading */
export function execTarget(rt: SandboxRuntime, ctx: Pick<UpgradeContext, 'target' | 'query'>): ExecTarget {
  const argv = ctx.query.getAll('command');
  if (argv.length === 0) throw errors.badRequest('you must specify at least 1 command');
  return {...containerTarget(rt, ctx, 'exec'), argv};
}

/** an attach request: the container, whose own process is what the client connects to */
export function attachTarget(rt: SandboxRuntime, ctx: Pick<UpgradeContext, 'target' | 'query'>): ExecTarget {
  return {...containerTarget(rt, ctx, 'attach'), argv: []};
}

function containerTarget(
  rt: SandboxRuntime,
  ctx: Pick<UpgradeContext, 'target' | 'query'>,
  verb: 'exec' | 'attach',
): {pod: PodView; container: string} {
  const pod = rt.mustPod(ctx.target.namespace ?? 'default', ctx.target.name!);
  let container = ctx.query.get('container') ?? '';
  if (!container) {
    if (pod.containers.length !== 1)
      throw errors.badRequest(
        `a container name must be specified for pod ${pod.name}, choose one of: [${pod.containers.map((c) => c.name).join(' ')}]`,
      );
    container = pod.containers[0]!.name;
  }
  if (!allContainers(pod).some((c) => c.name === container))
    throw errors.badRequest(`container ${container} is not valid for pod ${pod.name}`);
  if (pod.phase === 'Succeeded' || pod.phase === 'Failed')
    throw errors.badRequest(
      `cannot ${verb === 'exec' ? 'exec into' : 'attach to'} a container in a completed pod; current phase is ${pod.phase}`,
    );
  if (!runningStatus(pod, container))
    throw errors.badRequest(`unable to upgrade connection: container not found ("${container}")`);
  return {pod, container};
}

export const flag = (q: URLSearchParams, name: string) => q.get(name) === 'true' || q.get(name) === '1';
