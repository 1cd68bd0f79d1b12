/**
 * One learner's sandbox as the backend sees it: the API sandbox holding the objects, the command token its shims
 * present, its kubeconfig file and workspace, and the k3d cluster it runs (one at a time: the API sandbox is the
 * cluster) with that cluster's controllers and mesh. What the k3d, docker and istioctl commands use of it is
 * `CommandSandbox`. Saved in `<stateDir>/sandbox-backend/<name>/sandbox.json`.
 */
import {randomBytes, randomInt} from 'node:crypto';
import {
  chownSync,
  closeSync,
  constants,
  existsSync,
  fchownSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import type {ClientCertificate, Sandbox, SandboxApi} from '../api/index';
import {K3S_VERSION} from '../versions';
import {bootCluster, resumeCluster, type ClusterRuntime, type ClusterSpec} from '../cluster/index';
import {addedNodePlan, planNodes} from '../cluster/cluster-spec';
import {startMesh, type Mesh} from '../mesh/index';
import type {CommandSandbox} from '../commands/types';
import {NODE_COMMANDS, type NodeCommand} from '../runtime/node/node-commands';
import {nodeProcesses, type NodeProcess} from '../runtime/node/node-processes';
import {newContainerId, type NodeContainer} from '../cluster/cluster-record';
import type {PodRuntime} from '../runtime/index';
import {catalogEngine} from '../runtime/container-engine';
import type {ClusterRecord} from '../cluster/cluster-record';
import {mergeCluster, removeCluster, type ClusterCredentials} from '../commands/k3d/kubeconfig-file';
import {loadSavedSandbox, savedSandboxPath, type SavedSandbox} from './saved-sandbox';
import type {WorkLane, WorkLoop} from '../kit/work-loop';
import {parse, stringify} from 'yaml';
import type {IsolatedOwner} from '../../types';
import {PublishedPorts} from './published-ports';
import {freeLoopbackPort} from './listen-loopback';
import {resolveKinds} from '../api/kinds';
import {EventRecorder} from '../cluster/event-recorder';
import {startHpaController} from '../runtime/metrics/hpa-controller';
import type {Disposable} from '../kit/disposable';

export interface LearnerSandboxPaths {
  /** <stateDir>/sandbox-backend/<name> */
  dir: string;
  /** the learner's shell starts here */
  workspace: string;
}

export class ClusterError extends Error {}

export class LearnerSandbox implements CommandSandbox {
  private runtime: ClusterRuntime | undefined;
  /** istiod, istio-cni and ztunnel's part; idle until `istioctl install` */
  private mesh: Mesh | undefined;
  /** the horizontal-pod-autoscaler controller: it reads the runtime's resource metrics, so it starts here */
  private hpa: Disposable | undefined;
  private record: ClusterRecord | undefined;
  /**
   * a workshop attendee's uid/gid: their isolated shell (another uid than the lab's) must read and write the
   * kubeconfig (kubectl config use-context) and its folder, which the lab writes as root
   */
  private owner: IsolatedOwner | undefined;
  /**
   * an attendee's sandbox, now or before a restart (saved): it never publishes on the host's ports, also while its
   * shell is not back yet (only that shell's network has them)
   */
  private isolated = false;
  /**
   * the cluster's API port could not be listened on (something else holds it): its kubeconfig keeps the shared
   * port's URL, as the lab must not fail a step over a port the learner cannot see
   */
  private apiPortTaken = false;
  /** the host ports `k3d cluster create -p` published on the load balancer */
  private readonly published: PublishedPorts;

  private constructor(
    readonly learner: string,
    readonly name: string,
    readonly commandToken: string,
    readonly paths: LearnerSandboxPaths,
    private readonly api: SandboxApi,
    private readonly podRuntime: PodRuntime,
    /** this sandbox's turn in the server's work loop: its cluster's and its mesh's controllers share it */
    private readonly lane: WorkLane,
    onProblem?: (message: string, detail: Record<string, unknown>) => void,
  ) {
    this.published = new PublishedPorts({
      store: () => this.store,
      runtime: () => this.podRuntime.sandbox(this.name),
      onProblem: onProblem && ((message, detail) => onProblem(message, {sandbox: name, ...detail})),
    });
  }

  static open(
    learner: string,
    name: string,
    paths: LearnerSandboxPaths,
    api: SandboxApi,
    podRuntime: PodRuntime,
    workLoop: WorkLoop,
    onProblem?: (message: string, detail: Record<string, unknown>) => void,
  ): LearnerSandbox {
    // none on first use (or set aside when unreadable): a new token below
    const saved = loadSavedSandbox(paths.dir, onProblem);
    const s = new LearnerSandbox(
      saved?.learner ?? learner,
      name,
      saved?.commandToken ?? randomBytes(24).toString('hex'),
      paths,
      api,
      podRuntime,
      workLoop.lane(),
      onProblem,
    );
    s.record = saved?.cluster;
    s.isolated = saved?.isolated ?? false;
    mkdirSync(paths.workspace, {recursive: true, mode: 0o700});
    api.sandboxes.ensure(name);
    s.save();
    return s;
  }

  /**
   * From now on the learner's shell runs as this uid (a workshop attendee): it gets its own copy of the kubeconfig,
   * and with `owner.net` the cluster's published ports and `--api-port` listen in that shell's network only.
   */
  async setOwner(owner: IsolatedOwner): Promise<void> {
    // the first owner, or a private network given or taken: the cluster's listeners move
    const moved = !this.owner || Boolean(owner.net) !== Boolean(this.owner.net);
    this.owner = owner;
    if (!this.isolated) {
      this.isolated = true;
      this.save();
    }
    const r = this.record;
    if (moved && r?.state === 'running') {
      await this.expose(r);
      this.mergeKubeconfig(this.credentials(r.name), false);
    } else if (moved) await this.published.close();
    this.syncShellKubeconfig();
  }

  /** the kubeconfig of the learner's shell: the lab's own file, or for an isolated shell its copy (see below) */
  get shellKubeconfigPath(): string {
    return this.owner ? path.join(this.shellKubeDir, 'config') : this.kubeconfigPath;
  }

  /** the folder an isolated shell may write (its kubeconfig copy); the lab's own folder stays root's */
  get shellKubeDir(): string {
    return path.join(this.paths.dir, 'shell-kube');
  }

  /** merges a cluster's entries into the learner's kubeconfig (k3d cluster create, k3d kubeconfig merge) */
  mergeKubeconfig(c: ClusterCredentials, switchContext: boolean): void {
    mergeCluster(this.kubeconfigPath, c, switchContext);
    this.syncShellKubeconfig();
  }

  /**
   * An isolated shell's kubeconfig is a copy the attendee owns (kubectl config use-context writes it), never the
   * file the lab itself reads: the lab runs kubectl as root for verify commands and the cluster picture, and a
   * kubeconfig the attendee wrote could name an exec credential plugin, i.e. a command root would run. The copy is
   * written without following links (a new file, then a rename over whatever the attendee put there).
   */
  syncShellKubeconfig(): void {
    const owner = this.owner;
    if (!owner) return;
    const dir = this.shellKubeDir;
    mkdirSync(dir, {recursive: true, mode: 0o700});
    chownSync(dir, owner.uid, owner.gid);
    const target = path.join(dir, 'config');
    if (!existsSync(this.kubeconfigPath)) {
      rmSync(target, {force: true});
      return;
    }
    const temp = path.join(dir, `.config-${randomBytes(8).toString('hex')}`);
    const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, this.shellKubeconfigText());
      fchownSync(fd, owner.uid, owner.gid);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  }

  /**
   * The lab's kubeconfig as the shell sees it: with `--api-port` in the shell's own network, the cluster's server is
   * https://0.0.0.0:<port> there (as k3d writes it) while the lab's file keeps the shared port it can reach.
   */
  private shellKubeconfigText(): string {
    const text = readFileSync(this.kubeconfigPath, 'utf8');
    const inside = this.shellServer();
    if (!inside) return text;
    const labUrl = this.api.serverUrl(this.name);
    const doc = parse(text) as {clusters?: Array<{cluster?: {server?: string}}>} | null;
    for (const c of doc?.clusters ?? []) if (c.cluster?.server === labUrl) c.cluster.server = inside;
    return stringify(doc);
  }

  /** the learner's kubeconfig file (KUBECONFIG of the shell); absent until a cluster exists, as on a fresh laptop */
  get kubeconfigPath(): string {
    return path.join(this.paths.dir, 'kubeconfig.yaml');
  }

  /** the API sandbox (objects, store); replaced by a fresh one when the cluster is deleted */
  get apiSandbox(): Sandbox {
    return this.api.sandboxes.ensure(this.name);
  }

  get cluster(): ClusterRecord | undefined {
    return this.record;
  }

  get store() {
    return this.apiSandbox.store;
  }

  /** the cluster's mesh, while the cluster runs (idle until `istioctl install`) */
  get runningMesh(): Mesh | undefined {
    return this.mesh;
  }

  get nodeCommands(): ReadonlyMap<string, NodeCommand> {
    return new Map([...NODE_COMMANDS, ...(this.mesh?.nodeCommands ?? [])]);
  }

  nodeProcesses(node: NodeContainer): NodeProcess[] {
    const own = this.record ? nodeProcesses(this.store, this.record, node) : [];
    return this.mesh ? this.mesh.nodeProcesses(own) : own;
  }

  get unpublishedPorts(): readonly string[] {
    return this.published.taken;
  }

  credentials(cluster: string): ClusterCredentials {
    const server = this.labServer() ?? this.api.serverUrl(this.name);
    return {cluster, server, token: this.apiSandbox.token, caCert: this.api.caCert};
  }

  /**
   * The server URL k3d writes for the cluster, https://0.0.0.0:<its API port> (pkg/client/kubeconfig.go
   * KubeconfigGet, v5.8.3), whether the cluster runs or not: a stopped cluster's port refuses. Undefined where the
   * lab's kubeconfig keeps the shared port: an attendee's cluster (its port is in the shell's network only), or a
   * port something else held.
   */
  private labServer(): string | undefined {
    const r = this.record;
    return r && !this.isolated && !this.apiPortTaken ? `https://0.0.0.0:${r.apiPort}` : undefined;
  }

  /** the cluster's URL inside an owner's private network (owner.net), where the shell's kubeconfig copy points */
  private shellServer(): string | undefined {
    const r = this.record;
    return r && this.owner?.net && !this.apiPortTaken ? `https://0.0.0.0:${r.apiPort}` : undefined;
  }

  /**
   * k3d without `--api-port` takes a free host port (cmd/cluster/clusterCreate.go, cmd/util/ports.go GetFreePort,
   * v5.8.3); in an attendee's own network, one of Linux's ephemeral ports that no socket of its bridge holds.
   */
  private async freeApiPort(r: ClusterRecord): Promise<number> {
    const net = this.owner?.net;
    if (!net) return freeLoopbackPort();
    const published = new Set(r.ports.map((p) => p.hostPort));
    for (let i = 0; i < 100; i++) {
      const port = randomInt(32768, 61000);
      if (!published.has(port) && !existsSync(net.socketPath(port))) return port;
    }
    // k3d's own fallback when it finds no free port: the API's internal port
    return 6443;
  }

  clientCertificate(): Promise<ClientCertificate> {
    return this.api.clientCertificate(this.name);
  }

  /** after a restart: controllers back on, kubeconfig pointed at the API's current address */
  async resume(): Promise<void> {
    const r = this.record;
    if (!r) return;
    if (r.state === 'running') await this.expose(r);
    this.mergeKubeconfig(this.credentials(r.name), false);
    // resumeCluster keeps a cluster that was stopped before the restart stopped
    this.runtime = resumeCluster(this.apiSandbox, specOf(r), {lane: this.lane, engine: catalogEngine()});
    this.startMesh();
  }

  async createCluster(record: ClusterRecord, opts: {switchContext: boolean; updateKubeconfig: boolean}): Promise<void> {
    if (this.record)
      throw new ClusterError(
        `Failed to create cluster '${record.name}' because a cluster with that name already exists`,
      );
    this.apiPortTaken = false;
    if (!record.apiPort) record.apiPort = await this.freeApiPort(record);
    this.record = record;
    this.save();
    this.runtime = await bootCluster(this.apiSandbox, specOf(record), {lane: this.lane, engine: catalogEngine()});
    this.startMesh();
    await this.expose(record);
    if (opts.updateKubeconfig) this.mergeKubeconfig(this.credentials(record.name), opts.switchContext);
  }

  async deleteCluster(): Promise<void> {
    const r = this.record;
    if (!r) return;
    this.stopMesh();
    await this.runtime?.dispose();
    this.runtime = undefined;
    await this.unexpose();
    this.apiPortTaken = false;
    // the objects go with the cluster: a fresh API sandbox (new token) for the next `cluster create`
    this.api.sandboxes.delete(this.name);
    this.api.sandboxes.create(this.name);
    removeCluster(this.kubeconfigPath, r.name);
    this.syncShellKubeconfig();
    this.record = undefined;
    this.save();
  }

  async stopCluster(): Promise<void> {
    if (!this.record || this.record.state === 'stopped') return;
    await this.runtime?.stop();
    // a stopped k3d cluster's API port is closed: kubectl gets "connection refused" there too
    await this.unexpose();
    this.record.state = 'stopped';
    this.save();
  }

  async startCluster(): Promise<void> {
    const r = this.record;
    if (!r || r.state === 'running') return;
    // k3d starts every node of the cluster, those `k3d node stop` stopped too (pkg/client/cluster.go ClusterStart)
    const stopped = (r.stoppedNodes ?? []).map((n) => specPlan(r, n)).filter((p) => p !== undefined);
    r.stoppedNodes = [];
    if (this.runtime) await this.runtime.start();
    else {
      this.runtime = resumeCluster(this.apiSandbox, specOf(r), {lane: this.lane, engine: catalogEngine()});
      this.startMesh();
    }
    await Promise.all(stopped.map((p) => this.runtime?.nodeUp(p)));
    await this.expose(r);
    // the port is held by something else now: the kubeconfig falls back to the shared port (see apiPortTaken)
    if (this.apiPortTaken) this.mergeKubeconfig(this.credentials(r.name), false);
    r.state = 'running';
    this.save();
  }

  /**
   * `k3d node create NAME --replicas N`: agents k3d-NAME-0 … join the cluster (each on the next address and pod
   * CIDR); resolves once they registered, as k3d waits for them.
   */
  async addAgents(names: string[]): Promise<void> {
    const r = this.record;
    if (!r) throw new ClusterError('no cluster');
    const added = (r.addedNodes ??= []);
    let slot = Math.max(-1, ...added.map((a) => a.slot)) + 1;
    const plans = names.map((name) => {
      // a name used before (created, deleted, created again): a new container in a new place
      r.addedNodes = (r.addedNodes ?? []).filter((a) => a.name !== name);
      r.removedNodes = (r.removedNodes ?? []).filter((n) => n !== name);
      r.stoppedNodes = (r.stoppedNodes ?? []).filter((n) => n !== name);
      const a = {name, slot: slot++, createdAt: this.store.clock.now().toISOString()};
      r.addedNodes.push(a);
      r.containerIds[name] = newContainerId();
      return addedNodePlan(r, a);
    });
    this.save();
    if (r.state === 'running') await Promise.all(plans.map((p) => this.runtime?.nodeUp(p)));
  }

  /** `k3d node delete`: the container goes; its Node stays behind, NotReady (k3d-io/k3d#267) */
  removeNode(name: string): void {
    const r = this.record;
    if (!r) return;
    r.removedNodes = [...new Set([...(r.removedNodes ?? []), name])];
    r.stoppedNodes = (r.stoppedNodes ?? []).filter((n) => n !== name);
    delete r.containerIds[name];
    this.save();
    this.runtime?.nodeDown(name);
  }

  /** `k3d node stop`: the container stops; its Node turns NotReady */
  stopNode(name: string): void {
    const r = this.record;
    if (!r || (r.stoppedNodes ?? []).includes(name)) return;
    r.stoppedNodes = [...(r.stoppedNodes ?? []), name];
    this.save();
    this.runtime?.nodeDown(name);
  }

  /** `k3d node start`: the container runs again; its Node turns Ready once k3s is back */
  async startNode(name: string): Promise<void> {
    const r = this.record;
    if (!r || !(r.stoppedNodes ?? []).includes(name)) return;
    r.stoppedNodes = r.stoppedNodes!.filter((n) => n !== name);
    this.save();
    const plan = specPlan(r, name);
    // while the cluster is stopped the node comes up with it (the runtime waits for that)
    if (plan) await this.runtime?.nodeUp(plan);
  }

  /**
   * The cluster's API port (`--api-port N`, or the free port k3d chose): the sandbox also answers on 127.0.0.1:N
   * without a path prefix, and the kubeconfig says https://0.0.0.0:N, as k3d's does. When N is taken (another
   * learner of a workshop has it) the sandbox keeps its shared-port URL: a lab must not fail a step over a port the
   * learner cannot see.
   */
  private async expose(r: ClusterRecord): Promise<void> {
    // a workshop attendee's ports in their own network; host ports would be every attendee's (no token guards
    // them), so an attendee without one (no shell yet after a restart, or no private network) publishes none; a
    // lone learner gets the host's
    const net = this.owner?.net;
    if (net || !this.isolated) await this.published.open(r, net ?? {host: '127.0.0.1'});
    else await this.published.close();
    if (this.isolated && !net) {
      await this.api.unexposeSandbox(this.name);
      return;
    }
    try {
      if (!net) {
        await this.api.exposeSandbox(this.name, {port: r.apiPort, advertiseHost: '0.0.0.0'});
      } else {
        // in the attendee's own network: every attendee has their 6550, and the lab keeps the shared URL
        const socketPath = net.socketPath(r.apiPort);
        rmSync(socketPath, {force: true});
        await this.api.exposeSandbox(this.name, {port: r.apiPort, advertiseHost: '0.0.0.0', path: socketPath});
        net.own(socketPath);
      }
      this.apiPortTaken = false;
    } catch {
      this.apiPortTaken = true;
    }
  }

  /** the cluster's ports close (k3d cluster stop, delete); its kubeconfig keeps naming them */
  private async unexpose(): Promise<void> {
    await this.published.close();
    await this.api.unexposeSandbox(this.name);
  }

  /** controllers off (lab shutting down); state stays on disk */
  async dispose(): Promise<void> {
    this.stopMesh();
    await this.runtime?.dispose();
    this.runtime = undefined;
    await this.unexpose();
    this.lane.dispose();
  }

  /** the mesh runs on the cluster's store: a deleted cluster's store is replaced, so the mesh is per cluster */
  private startMesh(): void {
    this.stopMesh();
    const store = this.apiSandbox.store;
    this.mesh = startMesh({
      store,
      clock: store.clock,
      lane: this.lane,
      appendLog: (ns, pod, container, line, time) =>
        this.podRuntime.appendLog(this.name, ns, pod, container, line, time),
    });
    const kinds = resolveKinds(store);
    this.hpa = startHpaController({
      store,
      clock: store.clock,
      kinds,
      events: new EventRecorder(store, kinds, store.clock),
      runtime: () => this.podRuntime.sandbox(this.name),
      lane: this.lane,
    });
  }

  private stopMesh(): void {
    this.mesh?.dispose();
    this.mesh = undefined;
    this.hpa?.dispose();
    this.hpa = undefined;
  }

  private save(): void {
    const file = savedSandboxPath(this.paths.dir);
    mkdirSync(this.paths.dir, {recursive: true, mode: 0o700});
    const body: SavedSandbox = {
      version: 1,
      learner: this.learner,
      name: this.name,
      commandToken: this.commandToken,
      ...(this.isolated ? {isolated: true} : {}),
      ...(this.record ? {cluster: this.record} : {}),
    };
    writeFileSync(`${file}.tmp`, JSON.stringify(body, null, 2), {mode: 0o600});
    renameSync(`${file}.tmp`, file);
  }
}

export function specOf(r: ClusterRecord): ClusterSpec {
  return {
    name: r.name,
    servers: r.servers,
    agents: r.agents,
    k3sVersion: r.k3sVersion ?? K3S_VERSION,
    image: r.image,
    disableTraefik: r.disableTraefik,
    added: r.addedNodes ?? [],
    down: [...(r.removedNodes ?? []), ...(r.stoppedNodes ?? [])],
  };
}

/** the node plan of one of the cluster's k3s node containers */
function specPlan(r: ClusterRecord, name: string) {
  return planNodes(specOf(r)).find((p) => p.name === name);
}
