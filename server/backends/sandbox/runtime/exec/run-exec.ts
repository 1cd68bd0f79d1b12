import {posix} from 'node:path';
import type {Command, CommandContext} from '../shell/shell';
import type {TerminalHooks} from '../shell/line-discipline';
import {Shell} from '../shell/shell';
import type {Input, Output} from '../shell/streams';
import {VirtualFs} from '../shell/virtual-fs';
import {containerEnv} from '../pod-env';
import type {ContainerView, PodView} from '../pod-view';
import type {SandboxRuntime} from '../sandbox-runtime';

export interface ExecRequest {
  rt: SandboxRuntime;
  pod: PodView;
  container: ContainerView;
  argv: string[];
  tty: boolean;
  stdin: Input;
  stdout: Output;
  stderr: Output;
  signal: AbortSignal;
  commands: ReadonlyMap<string, Command>;
  /** TTY only: Ctrl-C routing and history for an interactive shell */
  terminal?: TerminalHooks;
}

/**
 * The exec never started: runc could not find the executable. containerd's CRI returns this as an error, not an exit
 * code, so the kubelet answers with an InternalError Status (see `startFailedStatus`) and kubectl exits 1.
 */
export class ExecStartError extends Error {}

/** runc's words for a missing executable (containerd adds "unknown", its gRPC code) */
function ociNotFound(argv0: string): string {
  const why = argv0.includes('/') ? `stat ${argv0}: no such file or directory` : 'executable file not found in $PATH';
  return `OCI runtime exec failed: exec failed: unable to start container process: exec: "${argv0}": ${why}: unknown`;
}

/**
 * Run `kubectl exec` 's command in the container: look the executable up in the image, then run its in-process
 * implementation. PIDs grow per exec, as a real container's would. Throws `ExecStartError` when there is nothing to run.
 */
export async function runExec(r: ExecRequest): Promise<number> {
  const ce = containerEnv(r.rt, r.pod, r.container);
  const fs = new VirtualFs(ce, r.rt.overlay(r.pod.uid, r.container.name));
  const argv0 = r.argv[0] ?? '';
  if (!fs.executable(argv0)) throw new ExecStartError(ociNotFound(argv0));
  const impl = r.commands.get(posix.basename(argv0));
  if (!impl) {
    r.stderr.write(`${argv0}: this program is not simulated in the lab sandbox\n`);
    return 126;
  }
  const pid = r.rt.nextPid(r.pod.uid);
  const flavor = ce.image.commands.includes('dash') ? 'dash' : 'ash';
  const shell = new Shell({
    container: ce,
    fs,
    commands: r.commands,
    signal: r.signal,
    tty: r.tty,
    flavor,
    pid,
    name: 'sh',
  });
  shell.terminal = r.terminal;
  shell.isProcess = false;
  const ctx: CommandContext = {
    argv: r.argv,
    stdin: r.stdin,
    stdout: r.stdout,
    stderr: r.stderr,
    env: shell.env(),
    cwd: shell.cwd,
    container: ce,
    fs,
    shell,
    signal: r.signal,
    tty: r.tty,
  };
  return impl(ctx);
}
