/**
 * `lab sandbox shell|env|list|reset|delete|serve`: the sandbox from the learner's own terminal and from scripts.
 *
 * Design: one process owns a state dir's sandboxes at a time (the lock in <stateDir>/sandbox-backend/lock). When a
 * lab already runs (`lab start --backend sandbox`, `lab sandbox serve`, another `lab sandbox shell`), these commands
 * ask it over its loopback command server (the lock file holds its URL and control token, owner-only). When none
 * runs, `shell`, `list`, `reset` and `delete` start the sandbox backend in this process for as long as they need it.
 * `env` prints exports pointing at a running lab, so it needs one: `lab sandbox serve` is that lab for scripts.
 */
import {spawn} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import type {Command} from 'commander';
import {resolveOptions} from '../config/options';
import type {ShellEnvironment} from '../backends/types';
import {LOCAL_LEARNER} from '../backends/types';
import {readLock, type LockInfo, type SandboxSummary} from '../backends/sandbox/index';
import {INTEGRATION_RC, shellEnv} from '../sessions/pty-session';

interface SandboxClient {
  env(learner: string): Promise<ShellEnvironment>;
  list(): Promise<SandboxSummary[]>;
  reset(name: string): Promise<void>;
  delete(name: string): Promise<void>;
  close(): Promise<void>;
}

class SandboxCliError extends Error {}

function remoteClient(lock: LockInfo): SandboxClient {
  const call = async (body: object): Promise<unknown> => {
    const res = await fetch(`${lock.url}/control`, {
      method: 'POST',
      headers: {Authorization: `Bearer ${lock.controlToken}`, 'Content-Type': 'application/json'},
      body: JSON.stringify(body),
    }).catch((e: Error) => {
      throw new SandboxCliError(
        `the lab (pid ${lock.pid}) holds the sandbox state but does not answer at ${lock.url}: ${e.message}`,
      );
    });
    const json = (await res.json()) as {error?: string};
    if (!res.ok) throw new SandboxCliError(json.error ?? `the lab answered ${res.status}`);
    return json;
  };
  return {
    env: async (learner) => (await call({op: 'env', learner})) as ShellEnvironment,
    list: async () => (await call({op: 'list'})) as SandboxSummary[],
    reset: async (name) => void (await call({op: 'reset', name})),
    delete: async (name) => void (await call({op: 'delete', name})),
    close: async () => {},
  };
}

async function localClient(stateDir: string): Promise<SandboxClient> {
  const {createSandboxBackend} = await import('../backends/sandbox/index');
  const backend = await createSandboxBackend({stateDir});
  return {
    env: (learner) => backend.shellEnvironment(learner),
    list: async () => backend.list(),
    reset: (name) => backend.reset(name),
    delete: (name) => backend.delete(name),
    close: () => backend.dispose(),
  };
}

/** the running lab's sandbox backend, or one in this process */
async function connect(stateDir: string): Promise<SandboxClient> {
  const lock = readLock(stateDir);
  if (lock?.url && lock.controlToken) return remoteClient(lock);
  if (lock) throw new SandboxCliError(`a lab (pid ${lock.pid}) is starting with this state dir; try again in a moment`);
  return localClient(stateDir);
}

const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;

/**
 * `export K='v'` lines for eval, and a cd to the workspace. A shell of the user's own keeps its HOME: the sandbox's
 * HOME is for the lab's terminal, where ~/ambient-lab must be per sandbox.
 */
export function formatExports(environment: ShellEnvironment): string {
  const lines = Object.entries(environment.env)
    .filter(([k]) => k !== 'HOME' && k !== 'LAB_USER_HOME')
    .map(([k, v]) => `export ${k}=${quote(v)}`);
  return `${lines.join('\n')}\ncd ${quote(environment.cwd)}\n`;
}

async function shell(opts: {name: string}): Promise<void> {
  const {stateDir, shellRc} = resolveOptions();
  const client = await connect(stateDir);
  try {
    const environment = await client.env(opts.name);
    process.stderr.write(
      `Sandbox shell for "${opts.name}": k3d, docker and kubectl talk to the lab's simulated cluster. Type exit to leave.\n`,
    );
    const nonce = randomBytes(16).toString('base64url');
    const child = spawn('bash', ['--rcfile', INTEGRATION_RC, '-i'], {
      stdio: 'inherit',
      cwd: environment.cwd,
      env: shellEnv(process.env, environment, `cli-${process.pid}`, nonce, {shellRc}),
    });
    // Ctrl+C belongs to the shell (same terminal, same signal): this process must outlive it
    const ignore = () => {};
    process.on('SIGINT', ignore);
    const code = await new Promise<number>((resolve) =>
      child.on('exit', (c, signal) => resolve(signal ? 128 : (c ?? 0))),
    );
    process.off('SIGINT', ignore);
    process.exitCode = code;
  } finally {
    await client.close();
  }
}

async function env(opts: {name: string}): Promise<void> {
  const {stateDir} = resolveOptions();
  const lock = readLock(stateDir);
  if (!lock?.url)
    throw new SandboxCliError(
      `no lab is running with the state dir ${stateDir}; the exports would point at nothing. Start one first ` +
        '(`lab start --backend sandbox`, or `lab sandbox serve` for scripts), then: eval "$(lab sandbox env)"',
    );
  process.stdout.write(formatExports(await remoteClient(lock).env(opts.name)));
}

async function list(): Promise<void> {
  const {stateDir} = resolveOptions();
  const client = await connect(stateDir);
  try {
    const rows = await client.list();
    const table = [
      ['NAME', 'LEARNER', 'CLUSTER', 'STATE', 'OBJECTS'],
      ...rows.map((r) => [r.name, r.learner, r.cluster || '-', r.state, String(r.objects)]),
    ];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)) + 3);
    process.stdout.write(
      table
        .map((r) =>
          r
            .map((c, i) => c.padEnd(widths[i]!))
            .join('')
            .trimEnd(),
        )
        .join('\n') + '\n',
    );
  } finally {
    await client.close();
  }
}

async function manage(op: 'reset' | 'delete', name: string): Promise<void> {
  const {stateDir} = resolveOptions();
  const client = await connect(stateDir);
  try {
    await client[op](name);
    process.stdout.write(
      op === 'reset'
        ? `sandbox "${name}" reset: no cluster, no kubeconfig (workspace files kept)\n`
        : `sandbox "${name}" deleted\n`,
    );
  } finally {
    await client.close();
  }
}

async function serve(): Promise<void> {
  const {stateDir} = resolveOptions();
  const {createSandboxBackend} = await import('../backends/sandbox/index');
  const backend = await createSandboxBackend({stateDir});
  process.stdout.write(
    `Sandbox backend serving ${stateDir} (${backend.commandUrl}). In another terminal: eval "$(lab sandbox env)"\nPress Ctrl+C to stop.\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await backend.dispose();
}

/** wrap an action: our errors are messages for the user (exit 1), the rest propagates */
const action =
  <A extends unknown[]>(fn: (...args: A) => Promise<void>) =>
  async (...args: A): Promise<void> => {
    try {
      await fn(...args);
    } catch (e) {
      const known =
        e instanceof SandboxCliError ||
        (e as {code?: string}).code === 'sandbox-state-locked' ||
        /^no sandbox named/.test((e as Error).message);
      if (!known) throw e;
      process.stderr.write(`lab: ${(e as Error).message}\n`);
      process.exitCode = 1;
    }
  };

/** `lab sandbox ...`, registered by server/cli/main.ts */
export function registerSandboxCommand(lab: Command): void {
  const sandbox = lab
    .command('sandbox')
    .description('use the simulated k3d sandbox from your own terminal and scripts');
  sandbox
    .command('shell')
    .description('open a bash inside a sandbox (the same PATH and kubeconfig as the lab terminal)')
    .option('--name <name>', 'the sandbox (learner) name', LOCAL_LEARNER)
    .action(action(shell));
  sandbox
    .command('env')
    .description('print the exports that put this shell inside a sandbox: eval "$(lab sandbox env)"')
    .option('--name <name>', 'the sandbox (learner) name', LOCAL_LEARNER)
    .action(action(env));
  sandbox.command('list').description('list the sandboxes, their clusters and object counts').action(action(list));
  sandbox
    .command('reset')
    .description("remove a sandbox's cluster and kubeconfig (its workspace files stay)")
    .argument('<name>')
    .action(action((name: string) => manage('reset', name)));
  sandbox
    .command('delete')
    .description('delete a sandbox entirely')
    .argument('<name>')
    .action(action((name: string) => manage('delete', name)));
  sandbox
    .command('serve')
    .description('run the sandbox backend in the foreground (for `lab sandbox env` in scripts)')
    .action(action(serve));
}
