/**
 * The learner's kubeconfig file, edited the way k3d edits the default one: merge a cluster's entries (context
 * switched), remove them on `cluster delete` (current-context cleared if it was that cluster's), repoint the server
 * after a lab restart (the API's port may change) without touching current-context.
 */
import {readFileSync, writeFileSync} from 'node:fs';
import {parse, stringify} from 'yaml';
import {writeKubeconfig, type ClientCertificate} from '../../api/index';

export interface ClusterCredentials {
  cluster: string;
  server: string;
  token: string;
  caCert: string;
  /** when set, the user authenticates with it (k3s' admin certificate) instead of the token */
  clientCert?: Pick<ClientCertificate, 'cert' | 'key'>;
}

/** the kubeconfig user entry: k3s' client certificate and key as k3d copies them, or the sandbox's bearer token */
function userOf(c: ClusterCredentials): Record<string, string> {
  if (!c.clientCert) return {token: c.token};
  return {
    'client-certificate-data': Buffer.from(c.clientCert.cert).toString('base64'),
    'client-key-data': Buffer.from(c.clientCert.key).toString('base64'),
  };
}

interface Named {
  name: string;
  [k: string]: unknown;
}

type Doc = {clusters?: Named[]; contexts?: Named[]; users?: Named[]; 'current-context'?: string; [k: string]: unknown};

function read(path: string): Doc | undefined {
  try {
    return (parse(readFileSync(path, 'utf8')) as Doc | null) ?? undefined;
  } catch {
    return undefined;
  }
}

export function mergeCluster(path: string, c: ClusterCredentials, switchContext = true): void {
  writeKubeconfig(path, {name: c.cluster, server: c.server, token: c.token, caCert: c.caCert}, {switchContext});
}

/** true when the file had entries for the cluster */
export function removeCluster(path: string, cluster: string): boolean {
  const doc = read(path);
  if (!doc) return false;
  const id = `k3d-${cluster}`;
  const drop = (xs: Named[] | undefined, name: string) => (xs ?? []).filter((x) => x.name !== name);
  const had = (doc.contexts ?? []).some((x) => x.name === id);
  doc.clusters = drop(doc.clusters, id);
  doc.contexts = drop(doc.contexts, id);
  doc.users = drop(doc.users, `admin@${id}`);
  if (doc['current-context'] === id) doc['current-context'] = '';
  writeFileSync(path, stringify(doc), {mode: 0o600});
  return had;
}

/** the YAML `k3d kubeconfig get` prints: this cluster's entries only */
export function clusterKubeconfigYaml(c: ClusterCredentials): string {
  const id = `k3d-${c.cluster}`;
  return stringify({
    apiVersion: 'v1',
    clusters: [
      {cluster: {'certificate-authority-data': Buffer.from(c.caCert).toString('base64'), server: c.server}, name: id},
    ],
    contexts: [{context: {cluster: id, user: `admin@${id}`}, name: id}],
    'current-context': id,
    kind: 'Config',
    preferences: {},
    users: [{name: `admin@${id}`, user: userOf(c)}],
  });
}
