/**
 * What a sandbox command (k3d, docker, later istioctl) gets when the shim on the learner's PATH runs it: argv, the
 * shell's cwd and terminal facts, output streams back to that shell, lazily-read stdin, and the learner's sandbox.
 * Commands run in the lab process against the store; the shim only carries bytes.
 */
import type {LearnerSandbox} from '../backend/learner-sandbox';
import type {CommandIO} from '../kit/command-io';

/** A command's implementation: resolves to the exit code. */
export type SandboxCommand = (io: CommandIO, sandbox: LearnerSandbox) => Promise<number>;
