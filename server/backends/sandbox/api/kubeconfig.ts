import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {dirname} from 'node:path';
import {parse, stringify} from 'yaml';

/**
 * Kubeconfig entries the way k3d writes them: cluster and context `k3d-<name>`, user `admin@k3d-<name>`
 * (k3d's naming, so `kubectl config get-contexts` reads as on a real k3d machine), a bearer token for the sandbox.
 */
export interface KubeconfigInput {
  name: string;
  server: string;
  token: string;
  /** PEM the client trusts for this server (our self-signed serving certificate) */
  caCert: string;
}

interface Named {
  name: string;
  [k: string]: unknown;
}

interface Kubeconfig {
  apiVersion: 'v1';
  kind: 'Config';
  clusters: Named[];
  contexts: Named[];
  users: Named[];
  'current-context': string;
  preferences: Record<string, unknown>;
}

export function kubeconfigFor(k: KubeconfigInput): Kubeconfig {
  const id = `k3d-${k.name}`;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {cluster: {'certificate-authority-data': Buffer.from(k.caCert).toString('base64'), server: k.server}, name: id},
    ],
    contexts: [{context: {cluster: id, user: `admin@${id}`}, name: id}],
    'current-context': id,
    preferences: {},
    users: [{name: `admin@${id}`, user: {token: k.token}}],
  };
}

export function kubeconfigYaml(k: KubeconfigInput): string {
  return stringify(kubeconfigFor(k));
}

/**
 * Write the sandbox's entries into `path`, merged with what the file already has (same-named entries replaced,
 * others kept, like `k3d kubeconfig merge`); the sandbox's context becomes current unless switchContext is false.
 */
export function writeKubeconfig(path: string, k: KubeconfigInput, opts: {switchContext?: boolean} = {}): void {
  const fresh = kubeconfigFor(k);
  let existing: Partial<Kubeconfig>;
  try {
    existing = (parse(readFileSync(path, 'utf8')) as Partial<Kubeconfig> | null) ?? {};
  } catch {
    existing = {};
  }
  const merge = (a: Named[] | undefined, b: Named[]) => [
    ...(a ?? []).filter((x) => !b.some((y) => y.name === x.name)),
    ...b,
  ];
  const out: Kubeconfig = {
    ...fresh,
    clusters: merge(existing.clusters, fresh.clusters),
    contexts: merge(existing.contexts, fresh.contexts),
    users: merge(existing.users, fresh.users),
    'current-context':
      opts.switchContext === false && existing['current-context']
        ? existing['current-context']
        : fresh['current-context'],
    preferences: existing.preferences ?? {},
  };
  mkdirSync(dirname(path), {recursive: true});
  writeFileSync(path, stringify(out), {mode: 0o600});
}
