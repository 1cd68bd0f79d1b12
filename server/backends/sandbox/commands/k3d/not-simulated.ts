/**
 * k3d commands a learner may type that the sandbox does not simulate: real k3d commands, so they must not read as
 * typos ("unknown command"). Each fails the way k3d fails (FATA, exit 1) with a message that says why and where
 * to try it: there is no image store to import into and no Docker to run a registry in.
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

export const NOT_SIMULATED: K3dCommand[] = [
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
