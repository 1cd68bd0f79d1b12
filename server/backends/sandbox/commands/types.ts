/**
 * What a sandbox command (k3d, docker, istioctl) gets when the shim on the learner's PATH runs it: the CommandIO
 * (argv, cwd, terminal facts, output streams, lazily-read stdin) and the learner's sandbox as the commands see it.
 * Commands run in the lab process against the store; the shim only carries bytes. The backend's LearnerSandbox is
 * the one implementation of CommandSandbox.
 */
import type {ObjectStore} from '../api/store';
import type {ClientCertificate} from '../api/index';
import type {ClusterRecord, NodeContainer} from '../cluster/cluster-record';
import type {CommandIO} from '../kit/command-io';
import type {NodeCommand} from '../runtime/node/node-commands';
import type {NodeProcess} from '../runtime/node/node-processes';
import type {ClusterCredentials} from './k3d/kubeconfig-file';

/** the learner's sandbox: one k3d cluster at most, its objects, its kubeconfig file and its node containers */
export interface CommandSandbox {
  /** the cluster `k3d cluster create` made (running or stopped), or undefined */
  readonly cluster: ClusterRecord | undefined;
  /** the cluster's objects */
  readonly store: ObjectStore;
  /** the learner's kubeconfig file (KUBECONFIG of the shell) */
  readonly kubeconfigPath: string;
  credentials(cluster: string): ClusterCredentials;
  /** the admin client certificate k3s would put in its kubeconfig (what `k3d kubeconfig get` prints) */
  clientCertificate(): Promise<ClientCertificate>;
  /** merges a cluster into the kubeconfig file (and keeps it readable by the learner's shell) */
  mergeKubeconfig(c: ClusterCredentials, switchContext: boolean): void;
  createCluster(record: ClusterRecord, opts: {switchContext: boolean; updateKubeconfig: boolean}): Promise<void>;
  deleteCluster(): Promise<void>;
  stopCluster(): Promise<void>;
  startCluster(): Promise<void>;
  /** `k3d node create`: agents join the cluster under these container names; resolves once they registered */
  addAgents(names: string[]): Promise<void>;
  /** `k3d node delete`: the node container goes (its Node stays, NotReady) */
  removeNode(name: string): void;
  /** `k3d node stop|start` of one node container */
  stopNode(name: string): void;
  startNode(name: string): Promise<void>;
  /**
   * the cluster's `-p …@loadbalancer` mappings whose host port was taken (another lab, another program) when the
   * cluster was created or started: the sandbox leaves them unpublished, and k3d's output says so
   */
  readonly unpublishedPorts: readonly string[];
  /** what `docker exec <node>` can run: the node's own commands and the mesh's */
  readonly nodeCommands: ReadonlyMap<string, NodeCommand>;
  /** a node container's process table (with the mesh's processes) */
  nodeProcesses(node: NodeContainer): NodeProcess[];
}

/** A command's implementation: resolves to the exit code. */
export type SandboxCommand = (io: CommandIO, sandbox: CommandSandbox) => Promise<number>;
