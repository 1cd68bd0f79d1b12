/**
 * Reads the learner's cluster through the real kubectl with the learner's shell environment (KUBECONFIG, PATH,
 * proxy), so the picture sees exactly what the learner's `kubectl get` sees, on either backend. One
 * `kubectl get` for every kind; when the Gateway API CRDs are not installed yet (the tutorial adds them on page 5)
 * kubectl refuses the whole list, so it is asked again without gateways.
 */
import {execFile} from 'node:child_process';
import type {ClusterUnavailable} from '../../src/core/protocol/cluster-picture';
import type {KubeItem} from './classify';

export const KINDS_WITH_GATEWAYS = 'nodes,pods,namespaces,gateways.gateway.networking.k8s.io';
export const KINDS = 'nodes,pods,namespaces';

export interface ReadOptions {
  env: Record<string, string>;
  cwd?: string;
  /** kill kubectl after this long (a hung API must not hold the route) */
  timeoutMs: number;
  /** output limit: a cluster with thousands of pods is not what this picture is for */
  maxBytes: number;
}

export type ReadResult = {ok: true; items: KubeItem[]} | {ok: false; code: ClusterUnavailable; message: string};

interface KubectlRun {
  code: number | string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function kubectl(args: string[], opts: ReadOptions): Promise<KubectlRun> {
  return new Promise((resolve) => {
    execFile(
      'kubectl',
      args,
      {
        env: {...process.env, ...opts.env},
        cwd: opts.cwd,
        timeout: opts.timeoutMs,
        maxBuffer: opts.maxBytes,
        killSignal: 'SIGKILL',
      },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & {killed?: boolean}) | null;
        resolve({
          code: e ? (e.code ?? 1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
          timedOut: !!e?.killed && e.code !== 'ENOENT',
        });
      },
    );
  });
}

export async function readCluster(opts: ReadOptions): Promise<ReadResult> {
  let run = await kubectl(['get', KINDS_WITH_GATEWAYS, '-A', '-o', 'json'], opts);
  if (run.code !== 0 && missingGatewayApi(run.stderr)) run = await kubectl(['get', KINDS, '-A', '-o', 'json'], opts);
  if (run.code === 'ENOENT') return {ok: false, code: 'kubectl-missing', message: 'kubectl was not found on PATH'};
  if (run.timedOut)
    return {
      ok: false,
      code: 'unreachable',
      message: `kubectl did not answer within ${Math.round(opts.timeoutMs / 1000)} s`,
    };
  if (run.code !== 0)
    return {
      ok: false,
      code: classifyKubectlError(run.stderr),
      message: firstLine(run.stderr) || `kubectl exited with ${run.code}`,
    };
  try {
    const list = JSON.parse(run.stdout) as {items?: unknown};
    return {ok: true, items: Array.isArray(list.items) ? (list.items as KubeItem[]) : []};
  } catch {
    return {ok: false, code: 'error', message: 'kubectl printed something that is not JSON'};
  }
}

/** kubectl's words when a resource type is unknown to the API server (no CRD) */
export function missingGatewayApi(stderr: string): boolean {
  return /doesn't have a resource type "gateways"|no matches for kind "Gateway"|the server could not find the requested resource/i.test(
    stderr,
  );
}

/**
 * "No cluster yet" is the normal state before the first page's `k3d cluster create`: no kubeconfig (kubectl falls
 * back to localhost:8080) or no current context. A kubeconfig whose server does not answer (a stopped or deleted
 * cluster) is "unreachable".
 */
export function classifyKubectlError(stderr: string): ClusterUnavailable {
  if (
    /localhost:8080|current-context is not set|no configuration has been provided|context .* (was not found|does not exist)|invalid configuration/i.test(
      stderr,
    )
  ) {
    return 'no-cluster';
  }
  if (
    /connection refused|was refused|Unable to connect to the server|i\/o timeout|no such host|TLS handshake timeout|connection reset|EOF/i.test(
      stderr,
    )
  ) {
    return 'unreachable';
  }
  return 'error';
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean)
      ?.slice(0, 300) ?? ''
  );
}
