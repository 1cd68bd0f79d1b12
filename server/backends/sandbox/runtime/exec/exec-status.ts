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
