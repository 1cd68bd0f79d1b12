/**
 * The environment a learner's bash starts with: the server's, minus its LAB_* configuration, plus the backend's, plus
 * what the shell integration (bash-integration.sh) reads: the nonce, which rc files to source, and the seal.
 */
import {existsSync} from 'node:fs';
import path from 'node:path';
import type {ShellEnvironment} from '../backends/types';

/** Exported to the shell and inherited by everything it starts: how close() finds orphans of `(setsid cmd &)`. */
export const SESSION_ENV_MARKER = 'LAB_SESSION_ID';

/** `user`: /etc/bash.bashrc and the learner's ~/.bashrc, as any bash; `none`: no rc file (`lab start --no-rc`) */
export type ShellRc = 'user' | 'none';

export interface ShellEnvOptions {
  shellRc?: ShellRc;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Server configuration variables are the server's, not the learner's: every LAB_* variable (LAB_TOKEN above all)
 * is removed from the inherited environment. The backend's ShellEnvironment.env may add its own.
 *
 * A backend that gives the shell a HOME of its own (the sandbox) still lets the learner's own ~/.bashrc run (their
 * aliases and prompt): LAB_USER_HOME says where it is, unless the backend said (empty: none, as for attendees).
 */
export function shellEnv(
  base: NodeJS.ProcessEnv,
  environment: ShellEnvironment,
  sessionId: string,
  nonce: string,
  options: ShellEnvOptions = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined) continue;
    if (key.startsWith('LAB_') && key !== 'LAB_PLAIN_RC') continue;
    env[key] = value;
  }
  Object.assign(env, environment.env);
  const ownHome = environment.env.HOME;
  if (ownHome !== undefined && environment.env.LAB_USER_HOME === undefined && base.HOME !== ownHome) {
    env.LAB_USER_HOME = base.HOME ?? '';
  }
  const seal = environment.seal;
  if (seal) {
    const names = (list: string[]) => list.filter((n) => NAME.test(n)).join(' ');
    env.LAB_SEAL_VARS = names(seal.vars.filter((n) => n in environment.env));
    env.LAB_SEAL_WATCH = names(seal.watch);
    env.LAB_SEAL_COMMANDS = names(seal.commands);
    env.LAB_PATH_FIRST = seal.pathFirst;
  }
  if (options.shellRc === 'none') env.LAB_SHELL_RC = 'none';
  env.TERM = 'xterm-256color';
  env.COLORTERM = 'truecolor';
  if (!env.LANG) env.LANG = 'C.UTF-8';
  env[SESSION_ENV_MARKER] = sessionId;
  env.LAB_NONCE = nonce; // the rc file moves it into a shell variable and unsets it
  return env;
}

/** The rc files a shell started with `env` reads before its first prompt, as bash-integration.sh picks them. */
export function rcFilesOf(env: Record<string, string>): string[] {
  if (env.LAB_SHELL_RC === 'none' || env.LAB_PLAIN_RC === '1') return [];
  const home = env.LAB_USER_HOME ?? env.HOME;
  const files = ['/etc/bash.bashrc', ...(home ? [path.join(home, '.bashrc')] : [])];
  return files.filter((file) => existsSync(file));
}
