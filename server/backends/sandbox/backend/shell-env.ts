/**
 * The environment of a sandbox shell: our commands (and the real kubectl behind our kubectl launcher) first on PATH,
 * the learner's own kubeconfig, a HOME of the sandbox's own (so the walkthrough's ~/ambient-lab lives per sandbox),
 * how the shims reach the lab, and the offline mirror as the HTTPS proxy (with its CA trusted) so
 * `kubectl apply -f <url>` works offline. The seal says what the shell re-asserts after the learner's rc files and
 * what the step engine checks before every step.
 */
import {accessSync, constants, statSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {ShellSeal} from '../../types';
import {SHIMS_DIR} from '../commands/registry';
import type {LearnerSandbox} from './learner-sandbox';

export interface ShellEnvInputs {
  sandbox: LearnerSandbox;
  commandUrl: string;
  proxyUrl: string;
  caBundle: string;
  kubeCacheDir: string;
  basePath: string;
  /** the real kubectl our launcher runs (kubectlOnPath); none: the launcher says kubectl is missing */
  kubectl?: string;
  /** the node that runs the lab: the k3d, docker and istioctl launchers use it, whatever node PATH finds */
  node: string;
}

export const shimsDir = (): string => fileURLToPath(SHIMS_DIR).replace(/\/$/, '');

/** the commands of a sandbox shell that must come from shimsDir() */
export const SEALED_COMMANDS = ['kubectl', 'k3d', 'istioctl', 'docker'];

/** The first executable `kubectl` on `searchPath` that is not our own launcher. */
export function kubectlOnPath(searchPath: string): string | undefined {
  const ours = shimsDir();
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir || path.resolve(dir) === ours) continue;
    const file = path.join(dir, 'kubectl');
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function sandboxShellEnv(i: ShellEnvInputs): Record<string, string> {
  // 0.0.0.0 too: k3d's kubeconfigs say https://0.0.0.0:6550, which Go would otherwise send through the proxy
  const noProxy = 'localhost,127.0.0.1,::1,0.0.0.0';
  return {
    PATH: `${shimsDir()}:${i.basePath}`,
    // re-applied by the shell integration after ~/.bashrc, which may put a real k3d, docker or kubectl first
    LAB_PATH_FIRST: shimsDir(),
    // the sandbox's own home: ~/ambient-lab of one sandbox is not another's (nor the learner's real home)
    HOME: i.sandbox.paths.workspace,
    KUBECONFIG: i.sandbox.kubeconfigPath,
    // per sandbox: kubectl keys its discovery cache by host:port, which every sandbox of this lab shares
    KUBECACHEDIR: i.kubeCacheDir,
    ...(i.kubectl ? {LAB_KUBECTL: i.kubectl} : {}),
    LAB_NODE: i.node,
    LAB_SANDBOX: i.sandbox.name,
    LAB_SANDBOX_URL: i.commandUrl,
    LAB_SANDBOX_TOKEN: i.sandbox.commandToken,
    HTTPS_PROXY: i.proxyUrl,
    https_proxy: i.proxyUrl,
    HTTP_PROXY: i.proxyUrl,
    http_proxy: i.proxyUrl,
    NO_PROXY: noProxy,
    no_proxy: noProxy,
    SSL_CERT_FILE: i.caBundle,
    // curl reads its own bundle, not SSL_CERT_FILE
    CURL_CA_BUNDLE: i.caBundle,
  };
}

/** Everything of the sandbox's environment holds after the rc files; KUBECONFIG is checked before every step. */
export function sandboxSeal(env: Record<string, string>): ShellSeal {
  return {
    vars: Object.keys(env).filter((name) => name !== 'PATH' && name !== 'LAB_PATH_FIRST'),
    watch: ['KUBECONFIG'],
    pathFirst: shimsDir(),
    commands: SEALED_COMMANDS,
  };
}
