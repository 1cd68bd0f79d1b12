/**
 * k3d commands a learner may type that the sandbox does not simulate: real k3d commands, so they must not read as
 * typos ("unknown command"). Each fails the way k3d fails (FATA, exit 1) with a message that says why and where
 * to try it: the node set is fixed when the cluster is created, and there is no image store to import into.
 */
import type {K3dCommand} from './k3d-command';
import type {FlagSpec} from '../../kit/flags';

const CLUSTER: FlagSpec = {
  name: 'cluster',
  short: 'c',
  type: 'string',
  default: 'k3s-default',
  usage: 'Cluster URL or k3d cluster name to connect to.',
};

function stub(
  path: [string, string],
  use: string,
  short: string,
  why: string,
  flags: FlagSpec[],
  aliases?: string[],
): K3dCommand {
  return {
    path,
    aliases,
    use,
    short,
    flags,
    async run({log}) {
      return log.fatal(
        `"k3d ${path.join(' ')}" is not simulated in the Ambient Lab sandbox: ${why} Try it on the host backend (real k3d and Docker).`,
      );
    },
  };
}

const NODES = 'the cluster\'s nodes are fixed when it is created (use --servers/--agents on "k3d cluster create").';

export const NOT_SIMULATED: K3dCommand[] = [
  stub(['node', 'create'], 'k3d node create NAME', 'Create a new k3s node in docker', NODES, [
    CLUSTER,
    {name: 'role', type: 'string', default: 'agent', usage: 'Specify node role [server, agent]'},
    {name: 'replicas', type: 'int', default: 1, usage: 'Number of replicas of this node specification.'},
    {name: 'image', short: 'i', type: 'string', default: '', usage: 'Specify k3s image used for the node(s)'},
    {name: 'memory', type: 'string', default: '', usage: 'Memory limit imposed on the node [From docker]'},
    {name: 'wait', type: 'bool', default: true, usage: 'Wait for the node(s) to be ready before returning.'},
    {
      name: 'timeout',
      type: 'string',
      default: '0s',
      usage: "Maximum waiting time for '--wait' before canceling/returning.",
    },
    {name: 'k3s-node-label', type: 'stringArray', default: [], usage: 'Specify k3s node labels'},
  ]),
  stub(
    ['node', 'delete'],
    'k3d node delete (NAME | --all)',
    'Delete node(s).',
    NODES,
    [
      {name: 'all', short: 'a', type: 'bool', usage: 'Delete all existing nodes'},
      {name: 'registries', short: 'r', type: 'bool', usage: 'Also delete registries'},
    ],
    ['del', 'rm'],
  ),
  stub(
    ['node', 'start'],
    'k3d node start NODE',
    'Start an existing k3d node',
    'nodes start and stop with their cluster ("k3d cluster start|stop").',
    [],
  ),
  stub(
    ['node', 'stop'],
    'k3d node stop NAME',
    'Stop an existing k3d node',
    'nodes start and stop with their cluster ("k3d cluster start|stop").',
    [],
  ),
  stub(
    ['image', 'import'],
    'k3d image import [IMAGE | ARCHIVE [IMAGE | ARCHIVE...]]',
    'Import image(s) from docker into k3d cluster(s).',
    'there is no Docker image store here: the sandbox\'s nodes "have" every image they are asked to run.',
    [
      CLUSTER,
      {
        name: 'mode',
        short: 'm',
        type: 'string',
        default: 'tools-node',
        usage: 'Which method to use to import images into the cluster [auto, direct, tools]',
      },
      {
        name: 'keep-tarball',
        short: 'k',
        type: 'bool',
        usage: 'Do not delete the tarball containing the saved images from the shared volume',
      },
      {name: 'keep-tools', short: 't', type: 'bool', usage: 'Do not delete the tools node after import'},
    ],
    ['images', 'load'],
  ),
  stub(
    ['registry', 'create'],
    'k3d registry create NAME',
    'Create a new registry',
    'there is no Docker to run a registry container in.',
    [
      {
        name: 'port',
        short: 'p',
        type: 'string',
        default: 'random',
        usage: 'Select which port the registry should be listening on on your machine (localhost)',
      },
    ],
  ),
  stub(
    ['registry', 'list'],
    'k3d registry list [NAME [NAME...]]',
    'List registries',
    'there is no Docker to run a registry container in.',
    [],
    ['ls', 'get'],
  ),
];
