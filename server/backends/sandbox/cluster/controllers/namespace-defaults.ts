import {randomBytes} from 'node:crypto';
import type {ControllerContext, ControllerDef} from '../controller';
import {splitKey} from '../../kit/keys';

const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

/** a PEM-shaped cluster CA for kube-root-ca.crt (pods never verify against it here) */
function clusterCaPem(): string {
  const body = randomBytes(380)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trim();
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

/**
 * What every namespace gets from kube-controller-manager: the `default` ServiceAccount (serviceaccount-controller)
 * and the `kube-root-ca.crt` ConfigMap (root-ca-cert-publisher), recreated if deleted, never in a Terminating one.
 */
export function namespaceDefaultsController(ctx: ControllerContext): ControllerDef {
  const {store, kinds} = ctx;
  let ca: string | undefined;
  const caPem = () => {
    // one CA per cluster: reuse the one already published anywhere (also after a restart)
    ca ??=
      (
        store.list(kinds.configmaps, {fieldSelector: 'metadata.name=kube-root-ca.crt'}).items[0]?.data as
          Record<string, string> | undefined
      )?.['ca.crt'] ?? clusterCaPem();
    return ca;
  };
  return {
    name: 'namespace-defaults',
    primary: kinds.namespaces,
    secondary: [
      {
        type: kinds.serviceaccounts,
        keys: (o, e) => (e.type === 'DELETED' && o.metadata.name === 'default' ? [String(o.metadata.namespace)] : []),
      },
      {
        type: kinds.configmaps,
        keys: (o, e) =>
          e.type === 'DELETED' && o.metadata.name === 'kube-root-ca.crt' ? [String(o.metadata.namespace)] : [],
      },
    ],
    reconcile(key) {
      const {name} = splitKey(key);
      const ns = store.get(kinds.namespaces, undefined, name);
      if (!ns || ns.metadata.deletionTimestamp) return;
      if (!store.get(kinds.serviceaccounts, name, 'default'))
        store.create(kinds.serviceaccounts, {
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: {name: 'default', namespace: name},
        });
      if (!store.get(kinds.configmaps, name, 'kube-root-ca.crt'))
        store.create(kinds.configmaps, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: 'kube-root-ca.crt',
            namespace: name,
            annotations: {'kubernetes.io/description': ROOT_CA_DESCRIPTION},
          },
          data: {'ca.crt': caPem()},
        });
    },
  };
}
