/**
 * The environment of a sandbox shell: our commands first on PATH, the learner's own kubeconfig, how the shims reach
 * the lab, and the offline mirror as the HTTPS proxy (with its CA trusted) so `kubectl apply -f <url>` works offline.
 */
import {fileURLToPath} from 'node:url';
import {SHIMS_DIR} from '../commands/registry';
import type {LearnerSandbox} from './learner-sandbox';

export interface ShellEnvInputs {
  sandbox: LearnerSandbox;
  commandUrl: string;
  proxyUrl: string;
  caBundle: string;
  kubeCacheDir: string;
  basePath: string;
}

export const shimsDir = (): string => fileURLToPath(SHIMS_DIR).replace(/\/$/, '');

export function sandboxShellEnv(i: ShellEnvInputs): Record<string, string> {
  // 0.0.0.0 too: k3d's kubeconfigs say https://0.0.0.0:6550, which Go would otherwise send through the proxy
  const noProxy = 'localhost,127.0.0.1,::1,0.0.0.0';
  return {
    PATH: `${shimsDir()}:${i.basePath}`,
    // re-applied by the shell integration after ~/.bashrc, which may put a real k3d or docker first
    LAB_PATH_FIRST: shimsDir(),
    KUBECONFIG: i.sandbox.kubeconfigPath,
    // per sandbox: kubectl keys its discovery cache by host:port, which every sandbox of this lab shares
    KUBECACHEDIR: i.kubeCacheDir,
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
