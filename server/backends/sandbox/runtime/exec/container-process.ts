import {posix} from 'node:path';
import type {Pod} from 'kubernetes-types/core/v1';
import type {Typed} from '../../api';
import {exitedStatus} from '../../cluster/container-stages';
import {ephemeralStatuses, terminatedStatus} from '../../cluster/ephemeral-stages';
import {nowStamp, writeStatus} from '../../cluster/status';
import {containerArgv} from '../images/catalog';
import {allContainers, type ContainerView} from '../pod-view';
import type {Command} from '../shell/shell';
import type {SandboxRuntime} from '../sandbox-runtime';
import {startExecSession, type ExecSession, type ExecTransport} from './exec-session';
import type {ExecTarget} from './exec-target';

/** what `kubectl attach` (and `kubectl debug -it`, `kubectl run -it`) is connected to: the container's PID 1 */
interface ContainerProcess {
  attachers: Set<ExecTransport>;
  session: ExecSession;
  container: ContainerView;
}

const SUCCESS = {metadata: {}, status: 'Success'};
const processes = new WeakMap<SandboxRuntime, Map<string, ContainerProcess>>();

/**
 * Attach to a container's main process (the kubelet's AttachContainer through the CRI): the first attach starts
 * the process as the container's command says — a shell reads what the attachers type, `sleep` sleeps — and every
 * attacher sees its output from then on (what it printed before is in `kubectl logs`). Leaving does not stop it,
 * unless the container asked for stdinOnce (the shell then reads EOF, as `kubectl run -i --rm` expects). When the
 * process ends the attachers get a Success status (attach reports no exit code) and the container is reported
 * terminated (reportExit). A process we do not simulate (an app server) shows the lines its log gets while attached.
 */
export function attachSession(
  rt: SandboxRuntime,
  t: ExecTarget,
  commands: ReadonlyMap<string, Command>,
  transport: ExecTransport,
): ExecSession {
  const container = allContainers(t.pod).find((c) => c.name === t.container)!;
  const argv = containerArgv(rt.imageSpec(container.image), container);
  if (!commands.has(posix.basename(argv[0] ?? ''))) return followLog(rt, t, transport);

  let byRuntime = processes.get(rt);
  if (!byRuntime) processes.set(rt, (byRuntime = new Map()));
  const key = `${t.pod.uid}/${t.container}`;
  let p = byRuntime.get(key);
  if (!p) {
    const attachers = new Set<ExecTransport>();
    // PID 1's output is the container's log too (`kubectl logs` shows what the attached shell printed)
    let partial = '';
    const toLog = (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) rt.appendLog(t.pod.namespace, t.pod.name, t.container, line.replace(/\r$/, ''));
    };
    const session = startExecSession(rt, {...t, argv}, {tty: !!container.tty, stdin: !!container.stdin}, commands, {
      stdout: (d) => (attachers.forEach((a) => a.stdout(d)), toLog(d)),
      stderr: (d) => (attachers.forEach((a) => a.stderr(d)), toLog(d)),
      finish: (status) => {
        byRuntime!.delete(key);
        for (const a of attachers) a.finish(SUCCESS);
        attachers.clear();
        reportExit(rt, t, 'details' in status ? exitCodeOf(status) : 0);
      },
    });
    p = {attachers, session, container};
    byRuntime.set(key, p);
  }
  const proc = p;
  proc.attachers.add(transport);
  return {
    stdin: (d) => proc.session.stdin(d),
    resize: (cols, rows) => proc.session.resize(cols, rows),
    // a detaching client closes the container's stdin only with stdinOnce
    stdinEnd: () => proc.container.stdinOnce && proc.session.stdinEnd(),
    abort: () => {
      if (!proc.attachers.delete(transport)) return;
      if (proc.container.stdinOnce) proc.session.stdinEnd();
    },
  };
}

/** the exit code carried by exitStatus()'s Status */
function exitCodeOf(status: object): number {
  const causes = (status as {details?: {causes?: {reason?: string; message?: string}[]}}).details?.causes ?? [];
  return Number(causes.find((c) => c.reason === 'ExitCode')?.message ?? 1);
}

/**
 * The kubelet sees the process gone: an ephemeral container is terminated for good; an app container is terminated
 * and the kubelet's stages restart it or complete the pod as its restartPolicy says (`kubectl run -i --rm
 * --restart=Never` waits for that).
 */
function reportExit(rt: SandboxRuntime, t: ExecTarget, exitCode: number): void {
  const pod = rt.store.get(rt.podsType, t.pod.namespace, t.pod.name) as Typed<Pod> | undefined;
  if (!pod || pod.metadata.uid !== t.pod.uid || pod.metadata.deletionTimestamp) return;
  const now = nowStamp(rt.clock);
  if (!t.pod.ephemeralContainers.some((c) => c.name === t.container)) {
    if (t.pod.containers.some((c) => c.name === t.container))
      writeStatus(rt.store, rt.podsType, pod, exitedStatus(pod, new Map([[t.container, exitCode]]), now));
    return;
  }
  const list = ephemeralStatuses(pod);
  if (!list.some((s) => s.name === t.container && s.state?.running)) return;
  writeStatus(rt.store, rt.podsType, pod, {
    ...pod.status,
    ephemeralContainerStatuses: list.map((s) => (s.name === t.container ? terminatedStatus(s, exitCode, now) : s)),
  });
}

/** an app server's PID 1: the attacher sees what it writes from now on, until it leaves or the pod goes */
function followLog(rt: SandboxRuntime, t: ExecTarget, transport: ExecTransport): ExecSession {
  const logs = rt.logs.container(t.pod, t.container);
  const follow = logs?.current.follow((l) => transport.stdout(Buffer.from(`${l.text}\n`)));
  const deleted = rt.onPodDeleted(t.pod.namespace, t.pod.name, () => end());
  const end = () => {
    follow?.dispose();
    deleted.dispose();
    transport.finish(SUCCESS);
  };
  return {stdin: () => undefined, resize: () => undefined, stdinEnd: () => undefined, abort: end};
}
