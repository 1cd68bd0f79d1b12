/** `k3d version`: k3d's release and the k3s it starts by default. */
import type {K3dCommand} from './k3d-command';
import {K3D_VERSION, K3S_IMAGE_TAG} from './k3d-version';

export const version: K3dCommand = {
  path: ['version'],
  use: 'k3d version',
  short: 'Show k3d and default k3s version',
  flags: [
    {
      name: 'output',
      short: 'o',
      type: 'string',
      default: '',
      usage: 'This will return version information as a different format.  Only json is supported',
    },
  ],
  maxArgs: 1,
  async run({io, parsed, log}) {
    if (parsed.flags.output === 'json') {
      io.stdout.write(JSON.stringify({k3d: K3D_VERSION, k3s: K3S_IMAGE_TAG}) + '\n');
      return 0;
    }
    if (parsed.flags.output) return log.fatal(`Unknown output format '${parsed.flags.output as string}'`);
    io.stdout.write(`k3d version ${K3D_VERSION}\nk3s version ${K3S_IMAGE_TAG} (default)\n`);
    return 0;
  },
};
