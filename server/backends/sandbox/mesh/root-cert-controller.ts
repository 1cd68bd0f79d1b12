import {createHash} from 'node:crypto';
import type {ObjectStore} from '../api';
import {runMeshController, type MeshControllerDef, type RunningMeshController} from './reconciler';
import {ISTIO_SYSTEM, nameOf, readIstioInstall} from './world';
import type {Clock} from '../kit/clock';
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

export function rootCertController(store: ObjectStore): MeshControllerDef {
  const all = () => listOf(store, 'namespaces').map((n) => `/${nameOf(n)}`);
  return {
    name: 'istiod-namespace-controller',
    watches: [
      {group: '', resource: 'namespaces', keys: (e) => [`/${nameOf(e.object)}`]},
      {
        group: '',
        resource: 'configmaps',
        keys: (e) => (nameOf(e.object) === ROOT_CERT_CONFIGMAP ? [`/${e.object.metadata.namespace}`] : []),
      },
      {
        group: 'apps',
        resource: 'deployments',
        keys: (e) => (e.object.metadata.namespace === ISTIO_SYSTEM && nameOf(e.object) === 'istiod' ? all() : []),
      },
    ],
    allKeys: all,
    reconcile(key) {
      const ns = key.slice(1);
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

export function runRootCertController(store: ObjectStore, clock: Clock): RunningMeshController {
  return runMeshController(store, clock, rootCertController(store));
}
