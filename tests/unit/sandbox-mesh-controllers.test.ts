import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import type {KubeObject} from '../../server/backends/sandbox/api';
import {startMesh} from '../../server/backends/sandbox/mesh/index';
import {
  apply,
  freshStore,
  gatewayApiCrds,
  installIstio,
  istioCrds,
  namespace,
  runningPod,
} from '../fixtures/sandbox-mesh/cluster';
import {getOf, listOf, typeOf} from '../../server/backends/sandbox/api/kinds';

const REDIRECTION = 'ambient.istio.io/redirection';

describe('ambient enrolment (istio-cni)', () => {
  it('annotates pods of an ambient namespace once the node agents run, and removes it when un-labelled', () => {
    const {store, clock} = freshStore();
    const mesh = startMesh({store, clock});
    try {
      namespace(store, 'bar-1', {'istio.io/dataplane-mode': 'ambient'});
      runningPod(store, {
        name: 'httpbin-1',
        namespace: 'bar-1',
        node: 'k3d-lab-agent-1',
        ip: '10.42.2.9',
        containers: [{name: 'httpbin', image: 'mccutchen/go-httpbin:v2.15.0'}],
      });
      clock.advance(0);
      assert.equal(
        getOf(store, 'pods', 'bar-1', 'httpbin-1')!.metadata.annotations?.[REDIRECTION],
        undefined,
        'no ztunnel on the node yet',
      );
      installIstio(store);
      clock.advance(0);
      assert.equal(getOf(store, 'pods', 'bar-1', 'httpbin-1')!.metadata.annotations?.[REDIRECTION], 'enabled');
      // a pod opting out keeps no annotation; an un-labelled namespace loses it
      runningPod(store, {
        name: 'out',
        namespace: 'bar-1',
        node: 'k3d-lab-agent-1',
        ip: '10.42.2.10',
        labels: {'istio.io/dataplane-mode': 'none'},
        containers: [{name: 'c', image: 'nginx'}],
      });
      clock.advance(0);
      assert.equal(getOf(store, 'pods', 'bar-1', 'out')!.metadata.annotations?.[REDIRECTION], undefined);
      const ns = getOf(store, 'namespaces', undefined, 'bar-1')!;
      store.update(typeOf(store, 'namespaces')!, {
        ...ns,
        metadata: {...ns.metadata, labels: {'kubernetes.io/metadata.name': 'bar-1'}},
      });
      clock.advance(0);
      assert.equal(getOf(store, 'pods', 'bar-1', 'httpbin-1')!.metadata.annotations?.[REDIRECTION], undefined);
    } finally {
      mesh.dispose();
    }
  });

  it('drains on the next clock tick, and ztunnel logs that it took the pod', () => {
    const {store, clock} = freshStore();
    installIstio(store);
    const lines: string[] = [];
    const mesh = startMesh({store, clock, appendLog: (ns, pod, c, line) => lines.push(`${ns}/${pod}/${c}: ${line}`)});
    try {
      namespace(store, 'bar-1', {'istio.io/dataplane-mode': 'ambient'});
      runningPod(store, {
        name: 'h',
        namespace: 'bar-1',
        node: 'k3d-lab-agent-1',
        ip: '10.42.2.9',
        containers: [{name: 'httpbin', image: 'mccutchen/go-httpbin:v2.15.0'}],
      });
      clock.advance(0);
      const pod = getOf(store, 'pods', 'bar-1', 'h')!;
      assert.equal(pod.metadata.annotations?.[REDIRECTION], 'enabled');
      assert.deepEqual(lines, [
        `istio-system/ztunnel-agent1/istio-proxy: 2025-01-23T00:00:00.000000Z\tinfo\tinpod::statemanager\tpod received, starting proxy\tuid="${pod.metadata.uid}" name="h" namespace="bar-1"`,
      ]);
    } finally {
      mesh.dispose();
    }
  });
});

describe('istiod namespace controller', () => {
  it('writes istio-ca-root-cert into every namespace but the ignored ones once istiod runs', () => {
    const {store, clock} = freshStore();
    const mesh = startMesh({store, clock});
    try {
      namespace(store, 'foo', {'istio-injection': 'enabled'});
      clock.advance(0);
      assert.equal(getOf(store, 'configmaps', 'foo', 'istio-ca-root-cert'), undefined);
      installIstio(store);
      namespace(store, 'later');
      clock.advance(0);
      for (const ns of ['default', 'foo', 'later', 'istio-system'])
        assert.match(
          String(
            (getOf(store, 'configmaps', ns, 'istio-ca-root-cert')?.data as Record<string, string>)['root-cert.pem'],
          ),
          /^-----BEGIN CERTIFICATE-----\n/,
          ns,
        );
      assert.equal(getOf(store, 'configmaps', 'kube-system', 'istio-ca-root-cert'), undefined);
    } finally {
      mesh.dispose();
    }
  });
});

describe('waypoint controller', () => {
  const waypoint = (ns: string): KubeObject => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: {name: 'waypoint', namespace: ns, labels: {'istio.io/waypoint-for': 'service'}},
    spec: {gatewayClassName: 'istio-waypoint', listeners: [{name: 'mesh', port: 15008, protocol: 'HBONE'}]},
  });

  it('creates the GatewayClasses, then Deployment/Service/ServiceAccount and Programmed status for a waypoint Gateway', () => {
    const {store, clock} = freshStore();
    gatewayApiCrds(store);
    istioCrds(store);
    const mesh = startMesh({store, clock});
    try {
      namespace(store, 'bar-2', {'istio.io/dataplane-mode': 'ambient'});
      apply(store, 'gateway.networking.k8s.io', 'gateways', waypoint('bar-2'));
      clock.advance(0);
      assert.equal(
        getOf(store, 'deployments', 'bar-2', 'waypoint'),
        undefined,
        'no istiod: nothing reconciles Gateways',
      );
      installIstio(store);
      clock.advance(0);
      assert.deepEqual(
        listOf(store, 'gatewayclasses')
          .map((g) => g.metadata.name)
          .sort(),
        ['istio', 'istio-remote', 'istio-waypoint'],
      );
      const gc = getOf(store, 'gatewayclasses', undefined, 'istio-waypoint')!;
      assert.equal((gc.spec as {controllerName: string}).controllerName, 'istio.io/gateway-controller');

      const dep = getOf(store, 'deployments', 'bar-2', 'waypoint')!;
      const tpl = (
        dep.spec as {
          template: {metadata: {labels: Record<string, string>}; spec: {containers: {name: string; image: string}[]}};
        }
      ).template;
      assert.equal(tpl.spec.containers[0]!.name, 'istio-proxy');
      assert.equal(tpl.spec.containers[0]!.image, 'docker.io/istio/proxyv2:1.29.8-distroless');
      assert.equal(tpl.metadata.labels['gateway.networking.k8s.io/gateway-name'], 'waypoint');
      assert.equal(tpl.metadata.labels['istio.io/gateway-name'], 'waypoint');
      assert.equal(tpl.metadata.labels['istio.io/dataplane-mode'], 'none');
      const svc = getOf(store, 'services', 'bar-2', 'waypoint')!;
      const ports = (svc.spec as {ports: {name: string; port: number}[]; clusterIP: string}).ports.map(
        (p) => `${p.name}:${p.port}`,
      );
      assert.deepEqual(ports, ['status-port:15021', 'mesh:15008']);
      assert.ok(getOf(store, 'serviceaccounts', 'bar-2', 'waypoint'));

      const gw = getOf(store, 'gateways', 'bar-2', 'waypoint')!;
      const status = gw.status as {
        addresses: {type: string; value: string}[];
        conditions: {type: string; status: string; message: string}[];
      };
      assert.deepEqual(status.addresses, [{type: 'IPAddress', value: (svc.spec as {clusterIP: string}).clusterIP}]);
      assert.match(status.addresses[0]!.value, /^10\.43\./);
      assert.deepEqual(
        status.conditions.map((c) => `${c.type}=${c.status}`),
        ['Accepted=True', 'Programmed=True'],
      );
      assert.equal(
        status.conditions[1]!.message,
        'Resource programmed, assigned to service(s) waypoint.bar-2.svc.cluster.local:15008',
      );
      for (const child of [dep, svc]) assert.equal(child.metadata.ownerReferences?.[0]?.uid, gw.metadata.uid);

      // deleting the Gateway collects what it owned (ownerReferences, the store's garbage collector)
      store.delete(typeOf(store, 'gateways')!, 'bar-2', 'waypoint');
      clock.advance(0);
      clock.advance(1000);
      assert.equal(getOf(store, 'deployments', 'bar-2', 'waypoint'), undefined);
      assert.equal(getOf(store, 'services', 'bar-2', 'waypoint'), undefined);
    } finally {
      mesh.dispose();
    }
  });

  it('leaves Gateways of other classes alone and never adopts a Deployment it does not own', () => {
    const {store, clock} = freshStore();
    gatewayApiCrds(store);
    installIstio(store);
    const mesh = startMesh({store, clock});
    try {
      namespace(store, 'web');
      apply(store, 'gateway.networking.k8s.io', 'gateways', {
        ...waypoint('web'),
        metadata: {name: 'ingress', namespace: 'web'},
        spec: {gatewayClassName: 'other', listeners: [{name: 'http', port: 80, protocol: 'HTTP'}]},
      });
      store.create(typeOf(store, 'deployments')!, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {name: 'waypoint', namespace: 'web'},
        spec: {
          selector: {matchLabels: {a: 'b'}},
          template: {metadata: {labels: {a: 'b'}}, spec: {containers: [{name: 'x', image: 'nginx'}]}},
        },
      });
      apply(store, 'gateway.networking.k8s.io', 'gateways', waypoint('web'));
      clock.advance(0);
      assert.equal(getOf(store, 'deployments', 'web', 'ingress'), undefined);
      const dep = getOf(store, 'deployments', 'web', 'waypoint')!;
      assert.equal(dep.metadata.ownerReferences, undefined, 'the foreign Deployment is untouched');
    } finally {
      mesh.dispose();
    }
  });
});
