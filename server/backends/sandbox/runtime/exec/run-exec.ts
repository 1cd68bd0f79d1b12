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

/** what containerd/runc answer when the executable is missing; kubectl shows it and exits 126/127 */
function ociNotFound(argv0: string): {text: string; code: number} {
  return argv0.includes('/')
    ? {
        text: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${argv0}": stat ${argv0}: no such file or directory: unknown\n`,
        code: 127,
      }
    : {
        text: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${argv0}": executable file not found in $PATH: unknown\n`,
        code: 126,
      };
}

/**
 * Run `kubectl exec` 's command in the container: look the executable up in the image, then run its in-process
 * implementation. PIDs grow per exec, as a real container's would.
 */
export async function runExec(r: ExecRequest): Promise<number> {
  const ce = containerEnv(r.rt, r.pod, r.container);
  const fs = new VirtualFs(ce, r.rt.overlay(r.pod.uid, r.container.name));
  const argv0 = r.argv[0] ?? '';
  if (!fs.executable(argv0)) {
    const e = ociNotFound(argv0);
    (r.tty ? r.stdout : r.stderr).write(e.text);
    return e.code;
  }
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
