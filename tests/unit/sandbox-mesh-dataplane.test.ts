import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import type {KubeObject} from '../../server/backends/sandbox/api';
import {wantsAmbient, wantsSidecar, waypointFor, podDataplane} from '../../server/backends/sandbox/mesh/dataplane';
import {injectSidecar} from '../../server/backends/sandbox/mesh/injection';
import {installSidecarInjector, maybeInject} from '../../server/backends/sandbox/mesh/injection-webhook';
import {matchGolden} from '../fixtures/golden/golden';
import {freshStore, installIstio, namespace, runningPod} from '../fixtures/sandbox-mesh/cluster';

describe('data plane classification', () => {
  const inj = (
    ns: Record<string, string>,
    pod: Record<string, string> = {},
    annotations: Record<string, string> = {},
    installed = true,
  ) => wantsSidecar({namespaceLabels: ns, podLabels: pod, podAnnotations: annotations, istioInstalled: installed});
  const amb = (ns: Record<string, string>, pod: Record<string, string> = {}, hasSidecar = false, namespace = 'bar-1') =>
    wantsAmbient({namespace, namespaceLabels: ns, podLabels: pod, podAnnotations: {}, hasSidecar});

  const sidecarCases: [string, boolean, boolean][] = [
    ['namespace istio-injection=enabled', inj({'istio-injection': 'enabled'}), true],
    [
      '… but the pod opts out with sidecar.istio.io/inject=false',
      inj({'istio-injection': 'enabled'}, {'sidecar.istio.io/inject': 'false'}),
      false,
    ],
    [
      '… or with the legacy annotation',
      inj({'istio-injection': 'enabled'}, {}, {'sidecar.istio.io/inject': 'false'}),
      false,
    ],
    [
      'pod label sidecar.istio.io/inject=true in an unlabelled namespace',
      inj({}, {'sidecar.istio.io/inject': 'true'}),
      true,
    ],
    [
      '… not in a namespace labelled istio-injection=disabled',
      inj({'istio-injection': 'disabled'}, {'sidecar.istio.io/inject': 'true'}),
      false,
    ],
    ['namespace istio.io/rev=default', inj({'istio.io/rev': 'default'}), true],
    ['unlabelled namespace', inj({}), false],
    ['Istio not installed', inj({'istio-injection': 'enabled'}, {}, {}, false), false],
  ];
  for (const [name, got, want] of sidecarCases) it(`sidecar: ${name} → ${want}`, () => assert.equal(got, want));

  const ambientCases: [string, boolean, boolean][] = [
    ['namespace istio.io/dataplane-mode=ambient', amb({'istio.io/dataplane-mode': 'ambient'}), true],
    ['pod istio.io/dataplane-mode=ambient in a plain namespace', amb({}, {'istio.io/dataplane-mode': 'ambient'}), true],
    ['pod opts out with none', amb({'istio.io/dataplane-mode': 'ambient'}, {'istio.io/dataplane-mode': 'none'}), false],
    [
      'a sidecar pod in an ambient namespace is never captured',
      amb({'istio.io/dataplane-mode': 'ambient'}, {}, true),
      false,
    ],
    ['kube-system is excluded', amb({'istio.io/dataplane-mode': 'ambient'}, {}, false, 'kube-system'), false],
    ['unlabelled', amb({}), false],
  ];
  for (const [name, got, want] of ambientCases) it(`ambient: ${name} → ${want}`, () => assert.equal(got, want));

  it('picks the waypoint: service label over namespace, none opts out, waypoint-for filters', () => {
    const ns = (name: string, labels: Record<string, string>): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {name, labels},
    });
    const gw = (name: string, waypointFor?: string): KubeObject => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: {name, namespace: 'bar-2', labels: waypointFor ? {'istio.io/waypoint-for': waypointFor} : {}},
      spec: {gatewayClassName: 'istio-waypoint'},
    });
    const svc = (labels: Record<string, string> = {}): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {name: 'helloworld', namespace: 'bar-2', labels},
    });
    const pod = (labels: Record<string, string> = {}): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: 'hw', namespace: 'bar-2', labels},
    });
    const world = {
      namespaces: [ns('bar-2', {'istio.io/use-waypoint': 'waypoint'})],
      gateways: [gw('waypoint'), gw('special', 'all'), gw('wl', 'workload')],
    };
    assert.equal(waypointFor(world, {service: svc()})?.name, 'waypoint');
    assert.equal(waypointFor(world, {service: svc()})?.from, 'namespace');
    assert.equal(waypointFor(world, {service: svc({'istio.io/use-waypoint': 'special'})})?.name, 'special');
    assert.equal(waypointFor(world, {service: svc({'istio.io/use-waypoint': 'none'})}), undefined);
    // the namespace waypoint is for services only: pod-addressed traffic skips it
    assert.equal(waypointFor(world, {pod: pod()}), undefined);
    assert.equal(waypointFor(world, {pod: pod({'istio.io/use-waypoint': 'wl'})})?.name, 'wl');
    assert.equal(waypointFor(world, {service: svc({'istio.io/use-waypoint': 'wl'})}), undefined);
  });

  it('a waypoint has no waypoint: neither its own Service nor its pods, though its namespace uses it', () => {
    const managed = {
      'gateway.istio.io/managed': 'istio.io-mesh-controller',
      'gateway.networking.k8s.io/gateway-name': 'waypoint',
    };
    const world = {
      namespaces: [
        {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'bar-2', labels: {'istio.io/use-waypoint': 'waypoint'}}},
      ],
      gateways: [
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'Gateway',
          metadata: {name: 'waypoint', namespace: 'bar-2', labels: {'istio.io/waypoint-for': 'all'}},
          spec: {gatewayClassName: 'istio-waypoint'},
        },
      ],
    };
    const of = (kind: string, labels: Record<string, string>): KubeObject => ({
      apiVersion: 'v1',
      kind,
      metadata: {name: 'waypoint', namespace: 'bar-2', labels},
    });
    assert.equal(waypointFor(world, {service: of('Service', managed)}), undefined);
    assert.equal(waypointFor(world, {pod: of('Pod', managed)}), undefined);
    // an ordinary Service and pod of the namespace do use it (the Gateway is for all traffic)
    assert.equal(waypointFor(world, {service: of('Service', {})})?.name, 'waypoint');
    assert.equal(waypointFor(world, {pod: of('Pod', {})})?.name, 'waypoint');
    // a gateway-name label naming no Gateway of the namespace does not make a pod a waypoint instance
    const stray = of('Pod', {'gateway.networking.k8s.io/gateway-name': 'elsewhere'});
    assert.equal(waypointFor(world, {pod: stray})?.name, 'waypoint');
  });
});

const GOLDEN = new URL('../fixtures/sandbox-mesh/injected-sleep.json', import.meta.url);

describe('sidecar injection', () => {
  const sleep: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: 'sleep-7656cf8794-',
      namespace: 'foo',
      labels: {app: 'sleep', 'pod-template-hash': '7656cf8794'},
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'sleep-7656cf8794',
          uid: 'rs-uid',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      serviceAccountName: 'sleep',
      containers: [{name: 'sleep', image: 'curlimages/curl:8.16.0', command: ['/bin/sleep', 'infinity']}],
    },
  };

  it('turns a pod into the injected pod (golden, CNI mode: istio-validation)', () => {
    const out = injectSidecar(sleep, 'foo', {
      istio: {hub: 'docker.io/istio', tag: '1.29.8-distroless', cni: true},
      hbone: true,
    });
    matchGolden(GOLDEN, `${JSON.stringify(out, null, 2)}\n`);
    const spec = out.spec as {
      containers: {name: string; image: string}[];
      initContainers: {name: string; args: string[]}[];
    };
    assert.deepEqual(
      spec.containers.map((c) => c.name),
      ['sleep', 'istio-proxy'],
    ); // READY 2/2
    assert.equal(spec.containers[1]!.image, 'docker.io/istio/proxyv2:1.29.8-distroless');
    assert.equal(spec.initContainers[0]!.name, 'istio-validation');
    assert.ok(spec.initContainers[0]!.args.includes('--run-validation'));
    assert.equal(out.metadata.annotations!['kubectl.kubernetes.io/default-container'], 'sleep');
    assert.equal(out.metadata.labels!['service.istio.io/canonical-name'], 'sleep');
    assert.equal(out.metadata.labels!['security.istio.io/tlsMode'], 'istio');
    assert.deepEqual(sleep.metadata.annotations, undefined, 'the input is not mutated');
  });

  it('uses istio-init (NET_ADMIN) without istio-cni, and is idempotent', () => {
    const out = injectSidecar(sleep, 'foo', {istio: {hub: 'docker.io/istio', tag: '1.29.8', cni: false}});
    const init = (out.spec as {initContainers: {name: string; securityContext: {capabilities: {add?: string[]}}}[]})
      .initContainers[0]!;
    assert.equal(init.name, 'istio-init');
    assert.deepEqual(init.securityContext.capabilities.add, ['NET_ADMIN', 'NET_RAW']);
    assert.deepEqual(injectSidecar(out, 'foo', {istio: {hub: 'docker.io/istio', tag: '1.29.8', cni: false}}), out);
  });

  it('injects at admission in a labelled namespace once Istio is installed', () => {
    const {store} = freshStore();
    const hook = installSidecarInjector(store);
    try {
      namespace(store, 'foo', {'istio-injection': 'enabled'});
      const before = runningPod(store, {
        name: 'early',
        namespace: 'foo',
        node: 'k3d-lab-agent-0',
        ip: '10.42.1.5',
        containers: [{name: 'sleep', image: 'curlimages/curl:8.16.0'}],
      });
      assert.equal(podDataplane(before), 'none', 'no istiod yet: nothing answers the webhook');
      installIstio(store);
      const sleepPod = runningPod(store, {
        name: 'sleep-1',
        namespace: 'foo',
        node: 'k3d-lab-agent-0',
        ip: '10.42.1.6',
        containers: [{name: 'sleep', image: 'curlimages/curl:8.16.0'}],
      });
      assert.equal(podDataplane(sleepPod), 'sidecar');
      assert.equal((sleepPod.spec as {containers: unknown[]}).containers.length, 2);
      assert.match(
        String(
          (sleepPod.spec as {containers: {env: {name: string; value?: string}[]}[]}).containers[1]!.env.find(
            (e) => e.name === 'ISTIO_META_ENABLE_HBONE',
          )?.value,
        ),
        /true/,
      );
      namespace(store, 'plain');
      const plain = runningPod(store, {
        name: 'p',
        namespace: 'plain',
        node: 'k3d-lab-agent-0',
        ip: '10.42.1.7',
        containers: [{name: 'sleep', image: 'curlimages/curl:8.16.0'}],
      });
      assert.equal(podDataplane(plain), 'none');
      const hostNet = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {name: 'h', namespace: 'foo'},
        spec: {hostNetwork: true, containers: [{name: 'c', image: 'nginx'}]},
      };
      maybeInject(store, hostNet);
      assert.equal(hostNet.spec.containers.length, 1, 'host-network pods are not injected');
    } finally {
      hook.dispose();
    }
  });
});

describe("a store's admission chain (the injector's hook)", () => {
  it('runs after built-in defaulting on create and update, with old on updates, until disposed', () => {
    const {store} = freshStore();
    const cms = store.types.lookup('', 'v1', 'configmaps')!;
    const seen: string[] = [];
    const hook = store.admission.register('configmaps', (o, _ctx, old) => {
      seen.push(old ? 'update' : 'create');
      o.metadata.labels = {...(o.metadata.labels ?? {}), mutated: 'yes'};
    });
    const a = store.create(cms, {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'a', namespace: 'default'}});
    assert.equal(a.metadata.labels?.mutated, 'yes');
    store.update(cms, {...a, data: {k: 'v'}});
    hook.dispose();
    const b = store.create(cms, {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'b', namespace: 'default'}});
    assert.equal(b.metadata.labels?.mutated, undefined);
    assert.deepEqual(seen, ['create', 'update']);
  });
});
