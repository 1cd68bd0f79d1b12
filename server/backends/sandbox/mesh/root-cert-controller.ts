import {createHash} from 'node:crypto';
import type {ObjectStore} from '../api';
import type {ControllerDef} from '../cluster/controller';
import {ISTIO_SYSTEM, nameOf, readIstioInstall} from './world';
import {getOf, listOf, typeOf} from '../api/kinds';

/**
 * istiod's namespace controller: every namespace gets the ConfigMap `istio-ca-root-cert` with the mesh's root
 * certificate (pilot/pkg/serviceregistry/kube/controller/namespacecontroller.go). Injected sidecars mount it
 * (volume istiod-ca-cert), so without it the kubelet reports FailedMount and the pod never starts. The ignored
 * namespaces are Istio's inject.IgnoredNamespaces.
 */
export const ROOT_CERT_CONFIGMAP = 'istio-ca-root-cert';
const IGNORED = ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage'];

/** a stable stand-in for the self-signed root istiod generates (the bytes are never parsed in the sandbox) */
export function rootCertPem(seed: string): string {
  const body = Buffer.from(createHash('sha512').update(`istio-root:${seed}`).digest('hex').repeat(6)).toString(
    'base64',
  );
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.slice(0, 16).join('\n')}\n-----END CERTIFICATE-----\n`;
}

export function rootCertController(store: ObjectStore): ControllerDef {
  const all = () => listOf(store, 'namespaces').map(nameOf);
  return {
    name: 'istiod-namespace-controller',
    primary: {group: '', resource: 'namespaces'},
    secondary: [
      {
        type: {group: '', resource: 'configmaps'},
        keys: (o) => (nameOf(o) === ROOT_CERT_CONFIGMAP ? [String(o.metadata.namespace)] : []),
      },
      {
        type: {group: 'apps', resource: 'deployments'},
        keys: (o) => (o.metadata.namespace === ISTIO_SYSTEM && nameOf(o) === 'istiod' ? all() : []),
      },
    ],
    reconcile(ns) {
      if (IGNORED.includes(ns) || !getOf(store, 'deployments', ISTIO_SYSTEM, 'istiod')) return;
      const nsObj = getOf(store, 'namespaces', undefined, ns);
      if (!nsObj || nsObj.metadata.deletionTimestamp || getOf(store, 'configmaps', ns, ROOT_CERT_CONFIGMAP)) return;
      const istiod = getOf(store, 'deployments', ISTIO_SYSTEM, 'istiod')!;
      store.create(typeOf(store, 'configmaps')!, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {name: ROOT_CERT_CONFIGMAP, namespace: ns, labels: {'istio.io/config': 'true'}},
        data: {'root-cert.pem': rootCertPem(String(istiod.metadata.uid ?? readIstioInstall(store).tag))},
      });
    },
  };
}
