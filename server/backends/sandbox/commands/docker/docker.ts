/**
 * The sandbox's `docker`: only what the walkthrough does to k3d's node containers (`ps`, `exec`), plus `version`.
 * Anything else says plainly that this is the lab's sandbox and what it supports.
 */
import type {SandboxCommand} from '../types';
import {dockerExec} from './docker-exec';
import {dockerInspect} from './docker-inspect';
import {dockerLogs} from './docker-logs';
import {dockerPs} from './docker-ps';

const SUPPORTED = `This is the Ambient Lab sandbox's docker: the k3d "node containers" here are simulated, so only these work:
  docker ps [-a] [-q] [--format TEMPLATE] [-f name=...]   list the k3d node containers
  docker exec NODE ps | ps aux | crictl ps | crictl pods   look inside a node
  docker exec NODE sh -c '...' | sh | kubectl ...         the node's busybox sh; k3s's kubectl on servers
  docker inspect [-f TEMPLATE] NODE                       the container's JSON (labels, network, ports)
  docker logs [-t] [--tail N] [-f] NODE                   k3s's own log
  docker version
`;

export const docker: SandboxCommand = async (io, sandbox) => {
  const args = [...io.args];
  // global flags before the subcommand (docker -D ps, docker --log-level debug ps)
  while (args[0]?.startsWith('-') && !['-v', '--version', '-h', '--help'].includes(args[0]))
    args.splice(0, /^--(log-level|host|context|config)$|^-[Hl]$/.test(args[0]) ? 2 : 1);
  const [sub, ...rest] = args;
  switch (sub) {
    case 'ps':
      return dockerPs(io, sandbox, rest);
    case 'container':
      if (rest[0] === 'ls' || rest[0] === 'ps' || rest[0] === 'list') return dockerPs(io, sandbox, rest.slice(1));
      if (rest[0] === 'exec') return dockerExec(io, sandbox, rest.slice(1));
      if (rest[0] === 'inspect') return dockerInspect(io, sandbox, rest.slice(1));
      if (rest[0] === 'logs') return dockerLogs(io, sandbox, rest.slice(1));
      break;
    case 'inspect':
      return dockerInspect(io, sandbox, rest);
    case 'logs':
      return dockerLogs(io, sandbox, rest);
    case 'exec':
      return dockerExec(io, sandbox, rest);
    case 'version':
    case '-v':
    case '--version':
      io.stdout.write(
        sub === 'version'
          ? 'Client:\n Version:           27.3.1 (Ambient Lab sandbox)\n\nServer:\n Engine:\n  Version:          27.3.1 (simulated)\n'
          : 'Docker version 27.3.1, build ce12230 (Ambient Lab sandbox)\n',
      );
      return 0;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      io.stdout.write(SUPPORTED);
      return 0;
  }
  io.stderr.write(`docker ${[sub, ...rest].join(' ')}: not available here.\n${SUPPORTED}`);
  return 1;
};
