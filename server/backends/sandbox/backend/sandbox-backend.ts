/**
 * The sandbox backend: one sandbox API, one command server and one offline mirror for the whole lab process; one
 * LearnerSandbox per learner, created on first use and restored (with its cluster's controllers) after a restart.
 */
import {execFile} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {existsSync, readdirSync, rmSync, mkdirSync} from 'node:fs';
import path from 'node:path';
import {promisify} from 'node:util';
import {startSandboxApi, type SandboxApi} from '../api/index';
import type {Backend, DoctorCheck, IsolatedOwner, IsolatedPaths, LearnerId, ShellEnvironment} from '../../types';
import type {RequestPath} from '../../../../src/core/protocol/cluster-picture';
import {
  defaultNetworkModel,
  installPodRuntime,
  type NetworkModel,
  type PodRuntime,
  type SandboxRuntime,
} from '../runtime/index';
import type {Mesh} from '../mesh/index';
import {systemClock, type Clock} from '../kit/clock';
import {clockLoop, WorkLoop} from '../kit/work-loop';
import {startCommandServer, type CommandServer} from './command-server';
import type {ControlRequest} from './control-request';
import {currentContext, reachesSandbox} from './kubeconfig-context';
import {LearnerSandbox} from './learner-sandbox';
import {startOfflineMirror, type OfflineMirror} from './offline-mirror';
import {readPorts, writePorts} from './ports-file';
import {loadSavedSandbox} from './saved-sandbox';
import {sandboxNameFor} from './sandbox-names';
import {kubectlOnPath, SEALED_COMMANDS, sandboxSeal, sandboxShellEnv, shimsDir} from './shell-env';
import {StateLock} from './state-lock';

const run = promisify(execFile);

export interface SandboxBackendOptions {
  stateDir: string;
  /** problems worth telling the operator (corrupt state, failed saves); never thrown */
  onProblem?: (message: string, detail: Record<string, unknown>) => void;
  /** the time every sandbox's store, controllers, mesh and pods run on (tests inject a ManualClock) */
  clock?: Clock;
  /**
   * Where every sandbox's controllers take turns (kit/work-loop.ts). Default: yield to I/O with setImmediate; with
   * an injected clock, turns run on that clock so `clock.advance()` drives them.
   */
  workLoop?: WorkLoop;
}

/** one row of `lab sandbox list` */
export interface SandboxSummary {
  name: string;
  learner: string;
  cluster: string;
  state: string;
  objects: number;
}

export type {ControlRequest} from './control-request';

export class SandboxBackend implements Backend {
  readonly name = 'sandbox' as const;
  private readonly learners = new Map<string, LearnerSandbox>();
  private readonly opening = new Map<string, Promise<LearnerSandbox>>();
  private disposed: Promise<void> | undefined;
  /** the real kubectl behind our launcher, found once on the lab's PATH */
  private kubectl: {path: string | undefined} | undefined;

  private constructor(
    private readonly stateDir: string,
    private readonly api: SandboxApi,
    private readonly podRuntime: PodRuntime,
    private readonly mirror: OfflineMirror,
    private commands: CommandServer | undefined,
    private readonly lock: StateLock,
    readonly controlToken: string,
    private readonly onProblem: SandboxBackendOptions['onProblem'],
    private readonly workLoop: WorkLoop,
  ) {}

  static async start(opts: SandboxBackendOptions): Promise<SandboxBackend> {
    const root = path.join(opts.stateDir, 'sandbox-backend');
    const lock = StateLock.acquire(opts.stateDir);
    const opened: Array<() => Promise<unknown> | unknown> = [];
    try {
      const portsFile = path.join(root, 'ports.json');
      const ports = readPorts(portsFile, opts.onProblem);
      const clock = opts.clock ?? systemClock;
      const apiOpts = {
        clock,
        stateDir: opts.stateDir,
        host: '127.0.0.1',
        onProblem: opts.onProblem,
        // the simulated kubelet stops containers: `kubectl delete pod` shows Terminating and waits, as on k3s; the
        // cluster's garbage collector deletes what an owner leaves, after the DELETE is answered
        store: {gracefulPodDeletion: true, backgroundCollection: true},
      };
      // the last run's ports first: kubeconfigs and shells opened with `lab sandbox env` keep working after a restart
      const api = await startSandboxApi({...apiOpts, port: ports.api ?? 0}).catch(() =>
        startSandboxApi({...apiOpts, port: 0}),
      );
      opened.push(() => api.close());
      // pods' logs, exec and port-forward
      const podRuntime = installPodRuntime(api, {clock});
      opened.push(() => podRuntime.dispose());
      const mirror = await startOfflineMirror({dir: path.join(root, 'mirror'), preferredPort: ports.mirror});
      opened.push(() => mirror.close());
      const controlToken = randomBytes(24).toString('hex');
      const backend = new SandboxBackend(
        opts.stateDir,
        api,
        podRuntime,
        mirror,
        undefined,
        lock,
        controlToken,
        opts.onProblem,
        opts.workLoop ?? (opts.clock ? clockLoop(opts.clock) : new WorkLoop()),
      );
      // in-pod traffic takes the path of the sandbox's mesh once Istio is installed in it
      podRuntime.setNetworkModel((rt) => meshOrPlainNetwork(rt, backend));
      backend.commands = await startCommandServer({
        sandboxForToken: (t) => backend.byToken(t),
        controlToken,
        control: (r) => backend.control(r),
        preferredPort: ports.commands,
      });
      opened.push(() => backend.commands?.close());
      await backend.restoreAll();
      lock.advertise(backend.commands.url, controlToken);
      mkdirSync(root, {recursive: true, mode: 0o700});
      const apiPort = Number(new URL(api.url).port);
      writePorts(portsFile, {
        api: apiPort,
        commands: backend.commands.port,
        mirror: Number(new URL(mirror.proxyUrl).port),
      });
      return backend;
    } catch (e) {
      for (const close of opened.reverse()) await close();
      lock.release();
      throw e;
    }
  }

  /** the API every sandbox lives in (controllers and tests build on it) */
  get sandboxApi(): SandboxApi {
    return this.api;
  }

  /** the command server's URL (LAB_SANDBOX_URL) */
  get commandUrl(): string {
    return this.commands!.url;
  }

  async shellEnvironment(learner: LearnerId): Promise<ShellEnvironment> {
    const sandbox = await this.sandboxFor(learner);
    const basePath = process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
    const env = sandboxShellEnv({
      sandbox,
      commandUrl: this.commands!.url,
      proxyUrl: this.mirror.proxyUrl,
      caBundle: this.mirror.caBundle,
      kubeCacheDir: path.join(sandbox.paths.dir, 'kube-cache'),
      basePath,
      kubectl: (this.kubectl ??= {path: kubectlOnPath(basePath)}).path,
      node: process.execPath,
    });
    return {env, cwd: sandbox.paths.workspace, seal: sandboxSeal(env)};
  }

  async prepareIsolated(learner: LearnerId, owner: IsolatedOwner): Promise<IsolatedPaths> {
    const sandbox = await this.sandboxFor(learner);
    await sandbox.setOwner(owner);
    // the folder, not the file: the lab replaces the kubeconfig, and a bind of a file would keep the old one
    return {
      readOnly: [shimsDir(), this.mirror.caBundle],
      readWrite: [sandbox.shellKubeDir],
      env: {KUBECONFIG: sandbox.shellKubeconfigPath},
      // what the shell's URLs name: the API's shared port (kubeconfig), the command server, the mirror (proxy)
      loopbackPorts: [this.api.url, this.commands!.url, this.mirror.proxyUrl].map((u) => Number(new URL(u).port)),
    };
  }

  async resetLearner(learner: LearnerId): Promise<void> {
    const sandbox = await this.sandboxFor(learner);
    await this.reset(sandbox.name);
  }

  /** the learner's kubeconfig sends kubectl elsewhere (edited by hand): refused before every step */
  async contextProblem(learner: LearnerId): Promise<{expected: string; actual: string} | null> {
    const sandbox = await this.sandboxFor(learner);
    const current = currentContext(sandbox.kubeconfigPath);
    if (!current) return null;
    // the API's shared port, and the cluster's own API port (--api-port or the one k3d chose; open while it runs)
    const ports = [Number(new URL(this.api.url).port)];
    if (sandbox.cluster) ports.push(sandbox.cluster.apiPort);
    if (reachesSandbox(current.server, ports)) return null;
    return {
      expected: `current-context=${this.api.serverUrl(sandbox.name)}`,
      actual: `current-context=${current.context} (${current.server ?? 'no server'})`,
    };
  }

  /** the mesh model's record of the learner's last in-mesh request (gone with the cluster it ran in) */
  async lastRequestPath(learner: LearnerId): Promise<RequestPath | undefined> {
    const sandbox = await this.sandboxFor(learner);
    const p = sandbox.runningMesh?.traffic.lastPath;
    if (!p) return undefined;
    return {
      at: p.at,
      from: {...p.from},
      method: p.method,
      url: p.url,
      result: p.result,
      hops: p.hops.map((h) => ({kind: h.kind, namespace: h.namespace, pod: h.pod, ...(h.node ? {node: h.node} : {})})),
    };
  }

  /** the learner's sandbox, created on first use */
  sandboxFor(learner: LearnerId): Promise<LearnerSandbox> {
    if (this.disposed) return Promise.reject(new Error('the sandbox backend is closed'));
    const name = sandboxNameFor(learner);
    const have = this.learners.get(name);
    if (have) return Promise.resolve(have);
    let p = this.opening.get(name);
    if (!p) {
      p = Promise.resolve().then(() => this.open(learner, name));
      this.opening.set(name, p);
      void p.finally(() => this.opening.delete(name)).catch(() => {});
    }
    return p;
  }

  list(): SandboxSummary[] {
    return [...this.learners.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((s) => ({
        name: s.name,
        learner: s.learner,
        cluster: s.cluster?.name ?? '',
        state: s.cluster?.state ?? 'no cluster',
        objects: s.apiSandbox.store.snapshot().objects.length,
      }));
  }

  /** back to a fresh laptop: no cluster, no kubeconfig; the workspace's files stay */
  async reset(name: string): Promise<void> {
    const s = this.mustGet(name);
    await s.deleteCluster();
    rmSync(s.kubeconfigPath, {force: true});
    s.syncShellKubeconfig();
    rmSync(path.join(s.paths.dir, 'kube-cache'), {recursive: true, force: true});
  }

  /** gone entirely: objects, kubeconfig, token (its open shells stop working), workspace */
  async delete(name: string): Promise<void> {
    const s = this.mustGet(name);
    await s.dispose();
    this.learners.delete(name);
    if (this.api.sandboxes.get(name)) this.api.sandboxes.delete(name);
    rmSync(s.paths.dir, {recursive: true, force: true});
    rmSync(s.paths.workspace, {recursive: true, force: true});
  }

  /** what another `lab` process asks through the command server's /control (checked there) */
  async control(r: ControlRequest): Promise<unknown> {
    switch (r.op) {
      case 'env':
        return this.shellEnvironment(r.learner);
      case 'list':
        return this.list();
      case 'reset':
        await this.reset(r.name);
        return {ok: true};
      case 'delete':
        await this.delete(r.name);
        return {ok: true};
    }
  }

  async doctor(): Promise<DoctorCheck[]> {
    const checks: DoctorCheck[] = [];
    const probe = async (name: string, cmd: string, args: string[], pick: (out: string) => string, fix: string) => {
      try {
        const {stdout} = await run(cmd, args, {timeout: 10_000});
        checks.push({name, ok: true, detail: pick(stdout)});
      } catch (e) {
        checks.push({
          name,
          ok: false,
          detail:
            (e as NodeJS.ErrnoException).code === 'ENOENT'
              ? 'not found on PATH'
              : String((e as Error).message).split('\n')[0]!,
          fix,
        });
      }
    };
    await probe(
      'kubectl',
      'kubectl',
      ['version', '--client', '-o', 'json'],
      (o) => {
        const version = (JSON.parse(o) as {clientVersion?: {gitVersion?: string}}).clientVersion?.gitVersion;
        // Google Cloud SDK's kubectl picks a kubectl for the cluster's version and starts it: two programs per call
        // (measured 0.24 CPU-s against 0.12 for a plain kubectl), which a workshop of many attendees feels
        return version?.endsWith('-dispatcher')
          ? `${version} (Google Cloud SDK's dispatcher: every call also starts a second kubectl; a plain kubectl first on PATH costs half)`
          : (version ?? 'found');
      },
      'install kubectl: https://kubernetes.io/docs/tasks/tools/ (the sandbox drives the real one)',
    );
    await probe('bash', 'bash', ['-c', 'echo $BASH_VERSION'], (o) => o.trim(), 'install bash 4 or later');
    const shims = SEALED_COMMANDS;
    const missing = shims.filter((c) => !existsSync(path.join(shimsDir(), c)));
    checks.push({
      name: 'sandbox commands',
      ok: missing.length === 0,
      detail:
        missing.length === 0
          ? `${shims.join(', ')} from ${shimsDir()}`
          : `missing from ${shimsDir()}: ${missing.join(', ')}`,
      ...(missing.length ? {fix: 'reinstall the lab (git checkout, then npm ci): the launchers ship with it'} : {}),
    });
    checks.push({
      name: 'sandbox API',
      ok: true,
      detail: `self-contained, serving at ${this.api.url}; no Docker needed`,
    });
    checks.push({
      name: 'cluster simulation',
      ok: true,
      detail: 'nodes, controllers, system pods, pod runtime, Istio mesh',
    });
    return checks;
  }

  dispose(): Promise<void> {
    this.disposed ??= (async () => {
      await Promise.allSettled([...this.opening.values()]);
      await this.commands?.close();
      for (const s of this.learners.values()) await s.dispose();
      this.learners.clear();
      this.podRuntime.dispose();
      await this.mirror.close();
      await this.api.close();
      this.lock.release();
    })();
    return this.disposed;
  }

  /** the mesh running on a store, if that store is a learner's cluster */
  meshOf(store: SandboxRuntime['store']): Mesh | undefined {
    for (const s of this.learners.values()) if (s.runningMesh && s.store === store) return s.runningMesh;
    return undefined;
  }

  private byToken(token: string): LearnerSandbox | undefined {
    for (const s of this.learners.values()) if (s.commandToken === token) return s;
    return undefined;
  }

  private mustGet(name: string): LearnerSandbox {
    const s = this.learners.get(name);
    if (!s) throw new Error(`no sandbox named "${name}" (lab sandbox list shows them)`);
    return s;
  }

  private open(learner: string, name: string): LearnerSandbox {
    const s = LearnerSandbox.open(
      learner,
      name,
      {
        dir: path.join(this.stateDir, 'sandbox-backend', 'sandboxes', name),
        workspace: path.join(this.stateDir, 'workspaces', learner),
      },
      this.api,
      this.podRuntime,
      this.workLoop,
      this.onProblem,
    );
    this.learners.set(name, s);
    return s;
  }

  /** every sandbox saved by an earlier run, with its cluster resumed */
  private async restoreAll(): Promise<void> {
    const dir = path.join(this.stateDir, 'sandbox-backend', 'sandboxes');
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      // none: not a sandbox of ours; unreadable: set aside and reported, and made afresh when its learner comes
      const learner = loadSavedSandbox(path.join(dir, name), this.onProblem)?.learner;
      if (learner === undefined || sandboxNameFor(learner) !== name) continue;
      const s = this.open(learner, name);
      try {
        await s.resume();
      } catch (e) {
        // one sandbox's broken cluster must not keep the lab (and everyone else's sandbox) from starting; its
        // objects stay, and the learner can `k3d cluster delete` and create it again
        this.onProblem?.(`sandbox "${name}": could not resume its cluster`, {
          error: e instanceof Error ? e.message : String(e),
        });
      }
    }
  }
}

/**
 * A sandbox runtime's network: its cluster's mesh when one runs (looked up per request, since the mesh comes and
 * goes with `k3d cluster create|delete`), else plain Kubernetes networking.
 */
function meshOrPlainNetwork(rt: SandboxRuntime, backend: SandboxBackend): NetworkModel {
  const plain = defaultNetworkModel(rt);
  let cached: {mesh: Mesh; model: NetworkModel} | undefined;
  return {
    request(req) {
      const mesh = backend.meshOf(rt.store);
      if (!mesh) return plain.request(req);
      if (cached?.mesh !== mesh) cached = {mesh, model: mesh.network(rt)};
      return cached.model.request(req);
    },
  };
}
