/** The Status kubectl reads from channel 3 at the end of an exec: its exit code comes from the ExitCode cause. */
export function exitStatus(code: number, argv: string[]): object {
  if (code === 0) return {metadata: {}, status: 'Success'};
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: {causes: [{reason: 'ExitCode', message: String(code)}]},
  };
}

/**
 * The Status for an exec the runtime could not start (kubelet's ServeExec: apierrors.NewInternalError around
 * containerd's "failed to exec in container: failed to start exec <id>: …"). kubectl prints its message and exits 1.
 */
export function startFailedStatus(execId: string, why: string): object {
  const message = `error executing command in container: failed to exec in container: failed to start exec "${execId}": ${why}`;
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${message}`,
    reason: 'InternalError',
    details: {causes: [{message}]},
    code: 500,
  };
}
