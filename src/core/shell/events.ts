/** Events the command detector derives from shell-integration sequences (OSC 133 / 633). Platform-free. */

export interface CommandStarted {
  /** the command line as bash read it (may span several lines) */
  command: string;
  startedAt: number;
}

export interface CommandFinished {
  command: string;
  exitCode: number;
  /** everything the command printed, ANSI sequences removed, \r\n normalised to \n (bounded, tail kept) */
  output: string;
  startedAt: number;
  finishedAt: number;
}
