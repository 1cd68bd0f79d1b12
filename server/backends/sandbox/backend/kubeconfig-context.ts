/**
 * Does the sandbox's kubeconfig still send kubectl to the sandbox? The file is the lab's (KUBECONFIG of the sealed
 * shell), written by `k3d cluster create`; only a hand edit (`kubectl config set-cluster … --server=…`, a merged-in
 * real context) makes its current context reach elsewhere. The step engine asks before every step.
 */
import {readFileSync} from 'node:fs';
import {parse} from 'yaml';

interface Named {
  name?: unknown;
  cluster?: {server?: unknown; cluster?: unknown};
  context?: {cluster?: unknown};
}

/** the current context and its cluster's server; undefined when there is none (no cluster yet: nothing to reach) */
export function currentContext(file: string): {context: string; server: string | undefined} | undefined {
  let doc: {'current-context'?: unknown; contexts?: unknown; clusters?: unknown} | null;
  try {
    doc = parse(readFileSync(file, 'utf8')) as typeof doc;
  } catch {
    return undefined; // missing, or not YAML: kubectl fails on it without reaching anything
  }
  const name = doc?.['current-context'];
  if (typeof name !== 'string' || name === '') return undefined;
  const list = (v: unknown): Named[] => (Array.isArray(v) ? (v as Named[]) : []);
  const context = list(doc?.contexts).find((c) => c?.name === name);
  const clusterName = context?.context?.cluster;
  const cluster = list(doc?.clusters).find((c) => c?.name === clusterName);
  const server = cluster?.cluster?.server;
  return {context: name, server: typeof server === 'string' ? server : undefined};
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '0.0.0.0']);

/** a server URL this lab serves: a local address on one of the sandbox API's ports */
export function reachesSandbox(server: string | undefined, ports: number[]): boolean {
  if (!server) return false;
  try {
    const url = new URL(server);
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    return LOCAL_HOSTS.has(url.hostname) && ports.includes(port);
  } catch {
    return false;
  }
}
