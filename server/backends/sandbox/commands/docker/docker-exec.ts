/**
 * `docker exec [-it] [-u USER] [-e K=V] [-w DIR] CONTAINER CMD [ARG...]` into a k3d node container. The executables a
 * node has live in node-commands.ts; anything else fails as runc does for a missing binary (exit 126).
 */
import {nodeContainers} from '../../cluster/cluster-record';
import type {CommandSandbox} from '../types';
import {containerRows} from './docker-ps';
import {NODE_SHELL_EXECUTABLES, nodeShell, runScript} from './node-shell';

/** a word for the node shell, single-quoted when it needs it */
const quote = (w: string) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);
import {FlagError, parseFlags} from '../../kit/flags';
import type {CommandIO} from '../../kit/command-io';

const EXEC_USAGE = `Usage:  docker exec [OPTIONS] CONTAINER COMMAND [ARG...]

Execute a command in a running container`;

export async function dockerExec(io: CommandIO, sandbox: CommandSandbox, argv: string[]): Promise<number> {
  // docker stops reading its own flags at the container name: what follows belongs to the command
  const firstArg = argv.findIndex(
    (a, i) =>
      !a.startsWith('-') && !/^-[^-]*[uew]$|^--(user|env|workdir|env-file|detach-keys)$/.test(argv[i - 1] ?? '-x'),
  );
  const own = firstArg < 0 ? argv : argv.slice(0, firstArg);
  const rest = firstArg < 0 ? [] : argv.slice(firstArg);
  try {
    parseFlags(own, [
      {name: 'interactive', short: 'i', type: 'bool', usage: 'Keep STDIN open even if not attached'},
      {name: 'tty', short: 't', type: 'bool', usage: 'Allocate a pseudo-TTY'},
      {name: 'detach', short: 'd', type: 'bool', usage: 'Detached mode: run command in the background'},
      {name: 'privileged', type: 'bool', usage: 'Give extended privileges to the command'},
      {name: 'user', short: 'u', type: 'string', default: '', usage: 'Username or UID'},
      {name: 'env', short: 'e', type: 'stringArray', default: [], usage: 'Set environment variables'},
      {name: 'env-file', type: 'stringArray', default: [], usage: 'Read in a file of environment variables'},
      {name: 'workdir', short: 'w', type: 'string', default: '', usage: 'Working directory inside the container'},
      {name: 'detach-keys', type: 'string', default: '', usage: 'Override the key sequence for detaching a container'},
    ]);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    io.stderr.write(`${e.message}\nSee 'docker exec --help'.\n`);
    return 125;
  }
  if (rest.length < 2) {
    io.stderr.write(`"docker exec" requires at least 2 arguments.\nSee 'docker exec --help'.\n\n${EXEC_USAGE}\n`);
    return 1;
  }
  const [target, exe, ...args] = rest as [string, string, ...string[]];
  const cluster = sandbox.cluster;
  const row = containerRows(cluster).find(
    (r) => r.name === target || (target.length >= 1 && /^[0-9a-f]+$/.test(target) && r.id.startsWith(target)),
  );
  if (!cluster || !row) {
    io.stderr.write(`Error response from daemon: No such container: ${target}\n`);
    return 1;
  }
  if (!row.running) {
    io.stderr.write(`Error response from daemon: container ${row.id} is not running\n`);
    return 1;
  }
  const node = nodeContainers(cluster).find((n) => n.name === row.name)!;
  const base = exe.split('/').pop()!;
  // the k3s image's busybox sh, and k3s's kubectl (the load balancer is an nginx image: neither)
  if (node.role !== 'loadbalancer' && NODE_SHELL_EXECUTABLES.has(base)) {
    const ctx = {io, sandbox, cluster, node};
    if (base === 'sh' || base === 'ash') return nodeShell(ctx, args);
    return (await runScript(ctx, [exe, ...args].map(quote).join(' '), io.stdout, io.stderr)).code;
  }
  const command = sandbox.nodeCommands.get(base);
  if (!command) {
    io.stderr.write(
      `OCI runtime exec failed: exec failed: unable to start container process: exec: "${exe}": executable file not found in $PATH: unknown\n`,
    );
    return 126;
  }
  return command({io, store: sandbox.store, cluster, node, args, processes: () => sandbox.nodeProcesses(node)});
}
